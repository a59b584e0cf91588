"""Patterns axe-core cannot see: zoom, reduced motion, warnings before time limits run out."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import axe_violations
from tests.browser.visitors import BrowserVisitor
from tests.visits import PAGES

# 1280 × 720 CSS pixels zoomed to 400 % leave 320 × 180 CSS pixels (WCAG 1.4.10).
ZOOMED = {"viewport": {"width": 320, "height": 180}, "device_scale_factor": 4}
# The widest pages: long words, a list of times, summary lists, a long form, the statement.
WIDE_PAGES = [
    "choose a time",
    "company: who attends, errors",
    "company: review",
    "my booking",
    "accessibility statement",
    "error: form expired (CSRF)",
]


@pytest.fixture
def context(browser, live_site, request):
    options = getattr(request, "param", {})
    context = browser.new_context(base_url=live_site.url, **options)
    yield context
    context.close()


@pytest.fixture(scope="module")
def zoomed_page(browser, live_site):
    context = browser.new_context(base_url=live_site.url, **ZOOMED)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("visit", [v for v in PAGES if v.name in WIDE_PAGES], ids=str)
def test_content_reflows_at_400_percent_zoom(zoomed_page, live_site, visit):
    page = zoomed_page
    visit.run(BrowserVisitor(live_site, "pt_PT", page))

    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    heading = page.locator("h1").bounding_box()
    assert heading["x"] >= 0 and heading["x"] + heading["width"] <= 320


@pytest.mark.parametrize(
    "context, duration",
    [({"reduced_motion": "reduce"}, "0s"), ({"reduced_motion": "no-preference"}, "0.15s")],
    indirect=["context"],
    ids=["reduce", "no-preference"],
)
def test_reduced_motion_is_respected(context, live_site, duration):
    page = context.new_page()
    page.goto("/")

    button = page.locator("main button[type=submit]")
    assert button.evaluate("b => getComputedStyle(b).transitionDuration").startswith(duration)


def test_the_end_of_a_hold_is_announced_in_advance_and_can_be_put_off(context, live_site):
    """Two minutes before a reserved time is released, the live region says so (WCAG 2.2.1)."""
    page = context.new_page()
    page.clock.install()
    hold_minutes = live_site.app.config["HOLD_MINUTES"]
    BrowserVisitor(live_site, "en", page).hold().finish()
    live = page.locator(".hold [aria-live=polite]")
    assert live.inner_text() == ""

    page.clock.run_for((hold_minutes - 2) * 60 * 1000 - 1000)
    assert live.inner_text() == ""
    page.clock.run_for(2000)
    assert "ends soon, at" in live.inner_text()
    assert "I need more time" in live.inner_text()

    more_time = page.get_by_role("button", name="I need more time")
    with page.expect_navigation():
        more_time.press("Enter")
    assert page.locator(".notice--success").inner_text() == "Your reservation was extended."
    assert live.inner_text() == ""

    page.clock.run_for(hold_minutes * 60 * 1000)
    assert "has ended" in live.inner_text()


def test_a_review_page_opened_near_the_end_of_the_hold_warns_at_once(context, live_site):
    """The server says how long is left: a hold with a minute to go warns on arrival."""
    page = context.new_page()
    visitor = BrowserVisitor(live_site, "en", page).hold()
    live_site.clock.advance(minutes=live_site.app.config["HOLD_MINUTES"] - 1)
    try:
        visitor.open("/marcar/revisao").finish()
        assert page.locator(".hold").get_attribute("data-hold-seconds") == "60"
        assert "ends soon, at" in page.locator(".hold [aria-live=polite]").inner_text()
    finally:
        live_site.clock.advance(minutes=1 - live_site.app.config["HOLD_MINUTES"])


def test_before_a_session_ends_a_warning_offers_to_stay_signed_in(context, live_site):
    """WCAG 2.2.1 for the signed-in session: warned ahead, kept without leaving the page."""
    page = context.new_page()
    page.clock.install()
    BrowserVisitor(live_site, "en", page).sign_in().finish()
    # Something on the page not to lose:
    page.locator("input[name=horario][type=radio]").first.check()
    dialog = page.get_by_role("dialog", name="Do you want to stay signed in?")
    until_warning = live_site.app.permanent_session_lifetime.total_seconds() * 1000 - 2 * 60_000
    assert not dialog.is_visible()

    page.clock.run_for(until_warning + 1000)
    expect(dialog).to_be_visible()
    assert "signed out in 2 minutes" in dialog.inner_text()
    assert page.evaluate("document.activeElement.innerText") == "Stay signed in"
    assert not axe_violations(page)
    page.keyboard.press("Enter")
    expect(page.locator("[data-session-live]")).to_have_text("You are still signed in.")
    assert not dialog.is_visible()
    assert (
        page.url.endswith("/marcar/horarios")
        and page.locator("input[name=horario]:checked").count()
    )

    page.clock.run_for(until_warning + 1000)  # counted again from the renewal
    expect(dialog).to_be_visible()
    page.clock.run_for(2 * 60_000)
    assert "You were signed out" in dialog.inner_text()
    assert page.get_by_role("link", name="Go to the start page").is_visible()


# Staff pages with tables: each table scrolls inside its own wrapper at 320 px, and
# none is cut off at a desktop width.
STAFF_TABLES = [v for v in PAGES if v.name.startswith("staff:") and v.status == 200]
TABLE_FACTS = """() => [...document.querySelectorAll("main table")].map(table => {
  const wrap = table.closest(".table-wrap");
  return {
    wrapped: !!wrap,
    clipped: wrap ? wrap.scrollWidth - wrap.clientWidth : 0,
    headers: [...table.querySelectorAll("thead th")].map(th => th.textContent.trim()),
  };
})"""


@pytest.mark.parametrize("visit", STAFF_TABLES, ids=str)
def test_staff_tables_reflow_and_are_not_cut_off(context, live_site, visit):
    tab = context.new_page()  # 1280 × 720
    visit.run(BrowserVisitor(live_site, "pt_PT", tab))
    tables = tab.evaluate(TABLE_FACTS)

    for table in tables:
        assert table["wrapped"], f"table {table['headers']} scrolls the page at 320 px"
        assert table["clipped"] <= 0, f"{table['headers']} cut off at 1280 px"
    tab.set_viewport_size({"width": 320, "height": 640})
    assert tab.evaluate("document.documentElement.scrollWidth") <= 320
