"""/healthz answers whenever the process does; /readyz says whether this instance can
serve (database, schema at head, Redis when configured, workers keeping up with the
outbox) and names what fails with a 503."""

import os

import pytest
from flask_migrate import downgrade, upgrade

from portal.extensions import db
from portal.outbox.queue import enqueue_for_referral
from tests.conftest import make_app, reset_postgresql
from tests.doubles.smtp import free_port
from tests.factories import create_world

REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def served(app):
    """A test client for an app built by the test (no application context kept open)."""
    return app.test_client()


@pytest.fixture
def migrated(database_url, tmp_path, clock):
    """An app whose database was built by the migrations, as in production."""

    def build(**settings):
        app = make_app(database_url, tmp_path, **settings)
        if database_url.startswith("postgresql"):
            reset_postgresql(app)
        app.extensions["clock"] = clock
        with app.app_context():
            upgrade()
        apps.append(app)
        return app

    apps = []
    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def readyz(app):
    answer = served(app).get("/readyz")
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.headers["Cache-Control"] == "no-store"
    return answer.status_code, answer.get_json()


def test_ready_when_the_database_is_migrated_and_the_outbox_is_empty(migrated):
    status, body = readyz(migrated())
    assert (status, body["status"], body["failing"]) == (200, "ready", [])
    assert {"database", "migrations", "outbox"} <= set(body["checks"])
    assert "redis" not in body["checks"], "not configured: not shown"


def test_database_down_healthz_still_answers_readyz_names_the_database(tmp_path):
    app = make_app(f"postgresql+psycopg://127.0.0.1:{free_port()}/portal", tmp_path)
    client = served(app)
    health = client.get("/healthz")
    assert (health.status_code, health.get_json()) == (200, {"status": "ok"})
    status, body = readyz(app)
    assert status == 503 and body["status"] == "not ready"
    assert body["failing"][0] == "database"
    assert "refused" in body["checks"]["database"]["detail"].lower()


def test_migrations_behind_are_not_ready(migrated):
    app = migrated()
    with app.app_context():
        downgrade(revision="-1")
    status, body = readyz(app)
    assert (status, body["failing"]) == (503, ["migrations"])
    assert "db upgrade" in body["checks"]["migrations"]["detail"]
    with app.app_context():
        upgrade()
    assert readyz(app)[0] == 200


def test_a_due_message_older_than_the_threshold_is_not_ready(migrated, clock):
    app = migrated(READINESS_OUTBOX_MAX_AGE_SECONDS=600)
    with app.app_context():
        world = create_world(clock.now)
        enqueue_for_referral(world.referral, "code_issued", clock.now)
        # Not yet due: however old, it is nobody's delay.
        later = clock.now.replace(year=2027)
        enqueue_for_referral(world.referral, "reminder_to_book", clock.now, later)
        db.session.commit()
    assert readyz(app)[0] == 200
    clock.advance(minutes=9)
    assert readyz(app)[0] == 200
    clock.advance(minutes=2)
    status, body = readyz(app)
    assert (status, body["failing"]) == (503, ["outbox"])
    assert "660 s" in body["checks"]["outbox"]["detail"]


def test_redis_down_is_not_ready(migrated):
    app = migrated(RATELIMIT_REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    status, body = readyz(app)
    assert (status, body["failing"]) == (503, ["redis"])


def test_redis_up_is_ready(migrated):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    status, body = readyz(migrated(RATELIMIT_REDIS_URL=REDIS_URL))
    assert status == 200 and body["checks"]["redis"]["ok"]
