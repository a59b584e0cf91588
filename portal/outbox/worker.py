"""The worker: bring meetings up to date (``meetings.worker``), then send the
messages that are due.

This is the boundary that commits (like a command): each claim, each outcome
is its own short transaction, and the slow parts — Graph, PDF rendering,
SMTP — run between transactions, so no lock is held while they wait. A
message's PDF is rendered once, in a child process (``pdf.isolated``), and kept
with the message: a retry after an SMTP error sends the same document, and the
booking's page offers it for download without rendering it again.
"""

import logging
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import select

from portal.clock import now
from portal.extensions import db
from portal.mail import Mailer, MailError, mailer_for
from portal.meetings.worker import MeetingsReport, sync_meetings
from portal.notifications import kinds
from portal.notifications.document import confirmation_pdf
from portal.notifications.email import Envelope, compose
from portal.observability import request_id
from portal.outbox import queue
from portal.outbox.models import OutboxMessage

log = logging.getLogger(__name__)


@dataclass
class PassReport:
    meetings: MeetingsReport = field(default_factory=MeetingsReport)
    sent: int = 0
    failed: int = 0
    waiting: int = 0
    superseded: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def busy(self) -> bool:
        return bool(self.sent or self.failed or self.meetings.ready or self.meetings.failed)

    def __str__(self) -> str:
        return (
            f"{self.meetings}; messages: {self.sent} sent, {self.failed} failed, "
            f"{self.waiting} waiting, {self.superseded} superseded"
        )


@dataclass(frozen=True)
class Prepared:
    kind: kinds.Kind
    envelope: Envelope
    facts: Any  # what the kind's templates read (BookingFacts for a booking's kinds)
    attempts: int
    pdf: bytes | None


def _prepare(message_id: int, token: str, report: PassReport) -> Prepared | None:
    """Read what the message needs; None when it must not (yet) be sent.

    Its kind's registration (``portal.notifications.kinds``) says whether it
    still applies, or must wait (not counted as an attempt), and gathers its facts.
    """
    message = db.session.get_one(OutboxMessage, message_id)
    kind = kinds.kind_of(message.kind)
    moment = now()
    verdict = kind.verdict(message, moment)
    if verdict is kinds.DROP:
        queue.mark_superseded(message_id, token)
        report.superseded += 1
        return None
    if isinstance(verdict, kinds.Wait):
        queue.postpone(message_id, token, verdict.until, verdict.reason)
        report.waiting += 1
        return None
    facts = kind.facts(message, moment)
    envelope = Envelope(message.kind, message.recipient, message.message_id)
    pdf = None
    if kind.pdf:
        pdf = db.session.scalar(select(OutboxMessage.pdf).where(OutboxMessage.id == message_id))
    return Prepared(kind, envelope, facts, message.attempts, pdf)


def _pdf_for(prepared: Prepared, message_id: int, token: str) -> bytes | None:
    """The message's PDF: the one kept from an earlier attempt, or rendered now and kept."""
    if not prepared.kind.pdf or prepared.pdf is not None:
        return prepared.pdf
    pdf = confirmation_pdf(prepared.facts, isolated=True)
    queue.keep_pdf(message_id, token, pdf)
    db.session.commit()
    return pdf


def deliver_one(message_id: int, mailer: Mailer, report: PassReport) -> None:
    config = current_app.config
    token = queue.claim(message_id, now(), config["OUTBOX_LEASE_SECONDS"])
    db.session.commit()
    if token is None:
        return  # another worker has it
    message = db.session.get_one(OutboxMessage, message_id)
    # Log lines about the message carry the id of the request that wrote it.
    with request_id.working_for(message.request_id):
        _deliver(message_id, message.kind, message.attempts, token, mailer, report)


def _deliver(
    message_id: int, kind: str, attempts: int, token: str, mailer: Mailer, report: PassReport
) -> None:
    try:
        prepared = _prepare(message_id, token, report)
        db.session.commit()
        if prepared is None:
            return
        mailer.send(
            compose(prepared.envelope, prepared.facts, now(), _pdf_for(prepared, message_id, token))
        )
    except Exception as error:  # noqa: BLE001 — any failure is kept on the message
        db.session.rollback()
        if not isinstance(error, MailError):
            log.exception("Could not compose message %s", message_id)
        queue.record_failure(message_id, attempts, token, error, now())
        log.warning("outbox: message %s (%s) not sent: %s", message_id, kind, error)
        report.failed += 1
        report.errors.append(f"message {message_id}: {error}")
    else:
        if not queue.mark_sent(message_id, token, now()):
            log.warning("Message %s was sent after its lease ran out", message_id)
        log.info("outbox: message %s (%s) sent", message_id, kind)
        report.sent += 1
    db.session.commit()


def deliver_due(report: PassReport) -> None:
    mailer = mailer_for(current_app)
    for message_id in queue.due_message_ids(now()):
        deliver_one(message_id, mailer, report)


def run_once(include_failed_meetings: bool = False) -> PassReport:
    """One pass: meetings first (messages wait for their links), then mail."""
    report = PassReport()
    report.meetings = sync_meetings(include_failed_meetings)
    deliver_due(report)
    return report
