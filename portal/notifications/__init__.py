"""What a booking change sets in motion, in the change's own transaction.

The booking operations call these: the meeting is marked due for the provider
and the e-mail is written to the outbox. Nothing slow happens here (no Graph,
no SMTP, no PDF): the worker does that after the commit.
"""

from datetime import datetime, timedelta

from flask import current_app

from portal.meetings.sync import plan_meeting
from portal.outbox.models import MessageKind
from portal.outbox.queue import enqueue, supersede_unsent


def _schedule_reminder(booking, now: datetime) -> None:
    due = booking.slot.starts_at - timedelta(hours=current_app.config["REMINDER_HOURS"])
    if due > now:  # booked less than a day ahead: the confirmation is reminder enough
        enqueue(booking, MessageKind.REMINDER, now, due_at=due)


def booking_confirmed(booking, now: datetime) -> None:
    plan_meeting(booking, now)
    enqueue(booking, MessageKind.CONFIRMATION, now)
    _schedule_reminder(booking, now)


def booking_rescheduled(booking, now: datetime) -> None:
    plan_meeting(booking, now)
    dropped = supersede_unsent(booking.id)
    # A confirmation that never went out is replaced by one for the new time.
    kind = MessageKind.CONFIRMATION if MessageKind.CONFIRMATION in dropped else None
    enqueue(booking, kind or MessageKind.RESCHEDULED, now)
    _schedule_reminder(booking, now)


def booking_cancelled(booking, now: datetime, kind=MessageKind.CANCELLED) -> None:
    plan_meeting(booking, now)
    supersede_unsent(booking.id)
    enqueue(booking, kind, now)


def booking_released_by_closure(booking, now: datetime) -> None:
    """The desk closed: cancel the meeting and invite the person to choose again."""
    booking_cancelled(booking, now, MessageKind.DESK_CLOSED)
