"""Error pages, language switching and the headers every response carries."""

from urllib.parse import parse_qs, urlparse

import pytest
from flask_babel import force_locale, gettext

from tests.factories import CITIZEN_NISS, create_world


def in_portuguese(app, message, **values):
    """The text the Portuguese pages show for a message (English until translated)."""
    with app.test_request_context(), force_locale("pt_PT"):
        return gettext(message, **values)


def language_link(page):
    link = page.soup.select_one("a.masthead__language")
    url = urlparse(link["href"])
    return link, url.path, parse_qs(url.query)


def sign_in(client, referral):
    return client.submit("/", {"code": referral.code, "identifier": CITIZEN_NISS})


def test_not_found_page_is_in_the_layout_and_translated(app, client):
    page = client.get("/nao-existe", status=404)

    assert page.lang == "pt-PT"
    assert page.h1 == in_portuguese(app, "Page not found")
    assert page.soup.select_one('a.skip-link[href="#main"]')
    assert page.soup.select_one("main#main h1")
    assert page.soup.select_one("footer"), "the layout's footer with the phone line"
    assert "300 502 502" in page.text

    english = client.get("/nao-existe?lang=en", status=404)
    assert english.lang == "en"
    assert english.h1 == "Page not found"
    assert english.title.startswith("Page not found")
    assert "Check the address" in english.main_text()


def test_method_not_allowed_page(app, client):
    page = client.get("/marcar/confirmar?lang=en", status=405)

    assert page.h1 == "Action not allowed"
    assert page.soup.select_one('a.skip-link[href="#main"]')
    assert "cannot be used that way" in page.main_text()
    assert "POST" in page.response.headers["Allow"] and "GET" not in page.response.headers["Allow"]


def test_unexpected_error_shows_no_traceback(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def explode():
        raise RuntimeError("secret internal detail 1234")

    app.add_url_rule("/rebentar", "explode", explode)

    page = client.get("/rebentar?lang=en", status=500)

    assert page.h1 == "Sorry, something went wrong on our side"
    body = page.response.get_data(as_text=True)
    for leak in ("Traceback", "RuntimeError", "secret internal detail", 'File "'):
        assert leak not in body
    assert page.soup.select_one('a.skip-link[href="#main"]')

    portuguese = client.get("/rebentar?lang=pt", status=500)
    assert portuguese.h1 == in_portuguese(app, "Sorry, something went wrong on our side")


def test_language_choice_is_remembered(app, client):
    english = client.get("/?lang=en")
    assert english.lang == "en"
    cookies = english.response.headers.getlist("Set-Cookie")
    assert any(cookie.startswith("lang=en;") for cookie in cookies)

    later = client.get("/")
    assert later.lang == "en"
    assert later.h1 == "Book a video appointment with Segurança Social"

    back = client.get("/?lang=pt")
    assert back.lang == "pt-PT"
    assert back.h1 == in_portuguese(app, "Book a video session with Segurança Social")
    assert client.get("/").lang == "pt-PT"
    assert client.get("/nao-existe", status=404).lang == "pt-PT"


def test_unknown_language_parameter_is_ignored(app, client):
    client.get("/?lang=en")

    page = client.get("/?lang=xx")

    assert page.lang == "en", "the remembered choice stays"


def test_language_link_points_to_the_same_page_in_the_other_language(app, client, clock):
    world = create_world(clock.now)

    link, to_path, query = language_link(client.get("/"))
    assert (to_path, query) == ("/", {"lang": ["en"]})
    assert link.get_text(strip=True) == "English"
    assert link["hreflang"] == "en"

    link, to_path, query = language_link(client.get("/nao-existe?lang=en", status=404))
    assert (to_path, query) == ("/nao-existe", {"lang": ["pt"]})
    assert link.get_text(strip=True) == "Português"
    assert link["hreflang"] == "pt-PT"

    sign_in(client, world.referral)
    page = client.get("/marcar/horarios?dia=2026-11-30&lang=pt")
    assert page.lang == "pt-PT"
    link, to_path, query = language_link(page)
    assert (to_path, query) == ("/marcar/horarios", {"dia": ["2026-11-30"], "lang": ["en"]})

    followed = client.get(link["href"])
    assert followed.lang == "en"
    assert followed.radio_values() == page.radio_values(), "the same page, the same times"


def test_dates_follow_the_language(app, client, clock):
    world = create_world(clock.now)
    sign_in(client, world.referral)

    portuguese = [
        legend.get_text(" ", strip=True)
        for legend in client.get("/marcar/horarios?dia=2026-11-30").soup.select("fieldset legend")
    ]
    english = [
        legend.get_text(" ", strip=True)
        for legend in client.get("/marcar/horarios?dia=2026-11-30&lang=en").soup.select(
            "fieldset legend"
        )
    ]

    assert "segunda-feira, 30 de novembro de 2026" in portuguese
    assert "Monday 30 November 2026" in english
    assert not any("Monday" in day or "November" in day for day in portuguese)
    assert not any("feira" in day or "novembro" in day for day in english)


@pytest.mark.parametrize(
    "url, status", [("/", 200), ("/nao-existe", 404), ("/marcar/horarios", 302)]
)
def test_security_headers(app, client, url, status):
    response = client.client.get(url)

    assert response.status_code == status
    policy = response.headers["Content-Security-Policy"]
    assert "object-src 'none'" in policy
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_with_personal_data_are_not_cached(app, client, clock):
    world = create_world(clock.now)
    sign_in(client, world.referral)

    response = client.get("/marcar/horarios").response

    assert response.headers["Cache-Control"] == "no-store"
