"""Booking operations. They add and flush; the caller commits once.

Seats are taken optimistically: pick the lowest free seat number and write
it; the partial unique index on (slot, seat) rejects a concurrent writer who
picked the same one, who then looks again. Each attempt runs in a savepoint
so a lost race leaves the rest of the transaction intact.
"""

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal import notifications
from portal.booking.models import ACTIVE_STATUSES, Booking, BookingStatus, Outcome
from portal.extensions import db
from portal.referrals.models import Referral
from portal.scheduling.models import Desk, Slot, desk_subjects
from portal.scheduling.slots import offer_conditions


class BookingError(Exception):
    """Base of the reasons a booking operation is refused."""


class SlotUnavailable(BookingError):
    """The slot is full, gone, or not one this referral may book."""


class HoldExpired(BookingError):
    """The held seat was released before the person confirmed."""


class NotChangeable(BookingError):
    """The booking is not in a state that allows this change."""


def expire_lapsed_holds(now: datetime, slot_id: int | None = None) -> int:
    """Release seats whose hold ran out; returns how many."""
    statement = update(Booking).where(
        Booking.status == BookingStatus.HELD, Booking.held_until <= now
    )
    if slot_id is not None:
        statement = statement.where(Booking.slot_id == slot_id)
    result = db.session.execute(
        statement.values(status=BookingStatus.EXPIRED),
        execution_options={"synchronize_session": "fetch"},
    )
    return result.rowcount


def _bookable_slot(referral: Referral, slot_id: int, window: tuple[datetime, datetime], now):
    slot = db.session.scalar(
        select(Slot)
        .join(Desk, Desk.id == Slot.desk_id)
        .join(desk_subjects, desk_subjects.c.desk_id == Desk.id)
        .where(Slot.id == slot_id, *offer_conditions(referral.subject, window, now))
    )
    if slot is None or not referral.subject.serves(referral.audience):
        raise SlotUnavailable()
    return slot


def _free_seat(slot: Slot) -> int:
    taken = set(
        db.session.scalars(
            select(Booking.seat).where(
                Booking.slot_id == slot.id, Booking.status.in_(ACTIVE_STATUSES)
            )
        )
    )
    for seat in range(1, slot.capacity + 1):
        if seat not in taken:
            return seat
    raise SlotUnavailable()


def _take_seat(slot: Slot, now: datetime, write) -> None:
    """Run ``write(seat)`` until it succeeds or no seat is left."""
    expire_lapsed_holds(now, slot.id)
    for _attempt in range(slot.capacity + 1):
        seat = _free_seat(slot)
        try:
            with db.session.begin_nested():
                write(seat)
            return
        except IntegrityError:
            continue  # somebody took that seat between our read and our write
    raise SlotUnavailable()


def hold(referral: Referral, slot_id: int, now: datetime, hold_minutes: int, window) -> Booking:
    """Hold a seat for the referral, replacing a hold it already had.

    All or nothing: if no seat can be had, the hold the person had stays theirs.
    """
    if referral.active_booking is not None and referral.active_booking.status != "held":
        raise NotChangeable()
    slot = _bookable_slot(referral, slot_id, window, now)
    with db.session.begin_nested():
        return _replace_hold(referral, slot, now, hold_minutes)


def _replace_hold(referral: Referral, slot: Slot, now: datetime, hold_minutes: int) -> Booking:
    previous = referral.active_booking
    if previous is not None:
        db.session.delete(previous)  # a replaced hold never became a booking
        db.session.flush()
    booking = Booking(
        referral_id=referral.id,
        status=BookingStatus.HELD,
        held_until=now + timedelta(minutes=hold_minutes),
        created_at=now,
    )

    def write(seat):
        booking.slot_id, booking.seat = slot.id, seat
        db.session.add(booking)
        db.session.flush()

    _take_seat(slot, now, write)
    db.session.expire(referral, ["bookings"])
    return booking


def extend_hold(booking: Booking, now: datetime, hold_minutes: int) -> None:
    if booking.status != BookingStatus.HELD or booking.hold_lapsed(now):
        raise HoldExpired()
    booking.held_until = now + timedelta(minutes=hold_minutes)
    db.session.flush()


def confirm(booking: Booking, now: datetime) -> None:
    """Make a held seat the person's own; the meeting and e-mail follow from the outbox."""
    if booking.status != BookingStatus.HELD:
        raise NotChangeable()
    if booking.hold_lapsed(now):
        booking.status = BookingStatus.EXPIRED
        db.session.flush()
        raise HoldExpired()
    booking.status = BookingStatus.CONFIRMED
    booking.held_until = None
    booking.confirmed_at = now
    db.session.flush()
    notifications.booking_confirmed(booking, now)


def reschedule(booking: Booking, slot_id: int, now: datetime, window) -> None:
    """Move a confirmed booking to another slot in one step (same meeting, new e-mail).

    The booking row itself moves, so the old seat is released by the same
    statement that takes the new one: if the new slot is full, nothing changes.
    """
    if booking.status != BookingStatus.CONFIRMED or booking.slot.starts_at <= now:
        raise NotChangeable()
    if slot_id == booking.slot_id:
        raise SlotUnavailable()
    slot = _bookable_slot(booking.referral, slot_id, window, now)

    def write(seat):
        db.session.execute(
            update(Booking)
            .where(Booking.id == booking.id, Booking.status == BookingStatus.CONFIRMED)
            .values(slot_id=slot.id, seat=seat, sequence=Booking.sequence + 1)
        )

    _take_seat(slot, now, write)
    db.session.refresh(booking)
    notifications.booking_rescheduled(booking, now)


def cancel(booking: Booking, now: datetime) -> None:
    """Cancel a confirmed booking before it starts; the code is then used up.

    The meeting is deleted and a cancellation (METHOD:CANCEL) sent by the worker.
    """
    if booking.status != BookingStatus.CONFIRMED or booking.slot.starts_at <= now:
        raise NotChangeable()
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    booking.sequence += 1
    booking.referral.cancelled_at = now
    db.session.flush()
    notifications.booking_cancelled(booking, now)


# Outcome → the booking status it leaves behind.
OUTCOME_STATUS = {
    Outcome.ATTENDED: BookingStatus.ATTENDED,
    Outcome.NO_SHOW: BookingStatus.NO_SHOW,
    Outcome.REBOOKED_BY_PHONE: BookingStatus.CANCELLED,
}


def record_outcome(booking: Booking, outcome: Outcome | str, note: str, now: datetime, by_id=None):
    """Record what happened to a confirmed booking (or correct an earlier record).

    Attended and no-show only once the session time has come; "rebooked by
    phone" any time: the person arranged another session through the phone
    line, so this code is used up and its seat released.
    """
    outcome = Outcome(outcome)
    newly_cancelled = False
    if booking.status != BookingStatus.CONFIRMED and booking.outcome is None:
        raise NotChangeable()
    if outcome is Outcome.REBOOKED_BY_PHONE:
        if booking.status != BookingStatus.CANCELLED:
            booking.cancelled_at, booking.cancelled_reason = now, "rebooked_by_phone"
            booking.sequence += 1
            booking.referral.cancelled_at = booking.referral.cancelled_at or now
            newly_cancelled = True
    elif booking.slot.starts_at > now or booking.status == BookingStatus.CANCELLED:
        raise NotChangeable()  # not yet time; or its seat may be someone else's by now
    booking.status = OUTCOME_STATUS[outcome]
    booking.outcome = outcome
    booking.outcome_note = note.strip()
    booking.outcome_at = now
    booking.outcome_by_id = by_id
    db.session.flush()
    if newly_cancelled:  # the Teams meeting goes, and the person is told
        notifications.booking_cancelled(booking, now)
