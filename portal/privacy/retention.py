"""Storage limitation (RGPD art. 5(1)(e)): pseudonymise what identifies a person once
their case is over, and keep only what the evaluation of the pilot needs.

A case is over at the end of its session (or, never booked, at its code's expiry;
cancelled, at the cancellation). ``PERSONAL_DATA_RETENTION_DAYS`` after that,
``pseudonymise_due_cases`` blanks the NISS, NIPC, e-mail address, the representative's
names and phone, the desk's notes, the addresses on sent messages and the names of
documents, deleting any document file still kept. What the evaluation counts stays:
subject, audience, dates, desk, statuses, outcomes, the in-person date and the
device-check results, now tied to no one. The referral keeps its id, and
``pseudonymised_at`` says when this happened.

Functions flush; the command commits.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update

from portal.audit.models import AuditEvent
from portal.documents import storage
from portal.documents.models import Document
from portal.documents.operations import retention_starts
from portal.extensions import db
from portal.outbox.models import OutboxMessage
from portal.referrals.models import Referral
from portal.throttling.models import SignInCounter

# Audit entries whose details hold what a member of staff typed (a NISS, an e-mail).
TYPED_DETAILS = ("searched",)


@dataclass(frozen=True)
class PurgeReport:
    cases: int
    documents: int
    audit_entries_cleared: int
    audit_entries_deleted: int

    def __str__(self) -> str:
        return (
            f"{self.cases} cases pseudonymised ({self.documents} document files deleted); "
            f"audit log: {self.audit_entries_cleared} searches cleared, "
            f"{self.audit_entries_deleted} old entries deleted"
        )


def due_cases(now: datetime, retention_days: int) -> list[Referral]:
    """Referrals not yet pseudonymised whose case ended ``retention_days`` ago or more.

    A case ends when its documents stop being needed (documents.operations
    .retention_starts): the end of its session; for a cancelled case, the
    cancellation; for a code never booked, its expiry.
    """
    cutoff = now - timedelta(days=retention_days)
    candidates = db.session.scalars(
        select(Referral)
        .where(Referral.pseudonymised_at.is_(None), Referral.created_at <= cutoff)
        .order_by(Referral.id)
    )
    return [referral for referral in candidates if retention_starts(referral) <= cutoff]


def pseudonymise(referral: Referral, now: datetime) -> int:
    """Remove what identifies the person of one case; returns document files deleted."""
    referral.niss = ""
    referral.nipc = None
    referral.email = ""
    referral.pseudonymised_at = now
    person = referral.representative
    if person is not None:
        person.company_name = person.full_name = person.email = person.phone = ""
    for booking in referral.bookings:
        booking.outcome_note = ""
    # Every message of the case (the PDF of one never sent names the person too).
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.referral_id == referral.id)
        .values(recipient="", last_error=None, pdf=None)
    )
    files = 0
    documents = db.session.scalars(select(Document).where(Document.referral_id == referral.id))
    for document in documents:
        document.display_name = ""
        if document.purged_at is None:  # purge-documents should have run long before
            storage.remove_after_commit(document.stored_name)
            document.purged_at = now
            files += 1
    db.session.flush()
    return files


def clear_audit_log(now: datetime, personal_days: int, audit_days: int) -> tuple[int, int]:
    """Blank what staff typed in entries older than ``personal_days``; delete entries
    older than ``audit_days``. Returns (cleared, deleted)."""
    cleared = db.session.execute(
        update(AuditEvent)
        .where(
            AuditEvent.at <= now - timedelta(days=personal_days),
            AuditEvent.detail.in_(TYPED_DETAILS),
            AuditEvent.detail_values != {},  # not cleared yet
        )
        .values(detail_values={})
    ).rowcount
    deleted = db.session.execute(
        delete(AuditEvent).where(AuditEvent.at <= now - timedelta(days=audit_days))
    ).rowcount
    return cleared, deleted


def clear_sign_in_counters(now: datetime, window: timedelta) -> None:
    """Sign-in counters whose window ended, unless they hold a lock still running."""
    db.session.execute(
        delete(SignInCounter).where(
            SignInCounter.window_started_at < now - window,
            or_(SignInCounter.locked_until.is_(None), SignInCounter.locked_until < now),
        )
    )


def pseudonymise_due_cases(
    now: datetime, retention_days: int, audit_days: int, sign_in_window: timedelta
) -> PurgeReport:
    """Everything storage limitation asks for today, in the caller's transaction."""
    cases = due_cases(now, retention_days)
    files = sum(pseudonymise(referral, now) for referral in cases)
    cleared, deleted = clear_audit_log(now, retention_days, audit_days)
    clear_sign_in_counters(now, sign_in_window)
    db.session.flush()
    return PurgeReport(len(cases), files, cleared, deleted)
