"""The privacy notice (RGPD art. 13) at /privacidade: what it must say, with the periods
the settings enforce, and the links that lead to it from every page."""

import pytest

from tests.factories import create_account


def section(page, anchor: str) -> str:
    """The text from the heading with this id to the next h2."""
    heading = page.soup.find(id=anchor)
    parts = []
    for element in heading.find_next_siblings():
        if element.name == "h2":
            break
        parts.append(element.get_text(" "))
    return " ".join(" ".join(parts).split())


def test_the_notice_says_what_article_13_asks(client):
    page = client.get("/privacidade?lang=en")

    assert page.h1 == "Privacy notice"
    controller = section(page, "controller")
    assert "Instituto da Segurança Social, I.P." in controller
    assert "data protection officer" in controller
    data = section(page, "data")
    for category in ("NISS", "e-mail address", "documents", "device check", "internet address"):
        assert category in data, category
    purposes = section(page, "purposes")
    assert "article 6(1)(e) GDPR" in purposes and "articles 6(1)(c) and 32 GDPR" in purposes
    recipients = section(page, "recipients")
    assert "Microsoft" in recipients and "processor" in recipients
    assert "e-mail service" in recipients
    rights = section(page, "rights")
    for right in ("access", "corrected", "erased", "restricted", "object"):
        assert right in rights, right
    assert page.soup.select_one('#rights ~ p a[href="https://www.cnpd.pt/"]')
    assert "Comissão Nacional de Proteção de Dados" in rights


def test_every_period_is_the_setting_that_enforces_it(app, client):
    app.config.update(
        PERSONAL_DATA_RETENTION_DAYS=200,
        DOCUMENT_RETENTION_DAYS=21,
        REFERRAL_VALID_DAYS=7,
        AUDIT_LOG_RETENTION_DAYS=1000,
        SIGN_IN_WINDOW_MINUTES=20,
        SIGN_IN_LOCK_MINUTES=1,
    )
    retention = section(client.get("/privacidade?lang=en"), "retention")

    assert "Until 200 days after your appointment" in retention
    assert "Deleted 21 days after your appointment" in retention
    assert "for 7 days after it is issued" in retention
    assert "Kept for 1000 days" in retention and "removed after 200 days" in retention
    assert "Counted for 20 minutes, and a pause in signing in lasts 1 minute" in retention

    portuguese = section(client.get("/privacidade?lang=pt"), "retention")
    assert "Até 200 dias após o seu atendimento" in portuguese
    assert "dura 1 minuto" in portuguese


def test_the_data_protection_officer_is_a_setting(app, client):
    page = client.get("/privacidade?lang=en")
    fallback = page.soup.select_one("#controller ~ p a")
    assert fallback["href"] == "https://www.seg-social.pt/pt/politica-de-privacidade"

    app.config["DATA_PROTECTION_OFFICER_EMAIL"] = "dpo@seg-social.example"
    page = client.get("/privacidade?lang=en")
    assert page.soup.select_one('#controller ~ p a[href="mailto:dpo@seg-social.example"]')
    assert page.soup.select_one('#rights ~ p a[href="mailto:dpo@seg-social.example"]')


def test_the_cookie_section_lists_the_only_cookies_set(app, client):
    cookies = section(client.get("/privacidade?lang=en"), "cookies")

    names = [
        dt.get_text(strip=True) for dt in client.get("/privacidade").soup.select("#cookies ~ dl dt")
    ]
    assert names == [app.config["SESSION_COOKIE_NAME"], app.config["LANGUAGE_COOKIE"]]
    assert "CSRF" in cookies and "no tracking, no analytics, no advertising" in cookies
    assert "after 30 minutes without activity" in cookies and "for 365 days" in cookies

    # What the portal really sets, signing in and choosing a language on the way.
    http = app.test_client()
    http.get("/?lang=en")
    set_by_portal = {cookie.key for cookie in http._cookies.values()}
    assert set_by_portal <= set(names), set_by_portal


def test_privacy_in_english_redirects_to_the_notice(client):
    response = client.client.get("/privacy")
    assert (response.status_code, response.location) == (301, "/privacidade?lang=en")
    assert client.get("/privacidade?lang=en").h1 == "Privacy notice"


@pytest.mark.parametrize("url", ["/", "/acessibilidade", "/staff/sign-in", "/nao-existe"])
def test_every_page_links_the_notice_beside_the_accessibility_statement(client, url):
    page = client.get(url, status=None)

    links = [a["href"] for a in page.soup.select("footer a")]
    assert "/privacidade" in links and "/acessibilidade" in links
    assert "/contactos" in links and "https://www.seg-social.pt/" in links


def test_staff_pages_link_it_too(client):
    from tests.staff.helpers import staff_sign_in

    staff_sign_in(client, create_account("phone_line"))
    page = client.get("/staff/referrals/new")

    assert page.soup.select_one('footer a[href="/privacidade"]')
    assert "http://localhost/privacidade" in page.main_text(), "the agent can tell the caller"


def test_the_sign_in_form_says_how_we_handle_the_data(client):
    page = client.get("/")

    link = page.soup.select_one('.columns__main a[href="/privacidade"]')
    assert link.get_text(strip=True) == "Como tratamos os seus dados"
