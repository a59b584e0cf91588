"""/metrics: refused without the token, Prometheus text with it, and one view of
every gunicorn worker's counters in multiprocess mode."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from portal.config import PROJECT_ROOT
from portal.observability.metrics import child_exit
from tests.citizen.test_journey import book_first_time
from tests.factories import create_world

TOKEN = "metrics-token-for-the-tests"
AUTHORIZED = {"Authorization": f"Bearer {TOKEN}"}


def samples(text: str) -> dict:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def count(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_without_a_token_set_there_is_no_metrics_page(app, client):
    app.config["METRICS_TOKEN"] = None
    assert client.client.get("/metrics", headers=AUTHORIZED).status_code == 404


@pytest.fixture
def app_settings():
    return {"METRICS_TOKEN": TOKEN}


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}]
)
def test_a_scraper_without_the_token_is_refused(client, headers):
    response = client.client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "portal_" not in response.get_data(as_text=True)


def test_requests_bookings_and_the_queues_are_measured(app, client, clock):
    world = create_world(clock.now)
    confirms = count("portal_booking_transitions_total", transition="confirm")
    landings = count(
        "portal_http_request_duration_seconds_count", endpoint="citizen.landing", method="GET"
    )
    book_first_time(client, world.referral, english=True)
    clock.advance(minutes=10)

    response = client.client.get("/metrics", headers=AUTHORIZED)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    values = samples(response.get_data(as_text=True))
    assert values[("portal_booking_transitions_total", (("transition", "confirm"),))] == (
        confirms + 1
    )
    landed = values[
        (
            "portal_http_request_duration_seconds_count",
            (("endpoint", "citizen.landing"), ("method", "GET")),
        )
    ]
    assert landed > landings
    # Read from the database at scrape time: the confirmation waits for its meeting.
    assert values[("portal_outbox_messages", (("status", "pending"),))] >= 1
    assert values[("portal_outbox_messages", (("status", "failed"),))] == 0
    assert values[("portal_meetings", (("status", "pending"),))] == 1
    oldest = values[("portal_outbox_oldest_pending_age_seconds", ())]
    assert timedelta(minutes=10).total_seconds() <= oldest < timedelta(minutes=11).total_seconds()


WRITER = """
from portal.observability import metrics
metrics.BOOKING_TRANSITIONS.labels("confirm").inc({n})
metrics.REQUEST_SECONDS.labels("citizen.landing", "GET").observe(0.02)
"""

SCRAPER = """
from portal import create_app
app = create_app({{"ENVIRONMENT": "testing", "SECRET_KEY": "k" * 40, "SERVER_NAME": "localhost",
                  "SQLALCHEMY_DATABASE_URI": "sqlite:///{db}", "METRICS_TOKEN": "{token}",
                  "LOG_FORMAT": "none"}})
with app.app_context():
    from portal.extensions import db
    db.create_all()
response = app.test_client().get("/metrics", headers={{"Authorization": "Bearer {token}"}})
print(response.get_data(as_text=True))
"""


def run(code: str, folder) -> str:
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    environment.pop("PORTAL_ENVIRONMENT", None)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


def test_multiprocess_mode_adds_up_every_worker(tmp_path):
    folder = tmp_path / "prometheus"
    folder.mkdir()
    run(WRITER.format(n=2), folder)  # two workers of the same server...
    run(WRITER.format(n=3), folder)
    assert len(list(folder.glob("counter_*.db"))) == 2, "one file per process"

    text = run(SCRAPER.format(db=tmp_path / "portal.sqlite3", token=TOKEN), folder)
    values = samples(text)  # ...and a scrape in a third sees both
    assert values[("portal_booking_transitions_total", (("transition", "confirm"),))] == 5
    requests = (("endpoint", "citizen.landing"), ("method", "GET"))
    assert values[("portal_http_request_duration_seconds_count", requests)] >= 2
    assert ("portal_outbox_messages", (("status", "pending"),)) in values


def test_child_exit_is_harmless_outside_multiprocess_mode(monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    child_exit(None, type("Worker", (), {"pid": 12345})())
