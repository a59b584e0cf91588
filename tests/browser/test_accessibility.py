"""WCAG 2.1 AA on every page, in both languages, checked by axe-core in Chromium.

The pages are tests/visits.py PAGES: add a page there and it is checked here. On
each page, besides axe-core (rules tagged WCAG 2.0/2.1 A and AA): the language is
the one chosen and no text of the other shows; an error summary, if any, has the
focus, links to fields that exist, and the title says there is an error; the
content reflows at 320 CSS pixels without scrolling sideways; no script fails.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import DESKTOP
from tests.browser.visitors import BrowserVisitor
from tests.catalogs import foreign_phrases
from tests.visits import PAGES

LANGUAGES = ["pt_PT", "en"]
WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],  # details of what passed are not needed, and cost time
}
NARROW = {"width": 320, "height": 640}
ERROR_PREFIX = {"pt_PT": "Erro:", "en": "Error:"}
# What the checks below need from the page, in one round trip.
PAGE_FACTS = """() => ({
  lang: document.documentElement.lang,
  title: document.title,
  html: document.documentElement.outerHTML,
  summary: !!document.querySelector(".error-summary"),
  summaryFocused: !!document.activeElement.closest(".error-summary"),
  brokenErrorLinks: [...document.querySelectorAll(".error-summary a")]
    .map(a => a.hash).filter(hash => !document.getElementById(hash.slice(1))),
})"""
axe = Axe()


def axe_violations(page) -> list[dict]:
    return axe.run(page, options=WCAG_AA).response["violations"]


def describe(violations: list[dict]) -> str:
    """One paragraph per rule broken: what, how bad, which criteria, where, how to fix."""
    lines = []
    for violation in violations:
        criteria = ", ".join(tag for tag in violation["tags"] if tag.startswith("wcag"))
        lines.append(
            f"\n[{violation['impact']}] {violation['id']}: {violation['help']} ({criteria})"
        )
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  at {' '.join(node['target'])}: {node['html'][:160]}")
            lines.append("    " + node["failureSummary"].replace("\n", "\n    "))
    return "\n".join(lines)


@pytest.fixture(scope="module")
def module_tab(site_context):
    page = site_context.new_page()
    page.script_errors = []
    page.on("pageerror", lambda error: page.script_errors.append(str(error)))
    return page


@pytest.fixture
def tab(module_tab):
    module_tab.script_errors.clear()
    module_tab.set_viewport_size(DESKTOP)
    return module_tab


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("visit", PAGES, ids=str)
def test_page_meets_wcag_21_aa(tab, live_site, visit, language):
    visitor = visit.run(BrowserVisitor(live_site, language, tab))
    assert visitor.status == visit.status, tab.url

    violations = axe_violations(tab)
    assert not violations, f"{visit} ({language}):" + describe(violations)
    facts = tab.evaluate(PAGE_FACTS)
    assert facts["lang"] == language.replace("_", "-")
    assert not foreign_phrases(facts["html"], language)
    if facts["summary"]:
        assert facts["title"].startswith(ERROR_PREFIX[language]), facts["title"]
        assert facts["summaryFocused"], "the error summary has the focus"
        assert not facts["brokenErrorLinks"]
    tab.set_viewport_size(NARROW)
    assert tab.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    assert not tab.script_errors


def test_the_check_reports_violations_readably(tab, live_site):
    """The harness itself: a field without a label and pale text are caught and explained."""
    visit = next(v for v in PAGES if v.name == "start")
    visit.run(BrowserVisitor(live_site, "en", tab))
    tab.evaluate("""() => {
          document.querySelector("main").insertAdjacentHTML("beforeend",
            '<input id="unlabelled"><p id="pale">Pale text</p>');
          document.getElementById("pale").style.color = "#bbb";  // CSP: no style attributes
        }""")

    violations = axe_violations(tab)

    assert {"label", "color-contrast"} <= {v["id"] for v in violations}
    report = describe(violations)
    assert "#unlabelled" in report and "#pale" in report and "wcag2aa" in report
