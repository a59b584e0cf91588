"""A live portal on a loopback port and Debian's Chromium driven by Playwright.

Chromium comes from the system (``apt-get install chromium``): Playwright's own
browser download is not used. Without it these tests are skipped with that
reason; CI installs it and fails on any skip.
"""

import os
import shutil
from types import SimpleNamespace

import pytest

from portal.extensions import db
from tests.conftest import Clock, make_app
from tests.factories import create_world
from tests.live import serving
from tests.visits import create_site

CHROMIUM = os.environ.get("PORTAL_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
    # The test machine has no internet: do not let Chromium try.
    "--disable-background-networking",
    "--disable-component-update",
]
DESKTOP = {"width": 1280, "height": 800}
MEDIA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


def chromium_or_skip():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.skip(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    return pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="session")
def playwright_instance():
    sync_api = chromium_or_skip()
    with sync_api.sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def media_browser(playwright_instance):
    """Chromium with a fake camera and microphone, and permission prompts accepted."""
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS + MEDIA_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def live_app(tmp_path):
    """The portal on SQLite with one bookable subject, and its clock."""
    clock = Clock()
    app = make_app(f"sqlite:///{tmp_path / 'live.sqlite3'}", tmp_path)
    app.config["SERVER_NAME"] = None
    app.extensions["clock"] = clock
    with app.app_context():
        db.create_all()
        world = create_world(clock.now)
        code = world.referral.code
    return SimpleNamespace(app=app, clock=clock, code=code, world=world)


@pytest.fixture
def live_server(live_app):
    with serving(live_app.app) as url:
        live_app.url = url
        yield live_app


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    """One portal for all page visits (tests/visits.py create_site).

    Each visit makes its own reference code, so visits do not see each other's
    bookings; the clock stays put.
    """
    folder = tmp_path_factory.mktemp("site")
    # Let the browser keep the stylesheet and script between pages, as in production.
    app = make_app(f"sqlite:///{folder / 'site.sqlite3'}", folder, SEND_FILE_MAX_AGE_DEFAULT=3600)
    app.config["SERVER_NAME"] = None
    clock = Clock()
    app.extensions["clock"] = clock
    with app.app_context():
        db.create_all()
    site = create_site(app, clock)
    with serving(app) as url:
        site.url = url
        yield site


@pytest.fixture(scope="module")
def site_context(media_browser, live_site):
    """One browser context for the module; each test starts it with no cookies.

    Its Chromium has a fake camera and microphone, so the device check can run; no
    other page asks for them.
    """
    context = media_browser.new_context(base_url=live_site.url, viewport=DESKTOP)
    yield context
    context.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()
