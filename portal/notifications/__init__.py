"""What a booking change, or a code issued, sets in motion, in its own transaction.

The booking transitions (``portal.booking.transitions``) call these as their
table says: the meeting is marked due for the provider and the e-mail is
written to the outbox. Issuing a code writes the code e-mail and the reminder
to book (``codes``). Nothing slow happens here (no Graph, no SMTP, no PDF):
the worker does that after the commit. Every kind of e-mail is registered in
``kinds``.
"""

from datetime import datetime, timedelta

from flask import current_app

from portal.meetings.sync import plan_meeting
from portal.notifications import kinds  # noqa: F401 — registers every kind of e-mail
from portal.notifications.codes import announce_code, withdraw_code_messages
from portal.outbox.models import VERSION_KINDS, MessageKind
from portal.outbox.queue import enqueue, supersede_unsent

__all__ = [
    "announce",
    "announce_code",
    "plan_meeting",
    "schedule_reminder",
    "withdraw_code_messages",
    "withdraw_reminder",
]


def announce(booking, kind: MessageKind, now: datetime) -> None:
    """Tell the person about the booking's current version (its ``sequence``).

    Messages about earlier versions that have not gone out yet are dropped: the
    person gets only the latest. A confirmation that never went out is replaced
    by a confirmation of the new time, not by a change notice.
    """
    dropped = supersede_unsent(booking.id, VERSION_KINDS)
    if kind == MessageKind.RESCHEDULED and MessageKind.CONFIRMATION in dropped:
        kind = MessageKind.CONFIRMATION
    enqueue(booking, kind, now)


def schedule_reminder(booking, now: datetime) -> None:
    """One reminder, REMINDER_HOURS before the session (replacing any earlier one)."""
    withdraw_reminder(booking)
    due = booking.slot.starts_at - timedelta(hours=current_app.config["REMINDER_HOURS"])
    if due > now:  # booked less than a day ahead: the confirmation is reminder enough
        enqueue(booking, MessageKind.REMINDER, now, due_at=due)


def withdraw_reminder(booking) -> None:
    supersede_unsent(booking.id, (MessageKind.REMINDER,))
