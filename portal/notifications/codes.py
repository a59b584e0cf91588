"""The code in writing, and one reminder to book.

When the phone line issues a code (console, ``flask referral create`` or the
API: all call ``referrals.operations.issue_referral``), the outbox gets, in the
same transaction, the code e-mail and, due ``REFERRAL_REMINDER_DAYS`` before the
code expires, a reminder to book. Whether they still apply is checked again
when they are due: a withdrawn, used-up or expired code, or one that was
booked, gets nothing more. Withdrawing a code or booking with it drops what is
still pending at once, so the console shows it.

Idempotent by construction (partial unique indexes on ``outbox_messages``): at
most one code e-mail waiting to be sent per referral, and one reminder to book
per referral, ever.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from portal.booking import signals
from portal.booking.models import BookingStatus
from portal.extensions import db
from portal.notifications.kinds import DROP, SEND, Verdict, Wait
from portal.outbox.models import MessageKind, OutboxMessage
from portal.outbox.queue import enqueue_once, supersede_unsent_for_referral
from portal.referrals.models import ReferralState

CODE_KINDS = (MessageKind.CODE_ISSUED, MessageKind.REMINDER_TO_BOOK)
# A reminder due less than this after the code was issued would repeat the code e-mail.
REMINDER_MIN_DELAY = timedelta(days=1)


class CannotResend(Exception):
    """The code cannot be used to book any more (withdrawn, used up, expired, booked)."""


def announce_code(referral, now: datetime) -> None:
    """The code e-mail now and the reminder to book later (the code was just issued)."""
    enqueue_once(referral, MessageKind.CODE_ISSUED, now)
    days = current_app.config["REFERRAL_REMINDER_DAYS"]
    due = referral.expires_at - timedelta(days=days)
    if days > 0 and due - now >= REMINDER_MIN_DELAY:
        enqueue_once(referral, MessageKind.REMINDER_TO_BOOK, now, due_at=due)


def can_resend(referral, now: datetime) -> bool:
    return _usable_unbooked(referral, now)


def resend_code(referral, now: datetime) -> OutboxMessage | None:
    """Send the code e-mail again; None if one is already waiting to be sent."""
    if not can_resend(referral, now):
        raise CannotResend()
    return enqueue_once(referral, MessageKind.CODE_ISSUED, now)


def withdraw_code_messages(referral) -> None:
    """The code was withdrawn (or booked): what is still pending about it is dropped."""
    supersede_unsent_for_referral(referral.id, CODE_KINDS)


@signals.booking_changed.connect
def _dropped_once_booked(sender, action=None, booking=None, now=None, **extra) -> None:
    if booking is not None and booking.status == BookingStatus.CONFIRMED:
        withdraw_code_messages(booking.referral)


def _ever_booked(referral) -> bool:
    return any(booking.confirmed_at is not None for booking in referral.bookings)


def _usable_unbooked(referral, now: datetime) -> bool:
    return (
        not referral.is_pseudonymised
        and referral.state(now) is ReferralState.ACTIVE
        and not _ever_booked(referral)
    )


# When they are due (registered in portal.notifications.kinds) -----------------------


def code_still_wanted(message, now: datetime) -> Verdict:
    return SEND if _usable_unbooked(message.referral, now) else DROP


def reminder_still_wanted(message, now: datetime) -> Verdict:
    """Only for a code still unused; later if its expiry moved (a closure extends it)
    or while the person is holding a time."""
    referral = message.referral
    days = current_app.config["REFERRAL_REMINDER_DAYS"]
    if days <= 0 or not _usable_unbooked(referral, now):
        return DROP
    hold = referral.active_booking
    if hold is not None and hold.status == BookingStatus.HELD and hold.held_until > now:
        return Wait(hold.held_until, "waiting for the person's reservation to end")
    due = referral.expires_at - timedelta(days=days)
    if due > now:
        return Wait(due, "the code's expiry moved")
    return SEND


# What the phone line sees ----------------------------------------------------------


@dataclass(frozen=True)
class CodeMessages:
    """The latest code e-mail and the reminder to book of one referral, if any."""

    code: OutboxMessage | None
    reminder: OutboxMessage | None


def code_messages(referral) -> CodeMessages:
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.referral_id == referral.id, OutboxMessage.kind.in_(CODE_KINDS))
        .order_by(OutboxMessage.id.desc())
    ).all()
    latest = {}
    for row in rows:
        latest.setdefault(row.kind, row)
    return CodeMessages(
        latest.get(MessageKind.CODE_ISSUED), latest.get(MessageKind.REMINDER_TO_BOOK)
    )
