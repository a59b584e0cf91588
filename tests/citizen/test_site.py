"""What makes the site recognisable: the header lockup, an optional official logo, the
favicon, a description, a footer that leads to the organisation and its contacts."""

import re

import pytest

from portal import create_app
from portal.config import ConfigurationError

LOGO = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><rect width="9"/></svg>'


def test_the_header_names_the_state_and_the_body_as_text(client):
    page = client.get("/?lang=en")

    lockup = page.soup.select_one(".masthead__lockup")
    assert [s.get_text() for s in lockup.find_all("span")] == [
        "República Portuguesa",
        "Segurança Social",
    ]
    assert all(s["lang"] == "pt-PT" for s in lockup.find_all("span")), "names, read as Portuguese"
    assert not page.soup.select(".masthead img"), "no emblem ships with the portal"
    assert page.soup.select_one(".masthead__service").get_text() == "Video appointments"


def test_an_official_logo_file_can_be_named_by_a_setting(app, client, tmp_path):
    logo = tmp_path / "logo-seg-social.svg"
    logo.write_text(LOGO)
    app.config["BRAND_LOGO_FILE"] = str(logo)

    page = client.get("/?lang=en")
    image = page.soup.select_one(".masthead img")
    assert image["src"] == "/marca/logotipo"
    assert image["alt"] == "República Portuguesa – Segurança Social"
    served = client.client.get("/marca/logotipo")
    assert served.status_code == 200 and served.mimetype == "image/svg+xml"
    assert served.data == LOGO.encode()
    assert "sandbox" in served.headers["Content-Security-Policy"]


def test_without_a_logo_file_there_is_no_logo_address(client):
    assert client.client.get("/marca/logotipo").status_code == 404


@pytest.mark.parametrize("name", ["missing.svg", "logo.gif"])
def test_a_logo_setting_that_cannot_work_stops_the_start(tmp_path, name):
    (tmp_path / "logo.gif").write_bytes(b"GIF89a")
    settings = {
        "ENVIRONMENT": "development",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
        "BRAND_LOGO_FILE": str(tmp_path / name),
    }
    with pytest.raises(ConfigurationError, match="BRAND_LOGO_FILE"):
        create_app(settings)


def test_a_favicon_and_a_description(client):
    page = client.get("/?lang=en")

    icons = {link["href"] for link in page.soup.select('head link[rel="icon"]')}
    (svg,) = icons - {"/favicon.ico"}
    assert re.fullmatch(r"/static/favicon\.[0-9a-f]{12}\.svg", svg), "content-hashed"
    favicon = client.client.get("/favicon.ico")
    assert favicon.status_code == 200 and favicon.data.startswith(b"\x00\x00\x01\x00")
    assert client.client.get(svg).status_code == 200
    description = page.soup.select_one('meta[name="description"]')["content"]
    assert description.startswith("Book, change or cancel a video appointment")


def test_the_contacts_page_gathers_who_to_ask_about_what(app, client):
    page = client.get("/contactos?lang=en")

    text = page.main_text()
    assert app.config["PHONE_LINE_NUMBER"] in text
    assert app.config["PHONE_LINE_NUMBER_ABROAD"] in text
    links = [a["href"] for a in page.soup.select("main a")]
    assert f"mailto:{app.config['ACCESSIBILITY_EMAIL']}" in links
    assert "/privacidade" in links and "/acessibilidade" in links
    assert "https://www.seg-social.pt/" in links
    response = client.client.get("/contacts")
    assert (response.status_code, response.location) == (301, "/contactos?lang=en")
