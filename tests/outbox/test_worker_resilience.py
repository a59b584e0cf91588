"""The worker never stalls: Graph trouble waits per meeting (or pauses meetings as a
whole), is reported once, and never holds up e-mails that need no meeting; a PDF
is rendered once and kept with its message until it is sent."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.booking import transitions
from portal.extensions import db
from portal.meetings.models import MeetingStatus, ProviderStatus
from portal.outbox.models import MessageKind, MessageStatus, OutboxMessage
from portal.outbox.worker import run_once
from tests.conftest import graph_settings, smtp_settings
from tests.factories import create_confirmed_booking, create_referral, create_world
from tests.outbox.helpers import part


@pytest.fixture
def app_settings(graph, smtp):
    return {**graph_settings(graph), **smtp_settings(smtp), "PUBLIC_URL": "https://portal.pt"}


@pytest.fixture
def world(app, clock):
    return create_world(clock.now, attendants=4)


def book(world, clock, days_ahead):
    referral = create_referral(world.subject, clock.now)
    db.session.commit()
    return create_confirmed_booking(world, clock.now, days_ahead=days_ahead, referral=referral)


def message_of(booking, kind):
    db.session.expire_all()
    return db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.booking_id == booking.id, OutboxMessage.kind == kind
        )
    ).one()


def test_a_refused_credential_is_reported_once_and_never_delays_other_mail(
    app, clock, graph, smtp, world, caplog
):
    first = create_confirmed_booking(world, clock.now)
    run_once()
    graph.client_secret = "rotated in the portal of Entra ID, not in ours"
    graph.revoke_tokens()
    transitions.cancel(first, clock.now)
    waiting = [book(world, clock, days) for days in (3, 4, 5)]
    db.session.commit()
    tokens_before = graph.token_requests

    with caplog.at_level(logging.WARNING):
        report = run_once()
        again = run_once()

    assert report.sent == 1 and "cancelado" in smtp.messages[-1]["Subject"]
    assert graph.token_requests == tokens_before + 1, "one try, not one per meeting"
    assert "invalid_client" in report.meetings.paused and again.meetings.paused
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "refuses the portal's credentials" in errors[0].getMessage()
    runner = app.test_cli_runner()
    for command in (["outbox", "list"], ["meetings", "status"]):
        output = runner.invoke(args=command).output
        assert "Teams (graph): token endpoint: invalid_client: AADSTS7000215" in output
    assert all(b.meeting.status == MeetingStatus.PENDING for b in waiting)
    assert all(b.meeting.attempts == 0 for b in waiting), "no meeting is blamed"

    graph.client_secret = app.config["GRAPH_CLIENT_SECRET"]  # the operator fixes it
    clock.advance(seconds=app.config["MEETING_RETRY_SECONDS"])
    with caplog.at_level(logging.WARNING):
        report = run_once()
    assert (report.meetings.ready, report.sent) == (4, 3)  # 3 created, 1 deleted
    assert "works again" in caplog.text
    assert db.session.get(ProviderStatus, "graph").problem is None
    assert "Teams" not in runner.invoke(args=["outbox", "list"]).output
    assert graph.problems == []


def test_graph_down_costs_one_call_per_pass_and_each_meeting_backs_off(
    app, clock, graph, smtp, world
):
    graph.fail_next(503, times=100)
    bookings = [book(world, clock, days) for days in (2, 3, 4)]

    report = run_once()

    assert (report.meetings.failed, report.meetings.ready) == (1, 0)
    assert len(graph.graph_calls()) == 1, "the pass stops at the first failure"
    tried = [b for b in bookings if b.meeting.attempts]
    assert len(tried) == 1 and "503 ServiceUnavailable" in tried[0].meeting.last_error
    assert "request-id" in tried[0].meeting.last_error
    retry = app.config["MEETING_RETRY_SECONDS"]
    assert tried[0].meeting.next_attempt_at == clock.now + timedelta(seconds=retry)

    graph.failures.clear()
    report = run_once()
    assert report.meetings.ready == 2, "the others go on; the failed one waits its turn"
    clock.advance(seconds=retry)
    assert run_once().meetings.ready == 1
    assert len(smtp.messages) == 3


def test_throttling_pauses_every_meeting_as_long_as_graph_asks(app, clock, graph, smtp, world):
    graph.fail_next(429, code="TooManyRequests", retry_after="300")
    booking = book(world, clock, 2)

    assert run_once().meetings.failed == 1
    calls = len(graph.graph_calls())
    clock.advance(seconds=299)
    assert run_once().meetings.paused
    assert len(graph.graph_calls()) == calls, "nothing is sent to Graph while it said to wait"
    clock.advance(seconds=2)
    assert run_once().meetings.ready == 1
    clock.advance(seconds=app.config["OUTBOX_POLL_SECONDS"])  # the message looks again
    assert run_once().sent == 1
    assert message_of(booking, MessageKind.CONFIRMATION).status == MessageStatus.SENT


def test_a_meeting_without_join_link_fails_cleanly_and_the_others_go_on(
    app, clock, graph, smtp, world
):
    graph.without_join_url = 1
    broken, fine = book(world, clock, 2), book(world, clock, 3)

    report = run_once()

    assert (report.meetings.failed, report.meetings.ready) == (1, 1)
    db.session.expire_all()
    assert broken.meeting.status == MeetingStatus.FAILED
    assert "no joinWebUrl" in broken.meeting.last_error
    assert fine.meeting.status == MeetingStatus.READY
    assert message_of(fine, MessageKind.CONFIRMATION).status == MessageStatus.SENT
    assert message_of(broken, MessageKind.CONFIRMATION).status == MessageStatus.PENDING


def test_the_pdf_is_rendered_once_and_kept_for_the_retry_and_the_download(
    app, clock, graph, smtp, world
):
    smtp.stop()
    booking = create_confirmed_booking(world, clock.now)
    assert run_once().failed == 1
    confirmation = message_of(booking, MessageKind.CONFIRMATION)
    kept = db.session.scalar(select(OutboxMessage.pdf).where(OutboxMessage.id == confirmation.id))
    assert kept.startswith(b"%PDF-")
    # Mark the kept document: a retry that rendered again would not carry the mark.
    marked = kept + b"\n% kept since the first attempt\n"
    confirmation.pdf = marked
    db.session.commit()

    smtp.start()
    clock.advance(seconds=app.config["OUTBOX_RETRY_SECONDS"])
    assert run_once().sent == 1
    (message,) = smtp.messages
    assert part(message, "application/pdf").get_payload(decode=True) == marked
    sent = message_of(booking, MessageKind.CONFIRMATION)
    assert sent.status == MessageStatus.SENT
    # Kept after sending: the booking's page offers these very bytes to download.
    assert db.session.scalar(select(OutboxMessage.pdf).where(OutboxMessage.id == sent.id)) == marked


def test_a_desk_without_organizer_fails_its_meeting_without_calling_graph(
    app, clock, graph, smtp, world
):
    world.desks[0].teams_organizer = None
    booking = book(world, clock, 2)

    assert run_once().meetings.failed == 1
    db.session.expire_all()
    assert booking.meeting.status == MeetingStatus.FAILED
    assert "no Teams organizer" in booking.meeting.last_error
    assert graph.graph_calls() == []
