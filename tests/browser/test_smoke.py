"""The citizen journey in a real browser, without JavaScript errors."""

from tests.factories import CITIZEN_NISS


def test_a_person_books_a_time_in_chromium(page, live_server):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "pt-PT"
    page.fill("#code", live_server.code.lower())
    page.fill("#identifier", CITIZEN_NISS)
    page.click("button[type=submit]")
    page.locator("input[name=horario][type=radio]").first.check()
    page.click("fieldset.slot-day + button")
    page.wait_for_url("**/documentos")
    page.click('a[href="/marcar/revisao"]')  # documents can wait
    page.wait_for_url("**/marcar/revisao")
    page.click("text=Confirmar marcação")
    page.wait_for_url("**/marcar/confirmada")
    assert page.locator("h1").inner_text() == "Marcação confirmada"
    assert not errors
