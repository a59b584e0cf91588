"""Prometheus metrics, served at ``/metrics`` to a scraper holding PORTAL_METRICS_TOKEN.

Without the token set, ``/metrics`` is not served at all (404). With it, the
scraper sends ``Authorization: Bearer <token>``; anything else is a 401.

Under gunicorn every worker is a process with its own counters: set
``PROMETHEUS_MULTIPROC_DIR`` to an empty folder (emptied at each start) before
the workers start, and have gunicorn call ``child_exit`` below when a worker
exits. Each process then writes its values to files there, and a scrape (in any
worker) adds up every process's files.

Counters and histograms are counted where things happen (requests, booking
transitions, lockouts, refused uploads, PDF renders); the outbox and meetings
gauges are read from the database at scrape time, so they are right whatever
process changed them.
"""

import hmac
import os
import time
from collections.abc import Iterator
from datetime import datetime

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select

MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"

REQUEST_SECONDS = Histogram(
    "portal_http_request_duration_seconds",
    "Time to answer a request, by endpoint (Flask's endpoint name) and method.",
    ["endpoint", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
REQUESTS = Counter(
    "portal_http_requests_total",
    "Requests answered, by endpoint, method and status code.",
    ["endpoint", "method", "status"],
)
BOOKING_TRANSITIONS = Counter(
    "portal_booking_transitions_total",
    "Booking changes applied, by transition (hold, confirm, cancel…).",
    ["transition"],
)
LOCKOUTS = Counter(
    "portal_sign_in_lockouts_total",
    "Sign-in attempts refused because a lockout was in force, by what was locked.",
    ["locked"],
)
UPLOADS_REFUSED = Counter(
    "portal_uploads_refused_total",
    "Uploaded files refused, by reason (portal.documents.refusals, or a limit).",
    ["reason"],
)
PDF_RENDER_SECONDS = Histogram(
    "portal_pdf_render_seconds",
    "Time to render a confirmation PDF (in the outbox worker).",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120),
)


def multiprocess_mode() -> bool:
    return bool(os.environ.get(MULTIPROCESS_VARIABLE))


def child_exit(server: object, worker: object) -> None:
    """gunicorn's ``child_exit`` hook: drop the exited worker's live gauges."""
    if multiprocess_mode():
        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined,no-untyped-call]


class DatabaseGauges(Collector):
    """Outbox and meetings figures, read from the database at each scrape."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self) -> Iterator[Metric]:
        from portal.clock import now
        from portal.extensions import db
        from portal.meetings.models import Meeting, MeetingStatus
        from portal.outbox.models import MessageStatus, OutboxMessage

        watched = [MessageStatus.PENDING, MessageStatus.FAILED]
        waiting = [MeetingStatus.PENDING, MeetingStatus.FAILED]
        with self.app.app_context():
            try:
                outbox = dict(
                    db.session.execute(
                        select(OutboxMessage.status, func.count())
                        .where(OutboxMessage.status.in_(watched))
                        .group_by(OutboxMessage.status)
                    ).all()
                )
                oldest = db.session.scalar(
                    select(func.min(OutboxMessage.due_at)).where(
                        OutboxMessage.status == MessageStatus.PENDING
                    )
                )
                meetings = dict(
                    db.session.execute(
                        select(Meeting.status, func.count())
                        .where(Meeting.status.in_(waiting))
                        .group_by(Meeting.status)
                    ).all()
                )
                moment = now()
            finally:
                db.session.remove()
        yield _gauge(
            "portal_outbox_messages",
            "Outbox messages waiting to be sent (pending) or given up (failed).",
            {str(status): outbox.get(status, 0) for status in watched},
        )
        age = GaugeMetricFamily(
            "portal_outbox_oldest_pending_age_seconds",
            "How long the oldest pending message has been due (0: none is due).",
        )
        age.add_metric([], _age(oldest, moment))
        yield age
        yield _gauge(
            "portal_meetings",
            "Video meetings still to be created or changed (pending) or given up (failed).",
            {str(status): meetings.get(status, 0) for status in waiting},
        )


def _gauge(name: str, documentation: str, by_status: dict[str, int]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=["status"])
    for status, count in by_status.items():
        family.add_metric([status], count)
    return family


def _age(oldest: datetime | None, moment: datetime) -> float:
    if oldest is None:
        return 0.0
    return max(0.0, (moment - oldest).total_seconds())


def scrape_registry(app: Flask) -> CollectorRegistry:
    if multiprocess_mode():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = CollectorRegistry()
        registry.register(_ProcessMetrics())
    registry.register(DatabaseGauges(app))
    return registry


class _ProcessMetrics(Collector):
    """This process's own metrics (the default registry), when not in multiprocess mode."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


bp = Blueprint("metrics", __name__)


@bp.route("/metrics")
def scrape() -> Response:
    token = current_app.config["METRICS_TOKEN"]
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return Response(
            "A bearer token is needed.\n",
            401,
            {"WWW-Authenticate": 'Bearer realm="metrics"', "Cache-Control": "no-store"},
            mimetype="text/plain",
        )
    body = generate_latest(current_app.extensions["metrics_registry"])
    return Response(body, headers={"Cache-Control": "no-store"}, content_type=CONTENT_TYPE_LATEST)


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    started = g.pop("metrics_started", None)
    if started is not None and request.endpoint != "metrics.scrape":
        endpoint = request.endpoint or "none"  # no route matched: one label, not one per URL
        REQUEST_SECONDS.labels(endpoint, request.method).observe(time.perf_counter() - started)
        REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
    return response


def _count_transition(sender: object, action: object = None, **_extra: object) -> None:
    BOOKING_TRANSITIONS.labels(str(action)).inc()


def init_app(app: Flask) -> None:
    from portal.booking.signals import booking_changed

    app.extensions["metrics_registry"] = scrape_registry(app)
    app.before_request(_start_timer)
    app.after_request(_observe)
    app.register_blueprint(bp)
    booking_changed.connect(_count_transition)  # weak=True: one module function, kept
