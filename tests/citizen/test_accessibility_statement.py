"""The accessibility statement (DL 83/2018), machine-readable as the official model is."""

from portal.citizen.accessibility import ENTITY, STATEMENT_DATE
from tests.visits import PAGES

# What the national monitor (AMA) and its statement generator read, by class or id.
MONITORED = [
    ".mr.mr-e-intro > span",
    ".mr.mr-e-name > span",
    ".mr.mr-t-type > .target-type",
    "a.siteurl .mr.mr-t-desc > .target-name",
    ".capFL .siteurl",
    ".mr.mr-conformance-status > .conformance-output",
    ".mr.mr-nonconf-sections > ul#non-conformance-sections > li",
    ".mr.mr-nonconf-reasons > ul > li",
    ".mr.mr-nonconf-alternatives > ul > li",
    ".mr.mr-date > span",
    ".mr.mr-automatic-summary > ol > li",
    ".mr.mr-manual-summary > ol > li",
    ".mr.mr-contacts > dl#accstmnt_orginfo_contacts_summary dd",
    ".mr.mr-seal-other > #accstmnt_additional_evidence_summary",
]


def test_statement_follows_the_official_model(app, client):
    page = client.get("/acessibilidade")

    assert page.h1 == "Declaração de acessibilidade"
    for selector in MONITORED:
        assert page.soup.select(selector), f"missing {selector}"
    status = page.soup.select_one(".mr-conformance-status .conformance-output")
    assert status.get_text() == "parcialmente conforme"
    assert page.soup.select_one(".mr-e-name > span").get_text() == ENTITY
    assert page.soup.select_one(".mr-date > span").get_text() == STATEMENT_DATE.isoformat()
    assert page.soup.select_one("[name=siteurl]")["href"] == "http://localhost/"
    contacts = [dd.get_text(" ", strip=True) for dd in page.soup.select(".mr-contacts dd")]
    assert contacts == ["300 502 502", "+351 210 545 400", "acessibilidade@seg-social.pt"]
    # The sample is what the browser suite checks: update the statement with PAGES.
    assert f"Amostra: {len(PAGES)} páginas." in page.main_text()


def test_statement_in_english_keeps_the_machine_readable_structure(app, client):
    page = client.get("/acessibilidade?lang=en")

    assert page.lang == "en"
    assert page.h1 == "Accessibility statement"
    assert page.soup.select_one(".conformance-output").get_text() == "partially conformant"
    assert page.soup.select_one(".mr-e-intro > span").get_text() == "The"
    for selector in MONITORED:
        assert page.soup.select(selector), f"missing {selector}"


def test_english_address_redirects_to_the_statement_in_english(app, client):
    response = client.client.get("/accessibility")

    assert response.status_code == 301
    assert response.location.endswith("/acessibilidade?lang=en")


def test_every_page_links_to_the_statement(app, client):
    for url, status in [("/", 200), ("/nao-existe", 404), ("/acessibilidade?lang=en", 200)]:
        link = client.get(url, status=status).soup.select_one("footer a[href='/acessibilidade']")
        assert link is not None, url
    assert link.get_text() == "Accessibility statement"


def test_contact_email_is_a_setting(app, client):
    app.config["ACCESSIBILITY_EMAIL"] = "a11y@example.pt"

    page = client.get("/acessibilidade")

    assert page.soup.select_one(".mr-contacts a[href='mailto:a11y@example.pt']")
