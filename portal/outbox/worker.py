"""The worker: bring meetings up to date, then send the messages that are due.

This is the boundary that commits (like a command): each claim, each outcome
is its own short transaction, and the slow parts — Graph, PDF rendering,
SMTP — run between transactions, so no lock is held while they wait.
"""

import dataclasses
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app

from portal.booking.models import BookingStatus
from portal.clock import now
from portal.extensions import db
from portal.mail import MailError, mailer_for
from portal.meetings import sync
from portal.meetings.models import Meeting
from portal.meetings.providers import MeetingRefused, MeetingUnavailable, provider_for
from portal.notifications.email import Envelope, compose
from portal.notifications.facts import booking_facts
from portal.outbox import queue
from portal.outbox.models import NEEDS_MEETING, OutboxMessage

log = logging.getLogger(__name__)

WAITING_FOR_MEETING = "waiting for the meeting link"


@dataclass
class PassReport:
    meetings_ready: int = 0
    meetings_failed: int = 0
    sent: int = 0
    failed: int = 0
    waiting: int = 0
    superseded: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"meetings: {self.meetings_ready} updated, {self.meetings_failed} failed; "
            f"messages: {self.sent} sent, {self.failed} failed, {self.waiting} waiting, "
            f"{self.superseded} superseded"
        )


def sync_meetings(report: PassReport, include_failed: bool = False) -> None:
    config = current_app.config
    provider = provider_for(current_app)
    for meeting_id in sync.due_meeting_ids(now(), include_failed):
        meeting = sync.claim_meeting(
            meeting_id, now(), config["OUTBOX_LEASE_SECONDS"], include_failed
        )
        if meeting is None:
            db.session.rollback()
            continue
        action, request, sequence = sync.meeting_request(meeting)
        external_id = meeting.external_id
        db.session.commit()  # no transaction open while the provider answers
        try:
            if action == "create":
                details = provider.create(request)
            elif action == "move":
                details = provider.move(external_id, request)
            else:
                details = provider.delete(external_id, request.organizer) if external_id else None
        except (MeetingUnavailable, MeetingRefused) as error:
            log.warning("Meeting for booking %s: %s", request.external_id, error)
            meeting = db.session.get(Meeting, meeting_id)
            final = isinstance(error, MeetingRefused)
            sync.record_failure(meeting, error, now(), config["MEETING_RETRY_SECONDS"], final)
            report.meetings_failed += 1
            report.errors.append(str(error))
        else:
            meeting = db.session.get(Meeting, meeting_id)
            sync.record_success(meeting, details, sequence, now())
            report.meetings_ready += 1
        db.session.commit()


def _prepare(message_id: int, token: str, report: PassReport):
    """Read what the message needs; None when it must not (yet) be sent."""
    message = db.session.get(OutboxMessage, message_id)
    booking = message.booking
    if message.kind in NEEDS_MEETING:
        if booking.status != BookingStatus.CONFIRMED:
            queue.mark_superseded(message_id, token)
            report.superseded += 1
            return None
        if booking.meeting is None or not booking.meeting.ready_for(message.booking_sequence):
            retry_at = now() + timedelta(seconds=current_app.config["OUTBOX_POLL_SECONDS"])
            queue.postpone(message_id, token, retry_at, WAITING_FOR_MEETING)
            report.waiting += 1
            return None
    facts = booking_facts(booking, message.language)
    facts = dataclasses.replace(
        facts, sequence=message.booking_sequence, recipient=message.recipient
    )
    envelope = Envelope(message.kind, message.recipient, message.message_id)
    return envelope, facts, message.attempts


def deliver_one(message_id: int, mailer, report: PassReport) -> None:
    config = current_app.config
    token = queue.claim(message_id, now(), config["OUTBOX_LEASE_SECONDS"])
    db.session.commit()
    if token is None:
        return  # another worker has it
    prepared = _prepare(message_id, token, report)
    db.session.commit()
    if prepared is None:
        return
    envelope, facts, attempts = prepared
    try:
        mailer.send(compose(envelope, facts, now()))
    except Exception as error:  # noqa: BLE001 — any failure is kept on the message
        if not isinstance(error, MailError):
            log.exception("Could not compose message %s", message_id)
        queue.record_failure(message_id, attempts, token, error, now())
        report.failed += 1
        report.errors.append(f"message {message_id}: {error}")
    else:
        if not queue.mark_sent(message_id, token, now()):
            log.warning("Message %s was sent after its lease ran out", message_id)
        report.sent += 1
    db.session.commit()


def deliver_due(report: PassReport) -> None:
    mailer = mailer_for(current_app)
    for message_id in queue.due_message_ids(now()):
        deliver_one(message_id, mailer, report)


def run_once(include_failed_meetings: bool = False) -> PassReport:
    """One pass: meetings first (messages wait for their links), then mail."""
    report = PassReport()
    sync_meetings(report, include_failed_meetings)
    deliver_due(report)
    return report
