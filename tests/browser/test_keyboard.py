"""The whole citizen journey with the keyboard alone, the focus visible at every stop.

Only Tab, Shift+Tab, Enter, Space and the arrow keys, plus typing into the field
that has the focus: no clicks, no fill(). Sign in (first with nothing entered, to
follow the error summary to the field), choose a time with the arrow keys, confirm,
move the booking to another time, cancel it.
"""

from tests.factories import CITIZEN_NISS

# What the focused element is, and whether a focus ring shows on it (or, for a
# radio or checkbox, on its label, which carries the ring in portal.css).
FOCUS = """() => {
  const element = document.activeElement;
  const ring = (node) => {
    const style = node && getComputedStyle(node);
    return !!style && style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  };
  const label = element.id && document.querySelector(`label[for="${element.id}"]`);
  const box = element.getBoundingClientRect();
  return {
    tag: element.tagName.toLowerCase(),
    id: element.id,
    name: element.getAttribute("name"),
    type: element.getAttribute("type"),
    href: element.getAttribute("href"),
    text: element.innerText ? element.innerText.trim() : "",
    checked: !!element.checked,
    value: element.value,
    ring: ring(element) || (/radio|checkbox/.test(element.type) && ring(label)),
    onScreen: box.width > 1 && box.height > 1 && box.bottom > 0 && box.top < innerHeight,
  };
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUS)


def press(page, key) -> dict:
    """Press a key; the element then focused must show the focus ring, on screen."""
    page.keyboard.press(key)
    now = focused(page)
    if now["tag"] not in ("body", "main"):
        assert now["ring"], f"no visible focus on {now} after {key} at {page.url}"
        assert now["onScreen"], f"focused element off screen: {now}"
    return now


def tab_to(page, wanted, limit=40) -> dict:
    """Tab forward until the focused element matches ``wanted`` (a predicate)."""
    for _stop in range(limit):
        now = press(page, "Tab")
        if wanted(now):
            return now
    raise AssertionError(f"never reached the element by Tab on {page.url}")


def activate(page, key="Enter", path=None):
    """Press Enter (or Space) on the focused link or button and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)
    if path:
        assert page.url.split("?")[0].endswith(path), page.url


def submit_button(element):
    return element["tag"] == "button" and element["type"] == "submit"


def link_to(path):
    return lambda element: element["tag"] == "a" and (element["href"] or "").endswith(path)


def slot_radio(element):
    return element["name"] == "horario" and element["type"] == "radio"


def sign_in(page, code):
    page.goto("/?lang=en")
    skip = press(page, "Tab")
    assert skip["href"] == "#main", "the first Tab stop is the skip link"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    assert press(page, "Tab")["id"] == "code", "after skipping, Tab goes to the first field"
    tab_to(page, submit_button)
    activate(page, "Enter", "/")

    # Nothing entered: the error summary has the focus; its first link leads to the field.
    assert page.title().startswith("Error:")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert press(page, "Tab")["href"] == "#code"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "code"
    page.keyboard.type(code)
    assert press(page, "Tab")["id"] == "identifier"
    page.keyboard.type(CITIZEN_NISS)
    tab_to(page, submit_button)
    activate(page, " ", "/marcar/horarios")


def choose_with_arrows(page) -> str:
    """Reach the times by Tab, pick the second with the arrow keys; returns its value."""
    first = tab_to(page, slot_radio)
    page.keyboard.press("Space")
    assert focused(page)["checked"], "Space selects the focused time"
    second = press(page, "ArrowDown")
    assert slot_radio(second) and second["checked"] and second["value"] != first["value"]
    assert press(page, "ArrowUp")["value"] == first["value"]
    second = press(page, "ArrowDown")
    assert page.locator("input[name=horario]:checked").get_attribute("value") == second["value"]
    return second["value"]


def test_the_whole_journey_works_with_the_keyboard_alone(page, live_server):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server.code)

    choose_with_arrows(page)
    tab_to(page, submit_button)
    activate(page, "Enter", "/documentos")
    assert page.locator(".hold").count() == 1, "the documents step shows the reservation"
    # Documents can come later: straight on to review.
    tab_to(page, link_to("/marcar/revisao"))
    activate(page, "Enter", "/marcar/revisao")
    assert page.locator(".hold").count() == 1, "the review page shows the reservation"

    # Past the confirm button and back again with Shift+Tab.
    confirm = tab_to(page, lambda e: submit_button(e) and e["text"] == "Confirm booking")
    press(page, "Tab")
    assert press(page, "Shift+Tab")["text"] == confirm["text"]
    activate(page, "Enter", "/marcar/confirmada")

    tab_to(page, link_to("/a-minha-marcacao"))
    activate(page, "Enter", "/a-minha-marcacao")
    tab_to(page, link_to("/a-minha-marcacao/reagendar"))
    activate(page, "Enter", "/a-minha-marcacao/reagendar")
    choose_with_arrows(page)
    tab_to(page, submit_button)
    activate(page, "Enter", "/a-minha-marcacao/reagendar/confirmar")
    tab_to(page, submit_button)
    activate(page, " ", "/a-minha-marcacao")
    assert "moved to the new time" in page.locator(".notice--success").inner_text()

    tab_to(page, link_to("/a-minha-marcacao/cancelar"))
    activate(page, "Enter", "/a-minha-marcacao/cancelar")
    tab_to(page, submit_button)
    activate(page, "Enter", "/a-minha-marcacao/cancelada")
    assert page.locator("h1").inner_text() == "Booking cancelled"
    assert not errors
