"""The portal served for real on loopback, on PostgreSQL, for tests that send
parallel requests (races, lockout bursts) or cut the database (outages).

A threaded werkzeug server runs the app in this process (so the test moves its
clock and reads its database); each request gets its own thread, application
context and database connection, as under gunicorn. ``Browser`` is one
person's cookies, reading CSRF tokens and hidden fields from pages as a browser
does; ``together`` sends several requests at the same moment.
"""

import threading
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
import requests
from bs4 import BeautifulSoup
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from portal.extensions import db
from tests.conftest import POSTGRESQL_SKIP_REASON, POSTGRESQL_URL, make_app, reset_postgresql
from tests.doubles.graph import ServedDouble


def postgresql_target() -> tuple[str, int]:
    """Host and port of the configured PostgreSQL (skips when none is configured)."""
    if not POSTGRESQL_URL:
        pytest.skip(POSTGRESQL_SKIP_REASON)
    url = make_url(POSTGRESQL_URL)
    return url.host or "127.0.0.1", url.port or 5432


@contextmanager
def served_portal(tmp_path, clock, via_port: int | None = None, **settings):
    """The app on PostgreSQL (through a proxy on ``via_port``, if given), served on a
    free loopback port; yields (app, base URL)."""
    postgresql_target()
    url = make_url(POSTGRESQL_URL)
    if via_port:
        url = url.set(host="127.0.0.1", port=via_port)
    app = make_app(
        url.render_as_string(hide_password=False), tmp_path, SERVER_NAME=None, **settings
    )
    reset_postgresql(app)
    app.extensions["clock"] = clock
    with app.app_context():
        db.create_all()
        db.session.remove()
    with ServedDouble(app) as served:
        yield app, served.url
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class Browser:
    def __init__(self, base_url: str, language: str | None = "en"):
        self.base = base_url
        self.session = requests.Session()
        if language:
            self.session.cookies.set("lang", language)

    def copy(self) -> "Browser":
        """The same person in another window (same cookies)."""
        other = Browser(self.base, None)
        other.session.cookies.update(self.session.cookies)
        return other

    def get(self, path, **kwargs):
        return self.session.get(self.base + path, timeout=30, **kwargs)

    def post(self, path, data, **kwargs):
        kwargs.setdefault("allow_redirects", False)
        return self.session.post(self.base + path, data=data, timeout=30, **kwargs)

    def form(self, page_path, action=None) -> dict:
        """The CSRF token and hidden fields of the POST form (to ``action``) on a page."""
        soup = BeautifulSoup(self.get(page_path).text, "html.parser")
        target = urlsplit(action or page_path).path
        for form in soup.find_all("form", method="post"):
            if urlsplit(form.get("action") or page_path).path == target:
                return {
                    field["name"]: field.get("value", "")
                    for field in form.find_all("input", type="hidden")
                    if field.get("name")
                }
        raise AssertionError(f"no form to {target} on {page_path}")

    def radio_values(self, path, name) -> list[str]:
        soup = BeautifulSoup(self.get(path).text, "html.parser")
        return [radio["value"] for radio in soup.select(f'input[type=radio][name="{name}"]')]

    def notices(self, path) -> list[str]:
        soup = BeautifulSoup(self.get(path).text, "html.parser")
        return [" ".join(n.get_text(" ").split()) for n in soup.select(".notice")]


def together(*calls):
    """Run the calls at the same moment, each in its own thread; their results, in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:  # noqa: BLE001 — reported to the test
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@contextmanager
def serving(app):
    """Serve the app (one thread per request) on a free loopback port; yields its base URL.

    For an app a test built itself (any database); ``served_portal`` builds one on
    PostgreSQL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()
