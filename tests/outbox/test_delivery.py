"""Confirmation, change and cancellation e-mails: through real SMTP, with the
Graph double, exactly once — also across SMTP and Graph outages."""

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.booking import transitions
from portal.booking.models import BookingStatus
from portal.extensions import db
from portal.i18n import long_date
from portal.meetings.models import MeetingStatus
from portal.meetings.worker import sync_meetings
from portal.outbox.models import MessageKind, MessageStatus, OutboxMessage
from portal.outbox.worker import PassReport, deliver_due, run_once
from portal.scheduling.models import Slot
from portal.scheduling.slots import booking_window
from tests.conftest import graph_settings, smtp_settings
from tests.factories import create_confirmed_booking, create_world
from tests.outbox.helpers import invite_of, part, pdf_links, pdf_of, pdf_text

PUBLIC_URL = "https://portal.example.pt"


@pytest.fixture
def app_settings(graph, smtp):
    return {**graph_settings(graph), **smtp_settings(smtp), "PUBLIC_URL": PUBLIC_URL}


@pytest.fixture
def world(app, clock):
    return create_world(clock.now)


def outbox(booking):
    db.session.expire_all()
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.booking_id == booking.id).order_by("id")
    ).all()


def another_slot(booking, now):
    return db.session.scalars(
        select(Slot)
        .where(Slot.desk_id == booking.slot.desk_id, Slot.starts_at > booking.slot.starts_at)
        .order_by(Slot.starts_at)
    ).first()


def test_confirmation_is_sent_once_with_pdf_and_invite(app, clock, graph, smtp, world):
    booking = create_confirmed_booking(world, clock.now)
    assert len(smtp.messages) == 0, "nothing is sent inside the confirming transaction"

    report = run_once()
    assert (report.meetings.ready, report.sent) == (1, 1)
    assert graph.problems == []
    (meeting,) = graph.meetings.values()
    join_url = meeting["joinWebUrl"]
    assert meeting["externalId"] == str(booking.id)

    (envelope,) = smtp.inbox.envelopes
    assert envelope.rcpt_tos == ["pessoa@example.pt"]
    (message,) = smtp.messages
    assert message["To"] == "pessoa@example.pt"
    assert message["Message-ID"] == outbox(booking)[0].message_id
    assert message["Content-Language"] == "pt-PT"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert '<html lang="pt-PT">' in html
    assert join_url in text and world.referral.display_code in text
    assert "hora de Lisboa" in text

    pdf = pdf_of(message)
    content = pdf_text(pdf)
    assert world.referral.display_code in content
    assert long_date(booking.slot.starts_at, "pt_PT") in content
    assert join_url in pdf_links(pdf)
    assert join_url in "".join(content.split())
    assert meeting["joinMeetingIdSettings"]["joinMeetingId"] in content
    assert pdf.metadata.title.startswith("Booking confirmation") or pdf.metadata.title
    assert pdf.trailer["/Root"]["/Lang"] == "pt-PT"

    calendar, event = invite_of(message)
    assert calendar["METHOD"] == "REQUEST"
    assert part(message, "text/calendar").get_param("method") == "REQUEST"
    assert str(event["UID"]) == booking.invite_uid
    assert uuid.UUID(booking.invite_uid).version == 4
    assert event["SEQUENCE"] == 0
    assert str(event["URL"]) == join_url and str(event["LOCATION"]) == join_url
    assert join_url in str(event["DESCRIPTION"])
    assert str(event["ATTENDEE"]) == "mailto:pessoa@example.pt"
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert event.decoded("DTSTART") == booking.slot.starts_at

    assert run_once().sent == 0
    assert len(smtp.messages) == 1, "exactly once"
    assert [m.status for m in outbox(booking)] == [MessageStatus.SENT, MessageStatus.PENDING]


def test_smtp_outage_delays_the_mail_and_never_loses_it(app, clock, smtp, world):
    smtp.stop()
    booking = create_confirmed_booking(world, clock.now)
    assert booking.status == BookingStatus.CONFIRMED

    assert run_once().failed == 1
    confirmation = outbox(booking)[0]
    assert confirmation.status == MessageStatus.PENDING
    assert confirmation.attempts == 1 and "Connection refused" in confirmation.last_error
    assert confirmation.due_at == clock.now + timedelta(seconds=app.config["OUTBOX_RETRY_SECONDS"])

    smtp.start()
    assert run_once().sent == 0, "not before the retry is due"
    clock.advance(seconds=app.config["OUTBOX_RETRY_SECONDS"])
    assert run_once().sent == 1
    assert run_once().sent == 0
    assert len(smtp.messages) == 1
    assert outbox(booking)[0].last_error is None


def test_graph_outage_confirms_the_booking_and_the_mail_waits_for_the_link(
    app, clock, graph, smtp, world
):
    graph.fail_next(503, times=100, retry_after="0")
    booking = create_confirmed_booking(world, clock.now)

    report = run_once()
    assert (report.meetings.failed, report.sent, report.waiting) == (1, 0, 1)
    assert booking.meeting.status == MeetingStatus.PENDING
    assert "503" in booking.meeting.last_error
    assert booking.status == BookingStatus.CONFIRMED
    assert smtp.messages == []

    graph.failures.clear()
    clock.advance(seconds=app.config["MEETING_RETRY_SECONDS"])
    report = run_once()
    assert (report.meetings.ready, report.sent) == (1, 1)
    (meeting,) = graph.meetings.values()
    assert meeting["joinWebUrl"] in smtp.messages[0].get_body(("plain",)).get_content()


def test_a_refused_meeting_is_recorded_and_retried_on_request(app, clock, graph, smtp, world):
    graph.fail_next(403, code="Forbidden")
    booking = create_confirmed_booking(world, clock.now)
    run_once()
    db.session.expire_all()
    assert booking.meeting.status == MeetingStatus.FAILED
    assert "403 Forbidden" in booking.meeting.last_error
    assert run_once().sent == 0

    result = app.test_cli_runner().invoke(args=["meetings", "sync", "--include-failed"])
    assert result.exit_code == 0 and "1 meetings updated" in result.output
    clock.advance(seconds=app.config["OUTBOX_POLL_SECONDS"])
    assert run_once().sent == 1


def test_reschedule_moves_the_meeting_and_sends_a_new_version(app, clock, graph, smtp, world):
    booking = create_confirmed_booking(world, clock.now)
    run_once()
    (meeting,) = graph.meetings.values()
    new_slot = another_slot(booking, clock.now)

    transitions.reschedule(
        booking, [new_slot.id], clock.now, booking_window(clock.now, 1, 15), None
    )
    db.session.commit()
    assert run_once().sent == 1
    assert graph.graph_calls("PATCH")[-1][2]["startDateTime"] == new_slot.starts_at.strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    assert list(graph.meetings) == [meeting["id"]], "the same meeting moved"

    moved = smtp.messages[-1]
    assert "novo horário" in moved.get_body(("plain",)).get_content()
    _, event = invite_of(moved)
    assert str(event["UID"]) == booking.invite_uid, "the same event, moved"
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == new_slot.starts_at
    assert str(event["URL"]) == meeting["joinWebUrl"]
    assert pdf_of(moved) is not None

    transitions.cancel(booking, clock.now)
    db.session.commit()
    assert run_once().sent == 1
    assert graph.meetings == {}, "the meeting is deleted"
    cancelled = smtp.messages[-1]
    calendar, event = invite_of(cancelled)
    assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 2
    assert part(cancelled, "text/calendar").get_param("method") == "CANCEL"
    assert pdf_of(cancelled) is None
    assert run_once().sent == 0, "the reminder was withdrawn"
    assert len(smtp.messages) == 3


def test_a_change_before_delivery_sends_one_up_to_date_message(app, clock, smtp, world):
    booking = create_confirmed_booking(world, clock.now)
    new_slot = another_slot(booking, clock.now)
    transitions.reschedule(
        booking, [new_slot.id], clock.now, booking_window(clock.now, 1, 15), None
    )
    db.session.commit()

    assert run_once().sent == 1
    (message,) = smtp.messages
    _, event = invite_of(message)
    assert event["SEQUENCE"] == 1 and event.decoded("DTSTART") == new_slot.starts_at
    kinds = [(m.kind, m.status) for m in outbox(booking)]
    assert (MessageKind.CONFIRMATION, MessageStatus.SUPERSEDED) in kinds
    assert (MessageKind.CONFIRMATION, MessageStatus.SENT) in kinds


def test_the_reminder_goes_out_24_hours_before(app, clock, smtp, world):
    booking = create_confirmed_booking(world, clock.now, days_ahead=3)
    run_once()
    reminder = outbox(booking)[1]
    due = booking.slot.starts_at - timedelta(hours=app.config["REMINDER_HOURS"])
    assert (reminder.kind, reminder.due_at) == (MessageKind.REMINDER, due)

    clock.now = due - timedelta(minutes=1)
    assert run_once().sent == 0
    clock.now = due
    assert run_once().sent == 1
    message = smtp.messages[-1]
    assert message["Subject"].startswith("Reminder") or "Lembrete" in message["Subject"]
    assert part(message, "application/pdf") is None
    assert booking.meeting.join_url in message.get_body(("plain",)).get_content()


def test_two_workers_deliver_each_message_once(app, clock, smtp, world):
    create_confirmed_booking(world, clock.now)
    sync_meetings()
    start = threading.Barrier(2)
    reports = []

    def worker():
        with app.app_context():
            start.wait()
            report = PassReport()
            deliver_due(report)
            reports.append(report)
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(r.sent for r in reports) == [0, 1]
    assert len(smtp.messages) == 1


def test_a_message_is_given_up_after_the_last_attempt_and_stays_visible(app, clock, smtp, world):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 2
    smtp.stop()
    booking = create_confirmed_booking(world, clock.now)
    run_once()
    clock.advance(hours=1)
    run_once()
    confirmation = outbox(booking)[0]
    assert (confirmation.status, confirmation.attempts) == (MessageStatus.FAILED, 2)

    runner = app.test_cli_runner()
    listed = runner.invoke(args=["outbox", "list", "--failed"])
    assert listed.exit_code == 0
    assert f"{confirmation.id}\tfailed\tconfirmation" in listed.output
    assert "Connection refused" in listed.output

    smtp.start()
    assert runner.invoke(args=["outbox", "retry", str(confirmation.id)]).exit_code == 0
    delivered = runner.invoke(args=["outbox", "deliver"])
    assert "1 sent" in delivered.output
    assert len(smtp.messages) == 1
