"""Taking a seat in a slot, safely under concurrent requests.

Seats are taken optimistically: pick the lowest free seat number and write it;
the partial unique index on (slot, seat) rejects a concurrent writer who picked
the same one, who then looks again. Each attempt runs in a savepoint, so a lost
race leaves the rest of the transaction intact.
"""

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.booking.models import ACTIVE_STATUSES, Booking
from portal.extensions import db
from portal.referrals.models import Referral
from portal.scheduling.models import Desk, Slot, desk_subjects
from portal.scheduling.slots import offer_conditions


def bookable_slot(referral: Referral, slot_id: int, window, now: datetime) -> Slot | None:
    """The slot, if the referral may book it now (subject, remote desk, window)."""
    if not referral.subject.serves(referral.audience):
        return None
    return db.session.scalar(
        select(Slot)
        .join(Desk, Desk.id == Slot.desk_id)
        .join(desk_subjects, desk_subjects.c.desk_id == Desk.id)
        .where(Slot.id == slot_id, *offer_conditions(referral.subject, window, now))
    )


def _free_seat(slot: Slot) -> int | None:
    taken = set(
        db.session.scalars(
            select(Booking.seat).where(
                Booking.slot_id == slot.id, Booking.status.in_(ACTIVE_STATUSES)
            )
        )
    )
    return next((seat for seat in range(1, slot.capacity + 1) if seat not in taken), None)


def take_seat(slot: Slot, write: Callable[[int], None]) -> bool:
    """Run ``write(seat)`` until it succeeds (True) or no seat is left (False)."""
    for _attempt in range(slot.capacity + 1):
        seat = _free_seat(slot)
        if seat is None:
            return False
        try:
            with db.session.begin_nested():
                write(seat)
            return True
        except IntegrityError:
            continue  # somebody took that seat between our read and our write
    return False


def take_first_seat(
    referral: Referral,
    candidate_slot_ids: Sequence[int],
    now: datetime,
    window,
    write: Callable[[Slot, int], None],
) -> Slot | None:
    """Take a seat on the first candidate that has one; the slot taken, or None."""
    for slot_id in dict.fromkeys(candidate_slot_ids):  # in order, each once
        slot = bookable_slot(referral, slot_id, window, now)
        if slot is None:
            continue
        if take_seat(slot, lambda seat, slot=slot: write(slot, seat)):
            return slot
    return None
