"""One transaction per request: a success commits, anything else rolls back."""

import re
from pathlib import Path

import pytest
from flask import abort
from sqlalchemy import func, select

from portal.extensions import csrf, db
from portal.scheduling.models import DistrictCentre

WEB_PACKAGES = ("citizen", "staff", "api", "dev")
PORTAL = Path(__file__).resolve().parent.parent / "portal"


@pytest.fixture
def app_with_routes(app):
    """Views that write a centre, then end in different ways."""

    def write(code):
        db.session.add(DistrictCentre(code=code, name=code))
        db.session.flush()

    @app.route("/test/ok", methods=["POST"])
    def ok():
        write("ok")
        return "done"

    @app.route("/test/refused", methods=["POST"])
    def refused():
        write("refused")
        abort(404)

    @app.route("/test/broken", methods=["POST"])
    def broken():
        write("broken")
        raise RuntimeError("after the write")

    for view in (ok, refused, broken):
        csrf.exempt(view)
    return app


def committed_codes(app) -> set[str]:
    # A separate connection sees only what was committed.
    with db.engine.connect() as connection:
        return set(connection.scalars(select(DistrictCentre.code)))


def test_a_successful_request_commits_once_at_the_end(app_with_routes):
    client = app_with_routes.test_client()
    assert client.post("/test/ok").status_code == 200
    assert committed_codes(app_with_routes) == {"ok"}


@pytest.mark.parametrize("path, status", [("/test/refused", 404), ("/test/broken", 500)])
def test_a_failed_request_leaves_nothing_behind(app_with_routes, path, status):
    client = app_with_routes.test_client()
    assert client.post(path).status_code == status
    assert committed_codes(app_with_routes) == set()
    assert db.session.scalar(select(func.count()).select_from(DistrictCentre)) == 0


def test_views_never_commit_or_roll_back():
    """The request boundary (portal/transaction.py) is the only place that does."""
    offenders = []
    for package in WEB_PACKAGES:
        for path in (PORTAL / package).rglob("*.py"):
            if path.name == "cli.py" or path.name == "worker.py":
                continue  # commands and the development worker are boundaries of their own
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if re.search(r"\.(commit|rollback)\(\)", line):
                    offenders.append(f"{path.relative_to(PORTAL)}:{number}")
    assert not offenders, offenders


def test_counted_attempts_stand_even_when_the_request_then_fails(app):
    """Counters have their own short transaction: the request's rollback keeps them."""
    throttle = app.extensions["throttle"]
    key = throttle.key("code", "ABC")

    @app.route("/test/counts-then-fails", methods=["POST"])
    def counts_then_fails():
        throttle.attempt([key], clock_now())
        db.session.add(DistrictCentre(code="after", name="after"))
        db.session.flush()
        raise RuntimeError("after counting")

    csrf.exempt(counts_then_fails)
    client = app.test_client()
    for _ in range(2):
        assert client.post("/test/counts-then-fails").status_code == 500
    assert throttle.store.attempts(key) == 2
    assert committed_codes(app) == set(), "what the request wrote is rolled back"


def test_an_audit_record_written_on_a_page_view_expires_nothing(app):
    """Audit entries join the request's transaction: the page renders what it loaded."""
    from sqlalchemy import inspect

    from portal.audit.log import record
    from portal.audit.models import AuditAction

    centre = DistrictCentre(code="c", name="Centro")
    db.session.add(centre)
    db.session.commit()
    loaded = db.session.get(DistrictCentre, centre.id)
    assert loaded.name == "Centro"
    record(clock_now(), AuditAction.VIEWED, "centre", loaded.id)
    state = inspect(loaded)
    assert not state.expired and not state.expired_attributes


def clock_now():
    from portal.clock import now

    return now()
