"""The device check in headless Chromium: a fake camera and microphone, then a denied permission."""

import time

import pytest
from sqlalchemy import select

from portal.device_check.models import DeviceCheck, Outcome
from portal.extensions import db
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.factories import CITIZEN_NISS

STEP = '[data-step="%s"]'


def book_and_open_the_check(page, live_server):
    page.goto("/?lang=en")
    page.fill("#code", live_server.code)
    page.fill("#identifier", CITIZEN_NISS)
    page.click("button[type=submit]")
    page.locator("input[name=horario][type=radio]").first.check()
    page.click("fieldset.slot-day + button")
    page.wait_for_url("**/documentos")
    page.click('a[href="/verificar-equipamento"]')
    page.wait_for_url("**/verificar-equipamento")
    page.click("[data-start]")


def wait_until(locator, expression, timeout=10.0):
    """Poll an element (page.wait_for_function would need eval, which our CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not locator.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        time.sleep(0.05)


def next_step(page, name):
    button = page.locator(STEP % name + " [data-next]")
    button.wait_for(state="visible")
    assert button.evaluate("element => element === document.activeElement"), "focus follows"
    button.click()


def stored_checks(live_server):
    with live_server.app.app_context():
        return db.session.scalars(select(DeviceCheck).order_by(DeviceCheck.id)).all()


def finish_the_check(page):
    page.click(STEP % "speakers" + " [data-play]")
    page.click(STEP % "speakers" + ' [data-answer="yes"]')
    next_step(page, "speakers")
    next_step(page, "network")
    next_step(page, "browser")
    page.locator('[data-save-status][data-saved="yes"]').wait_for()


def test_the_whole_check_runs_and_its_results_are_stored(media_browser, live_server):
    context = media_browser.new_context(base_url=live_server.url)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(  # CSP violations and script errors; failed loads are checked below
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "response",
        lambda r: errors.append(r.url) if r.status >= 400 and "favicon" not in r.url else None,
    )
    book_and_open_the_check(page, live_server)

    heading = page.locator("#step-camera")
    assert heading.evaluate("element => element === document.activeElement")
    wait_until(page.locator("[data-preview]"), "video => video.readyState >= 2")
    page.click(STEP % "camera" + ' [data-answer="yes"]')
    assert "Your camera works." in page.locator(STEP % "camera" + " [data-result]").inner_text()
    next_step(page, "camera")

    level = page.locator(STEP % "microphone" + " [data-level]")
    page.locator(STEP % "microphone" + " [data-status]", has_text="Sound detected.").wait_for()
    assert level.inner_text().startswith("Sound level: ")
    page.click(STEP % "microphone" + " [data-finish]")
    next_step(page, "microphone")
    finish_the_check(page)

    summary = page.locator(STEP % "summary" + " [data-summary] li")
    assert summary.count() == 5
    assert [text.split()[0] for text in summary.all_inner_texts()] == ["Passed"] * 5
    page.locator("[data-live]", has_text="The desk will see them").wait_for(state="attached")
    page.screenshot(path="/tmp/device-check-results.png", full_page=True)

    (check,) = stored_checks(live_server)
    assert check.outcomes() == dict.fromkeys(check.outcomes(), Outcome.PASSED)
    assert check.browser_family == "chrome" and check.platform == "desktop"
    assert check.latency_ms is not None and check.download_kbps >= 1500
    assert check.microphone_level > 0 and not check.self_declared

    page.goto("/a-minha-marcacao")  # held: back to review, which shows the result
    assert page.locator(".device-results__item").count() == 5
    assert not errors, errors
    context.close()


@pytest.fixture
def browser_without_fake_ui(playwright_instance):
    """A fake camera and microphone, but permission prompts are not accepted for us."""
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS + ["--use-fake-device-for-media-stream"]
    )
    yield browser
    browser.close()


def test_a_denied_permission_explains_how_to_allow_it(browser_without_fake_ui, live_server):
    context = browser_without_fake_ui.new_context(base_url=live_server.url, permissions=[])
    page = context.new_page()
    book_and_open_the_check(page, live_server)

    result = page.locator(STEP % "camera" + " [data-result]")
    result.wait_for(state="visible")
    wait_until(result, "element => element.textContent.length > 0")
    text = result.inner_text()
    assert text.startswith("Failed")
    assert "Your browser blocked the camera" in text and "Allow" in text
    page.locator("[data-live]", has_text="blocked the camera").wait_for(state="attached")
    page.screenshot(path="/tmp/device-check-denied.png", full_page=True)
    next_step(page, "camera")
    next_step(page, "microphone")
    finish_the_check(page)

    (check,) = stored_checks(live_server)
    assert (check.camera, check.camera_problem) == (Outcome.FAILED, "denied")
    assert (check.microphone, check.microphone_problem) == (Outcome.FAILED, "denied")
    page.goto("/verificar-equipamento")
    assert "Your browser blocked the camera" in page.locator("main").inner_text()
    assert page.locator("form[action$='/declaracao']").is_visible(), "the declaration remains"
    context.close()


def test_documents_are_sent_from_the_browser_and_pages_pass_axe(browser, live_server, tmp_path):
    from axe_playwright_python.sync_playwright import Axe

    from tests.documents import samples

    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    book_and_open_the_check(page, live_server)
    page.goto("/documentos")
    sample = tmp_path / "Cartão de Cidadão.pdf"
    sample.write_bytes(samples.pdf())
    page.set_input_files("#file", str(sample))
    page.click("form[enctype] button[type=submit]")
    page.locator(".notice--success", has_text="Cartão de Cidadão.pdf").wait_for()
    page.screenshot(path="/tmp/documents-step.png", full_page=True)
    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    for url in ("/documentos", "/verificar-equipamento", "/marcar/revisao"):
        page.goto(url)
        violations = Axe().run(page, options=options).response["violations"]
        assert violations == [], (url, [v["id"] for v in violations])
    context.close()
