"""The waiting list: joining, leaving, and telling waiting people of freed seats.

A person joins when no time suits them (``ANY_TIME``) or, holding a confirmed
booking, to hear of an earlier time (``EARLIER``). When seats are freed
(``portal.booking.signals.seats_freed``), each seat not already announced to
someone still waiting is offered, by e-mail, to the person who has waited
longest whose wish it meets. The seat is not held for them: first come, first
served. At most one offer per person per Lisbon day (a unique constraint).

Entries end when the person leaves, books (a hold ends an ``ANY_TIME`` entry;
moving to an earlier time ends an ``EARLIER`` one) or their code can no longer
be used (checked on each change of their booking and again when matching).
"""

from collections.abc import Sequence
from datetime import date, datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.booking import signals
from portal.booking.models import Booking, BookingStatus
from portal.booking.seats import bookable_slot
from portal.extensions import db
from portal.outbox.queue import enqueue_for_referral
from portal.referrals.models import Referral, ReferralState
from portal.scheduling.calendar import lisbon_today, to_lisbon
from portal.scheduling.models import Slot
from portal.scheduling.offers import offer_window
from portal.waiting_list.models import EndReason, WaitingListEntry, WaitingListOffer, Wish

OFFER_KIND = "waiting_list_offer"
LEAVE_SALT = "waiting-list-leave"
# A leave link outlives any code (codes are valid for days, not months).
LEAVE_LINK_MAX_AGE = 120 * 24 * 3600


class InvalidWish(ValueError):
    """reason: "past", "too_soon", "after_expiry", "after_booking" or "not_now"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# The person's side ------------------------------------------------------------------


def open_entry(referral: Referral) -> WaitingListEntry | None:
    return db.session.scalar(
        select(WaitingListEntry).where(
            WaitingListEntry.referral_id == referral.id, WaitingListEntry.ended_at.is_(None)
        )
    )


def _confirmed_ahead(referral: Referral, now: datetime) -> Booking | None:
    booking = referral.active_booking
    if booking is not None and booking.status == BookingStatus.CONFIRMED:
        return booking if booking.slot.starts_at > now else None
    return None


def wish_for(referral: Referral, now: datetime) -> Wish | None:
    """What this person may wait for now: any time (nothing booked), an earlier time
    (a confirmed booking ahead), or nothing (holding a time, or the code is spent)."""
    if referral.is_pseudonymised or referral.state(now) is not ReferralState.ACTIVE:
        return None
    if _confirmed_ahead(referral, now) is not None:
        return Wish.EARLIER
    if referral.active_booking is None:
        return Wish.ANY_TIME
    return None


def check_before(referral: Referral, before: date | None, now: datetime) -> None:
    """Refuse a "before" date that can never be met (InvalidWish)."""
    if before is None:
        return
    if before <= lisbon_today(now):
        raise InvalidWish("past")
    if before <= to_lisbon(offer_window(now)[0]).date():
        raise InvalidWish("too_soon")
    booking = _confirmed_ahead(referral, now)
    if booking is not None:
        if before > to_lisbon(booking.slot.starts_at).date():
            raise InvalidWish("after_booking")
    elif before > to_lisbon(referral.expires_at).date():
        raise InvalidWish("after_expiry")


def join(referral: Referral, before: date | None, now: datetime) -> WaitingListEntry:
    """Put the person on the list; a second submission finds the first entry."""
    wish = wish_for(referral, now)
    if wish is None:
        raise InvalidWish("not_now")
    check_before(referral, before, now)
    existing = open_entry(referral)
    if existing is not None:
        return existing
    booking = _confirmed_ahead(referral, now)
    entry = WaitingListEntry(
        referral_id=referral.id,
        wish=wish,
        before=before,
        booked_starts_at=booking.slot.starts_at if booking is not None else None,
        created_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:
        # The same form sent twice at once: the unique index kept the other one.
        return open_entry(referral)
    return entry


def end(entry: WaitingListEntry, reason: EndReason, now: datetime) -> None:
    if entry.ended_at is None:
        entry.ended_at, entry.end_reason = now, reason
        db.session.flush()


def leave(entry: WaitingListEntry | None, now: datetime) -> None:
    if entry is not None:
        end(entry, EndReason.LEFT, now)


def leave_token(entry: WaitingListEntry) -> str:
    return serializer().dumps(entry.id)


def entry_from_token(token: str) -> WaitingListEntry | None:
    try:
        entry_id = serializer().loads(token, max_age=LEAVE_LINK_MAX_AGE)
    except BadSignature:
        return None
    return db.session.get(WaitingListEntry, entry_id) if isinstance(entry_id, int) else None


def serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=LEAVE_SALT)


# Following booking changes -----------------------------------------------------------


@signals.booking_changed.connect
def _follow_booking(sender, action=None, booking=None, now=None, **extra) -> None:
    from portal.booking.transitions import Action

    entry = open_entry(booking.referral)
    if entry is None:
        return
    if action in (Action.HOLD, Action.CONFIRM) and entry.wish == Wish.ANY_TIME:
        end(entry, EndReason.BOOKED, now)
    elif action == Action.RESCHEDULE and entry.wish == Wish.EARLIER:
        if entry.booked_starts_at is None or booking.slot.starts_at < entry.booked_starts_at:
            end(entry, EndReason.BOOKED, now)
    elif action == Action.CLOSE and entry.wish == Wish.EARLIER:
        # The desk closed: the code books again, so the person now waits for any time.
        entry.wish, entry.booked_starts_at = Wish.ANY_TIME, None
        db.session.flush()
    elif action in (Action.CANCEL, Action.VOID, Action.REBOOKED_BY_PHONE):
        end(entry, EndReason.CODE_ENDED, now)


@signals.seats_freed.connect
def _offer_freed_seats(sender, slot_ids=(), now=None, **extra) -> None:
    offer_seats(slot_ids, now)


# Offering seats ----------------------------------------------------------------------


def free_seats(slot: Slot, now: datetime) -> int:
    taken = db.session.scalar(
        select(func.count())
        .select_from(Booking)
        .where(Booking.slot_id == slot.id, Booking.takes_a_seat(now))
    )
    return max(slot.capacity - taken, 0)


def _announced(slot: Slot) -> int:
    """Offers of this slot to people still waiting (they may still come for it)."""
    return db.session.scalar(
        select(func.count())
        .select_from(WaitingListOffer)
        .join(WaitingListEntry, WaitingListEntry.id == WaitingListOffer.entry_id)
        .where(WaitingListOffer.slot_id == slot.id, WaitingListEntry.ended_at.is_(None))
    )


def offer_seats(slot_ids: Sequence[int], now: datetime) -> list[WaitingListOffer]:
    """For each freed seat not yet announced, e-mail the longest waiter it suits."""
    if not slot_ids:
        return []
    has_waiting = db.session.scalar(
        select(WaitingListEntry.id).where(WaitingListEntry.ended_at.is_(None)).limit(1)
    )
    if has_waiting is None:
        return []  # the common case: nobody waits, nothing to read
    window = offer_window(now)
    slots = db.session.scalars(
        select(Slot).where(Slot.id.in_(list(slot_ids))).order_by(Slot.starts_at, Slot.id)
    ).all()
    offers = []
    for slot in slots:
        if not window[0] <= slot.starts_at < window[1] or slot.starts_at <= now:
            continue
        if _closed(slot):
            continue  # a closure releases its day's seats, but nobody can book them
        for _seat in range(free_seats(slot, now) - _announced(slot)):
            offer = _offer_one(slot, window, now)
            if offer is None:
                break
            offers.append(offer)
    return offers


def _closed(slot: Slot) -> bool:
    day = to_lisbon(slot.starts_at).date()
    return any(closure.covers(day) for closure in slot.desk.closures)


def _waiting_for(slot: Slot):
    """Open entries of people whose subject the slot's desk serves, longest waiting first."""
    from portal.scheduling.models import desk_subjects

    served = select(desk_subjects.c.subject_id).where(desk_subjects.c.desk_id == slot.desk_id)
    return db.session.scalars(
        select(WaitingListEntry)
        .join(Referral, Referral.id == WaitingListEntry.referral_id)
        .where(WaitingListEntry.ended_at.is_(None), Referral.subject_id.in_(served))
        .order_by(WaitingListEntry.created_at, WaitingListEntry.id)
    ).all()


def suits(entry: WaitingListEntry, slot: Slot, window, now: datetime) -> bool:
    """Whether the seat meets the person's wish (ending the entry if their code is spent)."""
    referral = entry.referral
    if referral.is_pseudonymised or referral.state(now) is not ReferralState.ACTIVE:
        end(entry, EndReason.CODE_ENDED, now)
        return False
    if entry.before is not None and to_lisbon(slot.starts_at).date() >= entry.before:
        return False
    booking = referral.active_booking
    if entry.wish == Wish.ANY_TIME and booking is not None:
        return False
    if entry.wish == Wish.EARLIER:
        if booking is None or booking.status != BookingStatus.CONFIRMED:
            return False
        if slot.starts_at >= booking.slot.starts_at:
            return False
    return bookable_slot(referral, slot.id, window, now) is not None


def _offered_today(entry: WaitingListEntry, today: date) -> bool:
    return (
        db.session.scalar(
            select(WaitingListOffer.id).where(
                WaitingListOffer.referral_id == entry.referral_id,
                WaitingListOffer.offered_on == today,
            )
        )
        is not None
    )


def _offer_one(slot: Slot, window, now: datetime) -> WaitingListOffer | None:
    today = lisbon_today(now)
    for entry in _waiting_for(slot):
        if _offered_today(entry, today) or not suits(entry, slot, window, now):
            continue
        try:
            with db.session.begin_nested():
                offer = WaitingListOffer(
                    entry_id=entry.id,
                    referral_id=entry.referral_id,
                    slot_id=slot.id,
                    offered_at=now,
                    offered_on=today,
                )
                db.session.add(offer)
                db.session.flush()
                message = enqueue_for_referral(entry.referral, OFFER_KIND, now)
                offer.message_id = message.id
                db.session.flush()
        except IntegrityError:
            continue  # another change offered this person a seat today, just now
        return offer
    return None
