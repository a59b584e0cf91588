"""The time page stays short at many desks: measured in Chromium at 375 px and 1280 px.

The portal serves a subject at 45 desks of 18 district centres, each open 09:00–17:00
(16 times a day), the breadth the pilot grows to. Limits (issue 10): at most 3,000 px
tall at 375 px wide, 2,000 px at 1280 px, and at most 25 KB of HTML.
"""

from datetime import time, timedelta

import pytest

from portal.extensions import db
from portal.scheduling.calendar import lisbon_today
from portal.scheduling.slots import publish_slots
from tests.conftest import Clock, make_app
from tests.factories import (
    CITIZEN_NISS,
    create_centre,
    create_desk,
    create_referral,
    create_subject,
)
from tests.live import serving

LIMITS = {375: 3000, 1280: 2000}
MAX_HTML = 25 * 1024


@pytest.fixture(scope="module")
def broad_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("broad")
    clock = Clock()
    app = make_app(f"sqlite:///{folder / 'broad.sqlite3'}", folder, SERVER_NAME=None)
    app.extensions["clock"] = clock
    with app.app_context():
        db.create_all()
        subject = create_subject(name_pt="Contribuições de trabalhadores independentes")
        centres = [create_centre(name=f"Centro Distrital de Castelo Branco {n}") for n in range(18)]
        today = lisbon_today(clock.now)
        for n in range(45):
            desk = create_desk(
                centre=centres[n % 18], subjects=[subject], hours=[(time(9), time(17))]
            )
            publish_slots(desk, today, today + timedelta(weeks=4))
        codes = [create_referral(subject, clock.now).code for _ in range(len(LIMITS) * 2)]
        db.session.commit()
    with serving(app) as url:
        yield url, iter(codes)


def signed_in_page(browser, url, code, width, language):
    context = browser.new_context(base_url=url, viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"/?lang={language}")
    page.fill("#code", code)
    page.fill("#identifier", CITIZEN_NISS)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/marcar/horarios")
    return context, page


@pytest.mark.parametrize("language", ["pt", "en"])
@pytest.mark.parametrize("width", sorted(LIMITS))
def test_the_time_page_fits_its_height_and_size_at_45_desks(browser, broad_site, width, language):
    url, codes = broad_site
    context, page = signed_in_page(browser, url, next(codes), width, language)
    try:
        html = page.content()
        height = page.evaluate("document.documentElement.scrollHeight")
        width_used = page.evaluate("document.documentElement.scrollWidth")

        assert page.locator("input[name=horario][type=radio]").count() == 16
        assert page.locator(".day-nav__link").count() == 10
        assert height <= LIMITS[width], f"{height} px tall at {width} px"
        assert width_used <= width, "nothing scrolls sideways"
        assert len(html.encode()) <= MAX_HTML, f"{len(html.encode())} bytes of HTML"
        # The button is within one screen of the last time.
        last_time = page.locator("input[name=horario]").last.bounding_box()
        button = page.locator("fieldset.slot-day + button").bounding_box()
        assert button["y"] - (last_time["y"] + last_time["height"]) < 800
    finally:
        context.close()
