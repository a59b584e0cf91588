"""Fixtures: an app per test on SQLite, and on PostgreSQL when it is configured.

Tests that take the ``app`` fixture (directly or through ``client``) run once
per database backend. PostgreSQL runs when PORTAL_TEST_POSTGRESQL_URL is set,
for example ``postgresql+psycopg://127.0.0.1:5432/test``; otherwise those
runs are skipped with that reason.
"""

import os
from datetime import UTC, datetime, timedelta

import pytest
from flask import g
from sqlalchemy import text

from portal import create_app
from portal.extensions import db
from tests.doubles import graph as graph_double
from tests.doubles.graph import GraphDouble, ServedDouble
from tests.doubles.smtp import SMTPServer
from tests.pages import PageClient

POSTGRESQL_URL = os.environ.get("PORTAL_TEST_POSTGRESQL_URL")
POSTGRESQL_SKIP_REASON = (
    "PostgreSQL not configured: set PORTAL_TEST_POSTGRESQL_URL "
    "(e.g. postgresql+psycopg://127.0.0.1:5432/test) to run the database suite on it"
)
# A Wednesday before the December holidays (1 and 8 December).
DEFAULT_NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


class Clock:
    """The app's notion of now, which a test can move."""

    def __init__(self, now: datetime = DEFAULT_NOW):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    if not POSTGRESQL_URL:
        pytest.skip(POSTGRESQL_SKIP_REASON)
    return POSTGRESQL_URL


def reset_postgresql(app) -> None:
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


def make_app(database_url, tmp_path, **overrides):
    settings = {
        "ENVIRONMENT": "testing",
        "SECRET_KEY": "test-secret-key-that-is-long-enough-to-pass",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SESSION_COOKIE_SECURE": False,
        "SERVER_NAME": "localhost",
        # Cheap scrypt parameters: the suite hashes many passwords (still scrypt).
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        # Tests see every change at once; tests/scheduling/test_offer_cache.py turns it on.
        "OFFER_CACHE_SECONDS": 0,
    }
    settings.update(overrides)
    app = create_app(settings)
    app.instance_path = str(tmp_path / "instance")
    return app


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def app_settings():
    """Extra settings for the ``app`` fixture; a test module overrides this fixture."""
    return {}


@pytest.fixture
def graph():
    """The Microsoft Graph double, served on loopback for one test."""
    double = GraphDouble()
    with ServedDouble(double) as served:
        double.url = served.url
        yield double


def graph_settings(double) -> dict:
    return {
        "MEETING_PROVIDER": "graph",
        "GRAPH_TENANT_ID": graph_double.TENANT,
        "GRAPH_CLIENT_ID": graph_double.CLIENT_ID,
        "GRAPH_CLIENT_SECRET": graph_double.CLIENT_SECRET,
        "GRAPH_TOKEN_URL": f"{double.url}/{{tenant}}/oauth2/v2.0/token",
        "GRAPH_BASE_URL": f"{double.url}/v1.0",
        "GRAPH_TIMEOUT_SECONDS": 5,
    }


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) on a free loopback port."""
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


def smtp_settings(server) -> dict:
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port, "MAIL_TIMEOUT_SECONDS": 5}


@pytest.fixture
def app(database_url, tmp_path, clock, app_settings):
    app = make_app(database_url, tmp_path, **app_settings)
    if database_url.startswith("postgresql"):
        reset_postgresql(app)
    app.extensions["clock"] = clock
    # The test keeps an app context open and requests reuse it, so give each
    # request an empty ``g`` as a real server does (Flask-WTF caches the CSRF
    # token there, Flask-Babel the locale).
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: g.__dict__.clear())
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return PageClient(app.test_client())


@pytest.fixture(scope="session")
def clamd(tmp_path_factory):
    """A real clamd on loopback (unix socket and TCP), started once for the session."""
    from tests import clamd as clamav

    if not clamav.available():
        pytest.skip(clamav.SKIP_REASON)
    daemon = clamav.start(tmp_path_factory.mktemp("clamd"))
    yield daemon
    clamav.stop(daemon)


@pytest.fixture(scope="session")
def rendered_pages(tmp_path_factory):
    """Every page of tests/visits.py, visited once per run on one site (tests/rendered.py)."""
    from tests.rendered import RenderedPages
    from tests.visits import create_site

    folder = tmp_path_factory.mktemp("pages")
    app = make_app(f"sqlite:///{folder / 'site.sqlite3'}", folder)
    clock = Clock()
    app.extensions["clock"] = clock
    with app.app_context():
        db.create_all()
    yield RenderedPages(create_site(app, clock))
    with app.app_context():
        db.engine.dispose()
