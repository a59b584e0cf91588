"""What a visit does in the browser only (tests/visits.py ``Visitor.in_browser``).

Each action takes the Playwright page showing the visit's last page, and acts on
it as a person would; the test client cannot, so through it the page stays as
served. Only plain Playwright calls here: tests/visits.py imports this module
without needing Playwright.
"""

import time

STEP = '[data-step="%s"]'


def start_device_check(tab) -> None:
    """Start the automatic check: the fake camera's picture and its question show."""
    tab.click("[data-start]")
    tab.locator(STEP % "camera" + " [data-question]").wait_for()


def _wait_until(locator, expression, timeout=10.0) -> None:
    """Poll an element (page.wait_for_function would need eval, which our CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not locator.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        time.sleep(0.05)


def run_device_check(tab) -> None:
    """Run the whole check with the fake camera and microphone, up to its saved results."""
    start_device_check(tab)
    tab.click(STEP % "camera" + ' [data-answer="yes"]')
    tab.click(STEP % "camera" + " [data-next]")
    _wait_until(tab.locator(STEP % "microphone" + " [data-meter]"), "meter => meter.value >= 5")
    tab.click(STEP % "microphone" + " [data-finish]")
    tab.click(STEP % "microphone" + " [data-next]")
    tab.click(STEP % "speakers" + " [data-play]")
    tab.click(STEP % "speakers" + ' [data-answer="yes"]')
    for name in ("speakers", "network", "browser"):
        tab.click(STEP % name + " [data-next]")
    tab.locator('[data-save-status][data-saved="yes"]').wait_for()
