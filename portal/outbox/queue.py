"""Writing, claiming and settling outbox messages. Functions flush; callers commit.

Exactly once: a worker claims a row with one conditional UPDATE (only one of
two concurrent workers sees rowcount 1), sends it, and marks it sent with its
lease token. The lease (OUTBOX_LEASE_SECONDS) outlives any send, so a row is
taken again only if its worker died; the Message-ID is stable, so even then
mail clients see one message.
"""

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from email.utils import make_msgid
from typing import TYPE_CHECKING, Any, cast

from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.expression import ColumnElement, Executable

from portal.extensions import db
from portal.links import public_hostname
from portal.observability import request_id
from portal.outbox.models import MessageStatus, OutboxMessage

if TYPE_CHECKING:
    from portal.booking.models import Booking
    from portal.referrals.models import Referral


def _execute(statement: Executable) -> CursorResult[Any]:
    """An UPDATE's result, whose rowcount says how many rows it changed."""
    return cast(CursorResult[Any], db.session.execute(statement))


def enqueue(
    booking: "Booking", kind: str, now: datetime, due_at: datetime | None = None
) -> OutboxMessage:
    """Write a message about the booking's current version (same transaction)."""
    return _write(booking.referral, booking, kind, now, due_at)


def enqueue_for_referral(
    referral: "Referral", kind: str, now: datetime, due_at: datetime | None = None
) -> OutboxMessage:
    """Write a message about the referral alone (no booking yet, or none needed)."""
    return _write(referral, None, kind, now, due_at)


def enqueue_once(
    referral: "Referral", kind: str, now: datetime, due_at: datetime | None = None
) -> OutboxMessage | None:
    """Write a message about the referral alone, unless a unique index on
    ``outbox_messages`` says it is there already (then None): idempotent by the
    database, not by care. In a savepoint, so the caller's transaction goes on."""
    try:
        with db.session.begin_nested():
            return _write(referral, None, kind, now, due_at)
    except IntegrityError:
        return None


def _write(
    referral: "Referral",
    booking: "Booking | None",
    kind: str,
    now: datetime,
    due_at: datetime | None,
) -> OutboxMessage:
    from portal.notifications.kinds import kind_of

    domain = public_hostname()
    about = f"booking{booking.id}" if booking is not None else f"referral{referral.id}"
    kind_of(kind)  # LookupError for a kind nobody registered, before anything is written
    message = OutboxMessage(
        referral_id=referral.id,
        booking_id=booking.id if booking is not None else None,
        kind=str(kind),
        booking_sequence=booking.sequence if booking is not None else None,
        recipient=referral.contact_email,
        language=referral.language,
        message_id=make_msgid(idstring=f"{about}.{kind}", domain=domain),
        status=MessageStatus.PENDING,
        due_at=due_at or now,
        attempts=0,
        created_at=now,
        request_id=request_id.current(),
    )
    db.session.add(message)
    db.session.flush()
    return message


def supersede_unsent(booking_id: int, kinds: Iterable[str]) -> list[str]:
    """Drop messages a new change makes obsolete; returns the kinds dropped."""
    return _supersede(OutboxMessage.booking_id == booking_id, kinds)


def supersede_unsent_for_referral(referral_id: int, kinds: Iterable[str]) -> list[str]:
    """Drop the referral's pending messages of these kinds; returns the kinds dropped."""
    return _supersede(OutboxMessage.referral_id == referral_id, kinds)


def _supersede(about: ColumnElement[bool], kinds: Iterable[str]) -> list[str]:
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.kind).where(
            about,
            OutboxMessage.status == MessageStatus.PENDING,
            OutboxMessage.kind.in_([str(kind) for kind in kinds]),
        )
    ).all()
    if rows:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([row.id for row in rows]))
            .values(status=MessageStatus.SUPERSEDED, pdf=None)
            .execution_options(synchronize_session="fetch")
        )
    return [row.kind for row in rows]


def due_message_ids(now: datetime, limit: int = 100) -> list[int]:
    return list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(_claimable(now))
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
            .limit(limit)
        )
    )


def _claimable(now: datetime) -> ColumnElement[bool]:
    return and_(
        OutboxMessage.status == MessageStatus.PENDING,
        OutboxMessage.due_at <= now,
        or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until <= now),
    )


def claim(message_id: int, now: datetime, lease_seconds: int) -> str | None:
    """Lease the message to this worker; returns the lease token, or None if taken."""
    token = secrets.token_hex(16)
    result = _execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _claimable(now))
        .values(lease_until=now + timedelta(seconds=lease_seconds), lease_token=token)
        .execution_options(synchronize_session=False)
    )
    return token if result.rowcount == 1 else None


def _settle(message_id: int, token: str, **values: Any) -> bool:
    result = _execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.lease_token == token)
        .values(lease_until=None, lease_token=None, **values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def keep_pdf(message_id: int, token: str, pdf: bytes) -> bool:
    """Keep the rendered PDF with the message, so a retry sends the same document."""
    result = _execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.lease_token == token)
        .values(pdf=pdf)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def mark_sent(message_id: int, token: str, now: datetime) -> bool:
    """The PDF stays with the sent message: it is what the person downloads from
    their booking's page (``rendered_pdf``); only the newest one is worth keeping."""
    if not _settle(message_id, token, status=MessageStatus.SENT, sent_at=now, last_error=None):
        return False
    booking_id = db.session.scalar(
        select(OutboxMessage.booking_id).where(OutboxMessage.id == message_id)
    )
    if booking_id is not None:
        db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.booking_id == booking_id,
                OutboxMessage.id < message_id,
                OutboxMessage.status == MessageStatus.SENT,
                OutboxMessage.pdf.is_not(None),
            )
            .values(pdf=None)
            .execution_options(synchronize_session=False)
        )
    return True


def rendered_pdf(booking: "Booking") -> bytes | None:
    """The confirmation PDF the worker rendered for the booking as it is now (its
    ``sequence``), sent or about to be; None while none is rendered yet."""
    return db.session.scalar(
        select(OutboxMessage.pdf)
        .where(
            OutboxMessage.booking_id == booking.id,
            OutboxMessage.booking_sequence == booking.sequence,
            OutboxMessage.status.in_([MessageStatus.SENT, MessageStatus.PENDING]),
            OutboxMessage.pdf.is_not(None),
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )


def mark_superseded(message_id: int, token: str) -> bool:
    return _settle(message_id, token, status=MessageStatus.SUPERSEDED, pdf=None)


def postpone(message_id: int, token: str, until: datetime, reason: str) -> bool:
    """Not an attempt: the message waits for something else (the meeting link)."""
    return _settle(message_id, token, due_at=until, last_error=reason)


def record_failure(
    message_id: int, attempts: int, token: str, error: Exception, now: datetime
) -> bool:
    """Count a failed attempt: retry later with exponential backoff, or give up.

    ``attempts`` is how many were made before this one.
    """
    config = current_app.config
    attempts += 1
    values = {"attempts": attempts, "last_error": f"{type(error).__name__}: {error}"[:2000]}
    if attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
        values["status"] = MessageStatus.FAILED
    else:
        delay = min(
            config["OUTBOX_RETRY_SECONDS"] * 2 ** (attempts - 1), config["OUTBOX_MAX_RETRY_SECONDS"]
        )
        values["due_at"] = now + timedelta(seconds=delay)
    return _settle(message_id, token, **values)


def messages(status: MessageStatus | None = None, limit: int = 200) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return list(db.session.scalars(query))


def retry(message_id: int, now: datetime) -> bool:
    """Give a failed message a fresh set of attempts (after the cause was fixed)."""
    result = _execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == MessageStatus.FAILED)
        .values(status=MessageStatus.PENDING, attempts=0, due_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
