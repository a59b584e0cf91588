"""Closing a desk for a range of days: its slots there are withdrawn and bookings released."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select

from portal.booking import transitions
from portal.booking.models import ACTIVE_STATUSES, Booking
from portal.extensions import db
from portal.referrals.models import Referral
from portal.scheduling.calendar import lisbon_to_utc, lisbon_today, to_lisbon
from portal.scheduling.models import Closure, Desk, Slot
from portal.scheduling.slots import announce_seats, new_slots


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

    Released bookings go through the booking transition CLOSE: cancelled (reason
    "closure"), their meetings deleted, and the people with a confirmed booking
    told, in their language, that the session is off and how to choose another
    time. Their codes stay usable, for at least ``valid_days`` more. Slots that
    never had a booking are deleted; the others keep their history but get no
    seats, so they are never offered again.
    """
    if ends_on < starts_on:
        raise InvalidClosure("ends_on", "order")
    if starts_on < lisbon_today(now):
        raise InvalidClosure("starts_on", "past")
    closure = Closure(desk=desk, starts_on=starts_on, ends_on=ends_on, reason=reason.strip())
    db.session.add(closure)
    in_range = _slots_in(desk, starts_on, ends_on)
    hit = (
        select(Booking.id, Booking.referral_id)
        .join(Slot, Slot.id == Booking.slot_id)
        .where(*in_range, Booking.status.in_(ACTIVE_STATUSES))
    )
    # Lock the referrals first, then the bookings, in id order: the order every
    # booking transition takes its locks in, so a closure never deadlocks with them.
    referral_ids = sorted({row.referral_id for row in db.session.execute(hit)})
    db.session.execute(
        select(Referral.id).where(Referral.id.in_(referral_ids)).with_for_update()
    ).all()
    released = []
    for booking in db.session.scalars(
        select(Booking)
        .join(Slot, Slot.id == Booking.slot_id)
        .where(*in_range, Booking.status.in_(ACTIVE_STATUSES))
        .order_by(Booking.id)
    ).all():
        try:
            released.append(transitions.release(booking, transitions.Action.CLOSE, now, valid_days))
        except transitions.BookingError:
            continue  # a hold that lapsed at this very moment: nothing left to release
    has_bookings = select(Booking.id).where(Booking.slot_id == Slot.id).exists()
    removed = db.session.execute(
        delete(Slot).where(*in_range, ~has_bookings),
        execution_options={"synchronize_session": False},
    ).rowcount
    for slot in db.session.scalars(select(Slot).where(*in_range)):
        slot.capacity = 0
    db.session.flush()
    released.sort(key=lambda booking: (booking.slot.starts_at, booking.id))
    return ClosureResult(closure, released, removed)


def reopen_desk(closure: Closure, now: datetime) -> int:
    """Remove a closure: the desk attends those days again; returns the slots offered.

    Slots the closure emptied get their seats back, those it deleted are published
    again (days another closure still covers stay closed), and all are announced
    (``seats_freed``) to the waiting list. Bookings the closure cancelled stay
    cancelled: those people were told and may have booked elsewhere.
    """
    desk = closure.desk
    first = max(closure.starts_on, lisbon_today(now))
    last = closure.ends_on
    db.session.delete(closure)
    db.session.flush()
    db.session.expire(desk, ["closures"])
    if last < first:
        return 0
    reopened = []
    for slot in db.session.scalars(select(Slot).where(*_slots_in(desk, first, last))):
        day_closed = any(c.covers(to_lisbon(slot.starts_at).date()) for c in desk.closures)
        if slot.capacity == 0 and not day_closed and slot.starts_at > now:
            slot.capacity = desk.parallel_attendants
            reopened.append(slot)
    reopened += new_slots(desk, first, last)
    db.session.flush()
    announce_seats([slot.id for slot in reopened])
    return len(reopened)
