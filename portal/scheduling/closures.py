"""Closing a desk for a range of days: its slots there are withdrawn and bookings released."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select

from portal import notifications
from portal.booking.models import ACTIVE_STATUSES, Booking, BookingStatus
from portal.extensions import db
from portal.scheduling.calendar import lisbon_to_utc, lisbon_today
from portal.scheduling.models import Closure, Desk, Slot


class InvalidClosure(ValueError):
    """Field name → reason code: "order" (ends before it starts) or "past"."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


@dataclass
class ClosureResult:
    closure: Closure
    released: list[Booking]  # bookings cancelled because of the closure
    removed_slots: int


def _slots_in(desk: Desk, starts_on: date, ends_on: date):
    begins = lisbon_to_utc(starts_on, datetime.min.time())
    ends = lisbon_to_utc(ends_on + timedelta(days=1), datetime.min.time())
    return Slot.desk_id == desk.id, Slot.starts_at >= begins, Slot.starts_at < ends


def close_desk(
    desk: Desk,
    starts_on: date,
    ends_on: date,
    reason: str,
    now: datetime,
    valid_days: int,
) -> ClosureResult:
    """Record a closure, release the bookings it hits and withdraw its free slots.

    Released bookings are cancelled (with ``cancelled_reason="closure"``); their
    codes stay usable, for at least ``valid_days`` more, so the person can choose
    another time. Slots that never had a booking are deleted; the others keep
    their history but get no seats, so they are never offered again.
    """
    if ends_on < starts_on:
        raise InvalidClosure("ends_on", "order")
    if starts_on < lisbon_today(now):
        raise InvalidClosure("starts_on", "past")
    closure = Closure(desk=desk, starts_on=starts_on, ends_on=ends_on, reason=reason.strip())
    db.session.add(closure)
    in_range = _slots_in(desk, starts_on, ends_on)
    released = list(
        db.session.scalars(
            select(Booking)
            .join(Slot, Slot.id == Booking.slot_id)
            .where(*in_range, Booking.status.in_(ACTIVE_STATUSES))
            .order_by(Slot.starts_at, Booking.id)
        )
    )
    # Holds were never confirmed to anyone: only confirmed bookings are told.
    confirmed = [booking for booking in released if booking.status == BookingStatus.CONFIRMED]
    for booking in released:
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at, booking.cancelled_reason = now, "closure"
        booking.sequence += 1
        referral = booking.referral
        referral.expires_at = max(referral.expires_at, now + timedelta(days=valid_days))
    has_bookings = select(Booking.id).where(Booking.slot_id == Slot.id).exists()
    removed = db.session.execute(
        delete(Slot).where(*in_range, ~has_bookings),
        execution_options={"synchronize_session": False},
    ).rowcount
    for slot in db.session.scalars(select(Slot).where(*in_range)):
        slot.capacity = 0
    db.session.flush()
    notify_people_of_closure(confirmed, now)
    return ClosureResult(closure, released, removed)


def notify_people_of_closure(bookings: list[Booking], now: datetime) -> None:
    """Tell each person, in their language, that their session is off and how to
    choose another time: an outbox row per booking, in this same transaction."""
    for booking in bookings:
        notifications.booking_released_by_closure(booking, now)
