"""Every change of a booking, in one place: the table of states × actions, and the
functions that apply it for the person, the phone line, the desk and closures.

Each function locks what it changes — the referral's row, then the booking's,
always in that order (``SELECT … FOR UPDATE``; SQLite's request transactions
already hold the write lock) — and reads them afresh, so of two racing requests
the second sees what the first did and is refused with a typed error
(``portal.booking.errors``) that its view turns into the truth: "already
confirmed", "cancelled meanwhile", "your reservation ran out"…

A change's effects follow from ``TABLE``: the seat, the invite's SEQUENCE, the
Teams meeting, the e-mail, the reminder and the referral. They are written in
the same transaction; the outbox worker does the slow parts after the commit.
After every applied change ``signals.booking_changed`` is sent, and
``signals.seats_freed`` when seats were freed. Functions flush; the caller
(the request boundary, a command) commits.
"""

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from portal import notifications
from portal.booking import seats, signals
from portal.booking.errors import (  # noqa: F401 — callers catch them from here
    AlreadyConfirmed,
    BookingError,
    CancelledMeanwhile,
    ChangedMeanwhile,
    HoldRanOut,
    NotChangeable,
    TimeGone,
)
from portal.booking.models import Booking, BookingStatus, CancelReason, Outcome
from portal.extensions import db
from portal.outbox.models import MessageKind
from portal.referrals.models import Referral, ReferralState

HELD, CONFIRMED = BookingStatus.HELD, BookingStatus.CONFIRMED
CANCELLED, EXPIRED = BookingStatus.CANCELLED, BookingStatus.EXPIRED
REPLACED = BookingStatus.REPLACED
ATTENDED, NO_SHOW = BookingStatus.ATTENDED, BookingStatus.NO_SHOW


class Action(enum.StrEnum):
    HOLD = "hold"  # the person chose a time
    EXTEND = "extend"  # …and asked for more time
    CONFIRM = "confirm"
    LAPSE = "lapse"  # the hold ran out
    REPLACE = "replace"  # the person held another time instead
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"  # by the person
    VOID = "void"  # the phone line withdrew the code
    CLOSE = "close"  # the desk closed that day
    ATTENDED = "attended"  # outcomes the desk records
    NO_SHOW = "no_show"
    REBOOKED_BY_PHONE = "rebooked_by_phone"


@dataclass(frozen=True)
class Rule:
    """What an action does. ``sources`` are the statuses it applies to."""

    sources: tuple[BookingStatus, ...]
    target: BookingStatus
    seat: str  # "takes", "keeps", "moves" or "frees"
    new_version: bool = False  # SEQUENCE + 1: the person's calendar entry changes
    meeting: str | None = None  # "create", "update" or "delete"
    message: MessageKind | None = None  # what the person is sent
    reminder: str | None = None  # "schedule" or "drop"
    referral: str | None = None  # "used up", "withdrawn" or "stays usable"
    reason: CancelReason | None = None


# Messages and version changes concern a person holding a *confirmed* booking
# whose session is still ahead; a hold was never announced, so releasing it
# tells nobody. docs/journey.md's table "A booking's life" is this one.
TABLE: dict[Action, Rule] = {
    Action.HOLD: Rule((), HELD, "takes"),
    Action.EXTEND: Rule((HELD,), HELD, "keeps"),
    Action.CONFIRM: Rule(
        (HELD,), CONFIRMED, "keeps", False, "create", MessageKind.CONFIRMATION, "schedule"
    ),
    Action.LAPSE: Rule((HELD,), EXPIRED, "frees"),
    Action.REPLACE: Rule((HELD,), REPLACED, "frees"),
    Action.RESCHEDULE: Rule(
        (CONFIRMED,), CONFIRMED, "moves", True, "update", MessageKind.RESCHEDULED, "schedule"
    ),
    Action.CANCEL: Rule(
        (CONFIRMED,),
        CANCELLED,
        "frees",
        True,
        "delete",
        MessageKind.CANCELLED,
        "drop",
        "used up",
        CancelReason.PERSON,
    ),
    Action.VOID: Rule(
        (HELD, CONFIRMED),
        CANCELLED,
        "frees",
        True,
        "delete",
        MessageKind.CANCELLED,
        "drop",
        "withdrawn",
        CancelReason.PHONE_LINE,
    ),
    Action.CLOSE: Rule(
        (HELD, CONFIRMED),
        CANCELLED,
        "frees",
        True,
        "delete",
        MessageKind.DESK_CLOSED,
        "drop",
        "stays usable",
        CancelReason.CLOSURE,
    ),
    Action.ATTENDED: Rule((CONFIRMED, NO_SHOW), ATTENDED, "keeps", reminder="drop"),
    Action.NO_SHOW: Rule((CONFIRMED, ATTENDED), NO_SHOW, "keeps", reminder="drop"),
    Action.REBOOKED_BY_PHONE: Rule(
        (CONFIRMED, ATTENDED, NO_SHOW),
        CANCELLED,
        "frees",
        True,
        "delete",
        MessageKind.CANCELLED,
        "drop",
        "used up",
        CancelReason.REBOOKED_BY_PHONE,
    ),
}


# Locking ---------------------------------------------------------------------


def _lock_referral(referral_id: int) -> Referral:
    referral = db.session.scalars(
        select(Referral)
        .where(Referral.id == referral_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    db.session.expire(referral, ["bookings"])
    return referral


def _lock(booking: Booking) -> Booking:
    """The booking as committed now, locked (its referral first); ChangedMeanwhile if gone."""
    _lock_referral(booking.referral_id)
    fresh = db.session.scalars(
        select(Booking)
        .where(Booking.id == booking.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if fresh is None:
        raise ChangedMeanwhile()
    return fresh


def _check(booking: Booking, action: Action) -> None:
    """Refuse, with the error that tells the truth, an action its status does not allow."""
    status = booking.status
    if status in TABLE[action].sources:
        return
    if status == REPLACED:
        raise ChangedMeanwhile()
    if status == CANCELLED:
        raise CancelledMeanwhile()
    if status == CONFIRMED and action in (Action.CONFIRM, Action.EXTEND):
        raise AlreadyConfirmed()
    if status == EXPIRED and action in (Action.CONFIRM, Action.EXTEND):
        raise HoldRanOut()
    raise NotChangeable()


def _check_version(booking: Booking, expected_sequence: int | None) -> None:
    if expected_sequence is not None and booking.sequence != expected_sequence:
        raise ChangedMeanwhile()


# Applying the table ------------------------------------------------------------


def _apply(booking: Booking, action: Action, now: datetime, freed=(), quiet=False) -> list[int]:
    """Set the new status and write the table's effects; then send the signals.

    Returns the slots whose seats were freed. ``quiet``: the caller sends the
    signals itself (once the rest of its change has succeeded).
    """
    rule = TABLE[action]
    # Only a person holding (or now getting) a confirmed booking whose session is
    # still ahead is told of a change; a hold was never announced.
    tell = CONFIRMED in (booking.status, rule.target) and booking.slot.starts_at > now
    if booking.status in (HELD, CONFIRMED) and rule.seat == "frees":
        freed = [*freed, booking.slot_id]
    booking.status = rule.target
    if rule.target == CANCELLED:
        booking.cancelled_at, booking.cancelled_reason = now, rule.reason
    if rule.new_version and tell:
        booking.sequence += 1
    db.session.flush()
    _effects(booking, rule, tell, now)
    _referral_effect(booking.referral, rule, now)
    db.session.flush()
    if not quiet:
        _signal(action, booking, now, freed)
    return list(freed)


def _effects(booking: Booking, rule: Rule, tell: bool, now: datetime) -> None:
    if rule.meeting is not None and (rule.meeting != "delete" or booking.meeting is not None):
        notifications.plan_meeting(booking, now)
    if rule.message is not None and tell:
        notifications.announce(booking, rule.message, now)
    if rule.reminder == "schedule":
        notifications.schedule_reminder(booking, now)
    elif rule.reminder == "drop":
        notifications.withdraw_reminder(booking)


def _referral_effect(referral: Referral, rule: Rule, now: datetime) -> None:
    if rule.referral == "used up":
        referral.cancelled_at = referral.cancelled_at or now
    elif rule.referral == "withdrawn":
        referral.voided_at = referral.voided_at or now


def _signal(action: Action, booking: Booking, now: datetime, freed: Sequence[int]) -> None:
    app = current_app._get_current_object()
    if freed:
        signals.seats_freed.send(app, slot_ids=sorted(set(freed)), now=now)
    signals.booking_changed.send(app, action=action, booking=booking, now=now)


# The person's journey ----------------------------------------------------------


def hold(
    referral: Referral, candidate_slot_ids: Sequence[int], now: datetime, hold_minutes: int, window
) -> Booking:
    """Take a seat on the first candidate slot that still has one, atomically.

    Candidates are tried in order (the next when a seat is gone); the referral's
    previous hold is replaced all or nothing: if no candidate has a seat, the
    hold the person had stays theirs and TimeGone is raised.
    """
    referral = _lock_referral(referral.id)
    _check_usable(referral, now)
    previous = referral.active_booking
    if previous is not None and previous.status != HELD:
        raise AlreadyConfirmed()
    lapse_holds(now, slot_ids=candidate_slot_ids)
    replaced: list[int] = []
    with db.session.begin_nested():
        if previous is not None and previous.status == HELD:
            replaced = _apply(previous, Action.REPLACE, now, quiet=True)
        booking = Booking(
            referral_id=referral.id,
            status=HELD,
            held_until=now + timedelta(minutes=hold_minutes),
            created_at=now,
            sequence=0,
        )

        def write(slot, seat):
            booking.slot_id, booking.seat = slot.id, seat
            db.session.add(booking)
            db.session.flush()

        if seats.take_first_seat(referral, candidate_slot_ids, now, window, write) is None:
            raise TimeGone()
    db.session.expire(referral, ["bookings"])
    if replaced:
        _signal(Action.REPLACE, previous, now, replaced)
    _signal(Action.HOLD, booking, now, ())
    return booking


def _check_usable(referral: Referral, now: datetime) -> None:
    """A code books once: not after it was used up, withdrawn or ran out."""
    if referral.state(now) is not ReferralState.ACTIVE:
        raise NotChangeable()
    if any(b.status in (ATTENDED, NO_SHOW) for b in referral.bookings):
        raise NotChangeable()


def extend_hold(booking: Booking, now: datetime, hold_minutes: int) -> None:
    booking = _lock(booking)
    _check(booking, Action.EXTEND)
    if booking.hold_lapsed(now):
        _apply(booking, Action.LAPSE, now)
        raise HoldRanOut()
    booking.held_until = now + timedelta(minutes=hold_minutes)
    db.session.flush()
    _signal(Action.EXTEND, booking, now, ())


def confirm(booking: Booking, now: datetime) -> Booking:
    """Make a held seat the person's own; the meeting and e-mail follow from the outbox.

    A hold that ran out is released (and stays so: the caller commits) and
    HoldRanOut is raised; a second click gets AlreadyConfirmed.
    """
    booking = _lock(booking)
    _check(booking, Action.CONFIRM)
    if booking.hold_lapsed(now):
        _apply(booking, Action.LAPSE, now)
        raise HoldRanOut()
    booking.held_until = None
    booking.confirmed_at = now
    _apply(booking, Action.CONFIRM, now)
    return booking


def reschedule(
    booking: Booking,
    candidate_slot_ids: Sequence[int],
    now: datetime,
    window,
    expected_sequence: int | None,
) -> Booking:
    """Move a confirmed booking to the first candidate with a free seat.

    The booking row itself moves, so the old seat is released by the statement
    that takes the new one: if no candidate has a seat, nothing changes
    (TimeGone). ``expected_sequence`` is the version the person saw: if the
    booking changed since, ChangedMeanwhile.
    """
    booking = _lock(booking)
    _check(booking, Action.RESCHEDULE)
    _check_version(booking, expected_sequence)
    if booking.slot.starts_at <= now:
        raise NotChangeable()
    old_slot_id = booking.slot_id
    candidates = [slot_id for slot_id in candidate_slot_ids if slot_id != old_slot_id]
    lapse_holds(now, slot_ids=candidates)

    def write(slot, seat):
        db.session.execute(
            update(Booking)
            .where(Booking.id == booking.id, Booking.status == CONFIRMED)
            .values(slot_id=slot.id, seat=seat)
        )

    if seats.take_first_seat(booking.referral, candidates, now, window, write) is None:
        raise TimeGone()
    db.session.refresh(booking)
    _apply(booking, Action.RESCHEDULE, now, freed=[old_slot_id])
    return booking


def cancel(booking: Booking, now: datetime, expected_sequence: int | None = None) -> Booking:
    """The person cancels their confirmed booking before it starts; the code is used up."""
    booking = _lock(booking)
    _check(booking, Action.CANCEL)
    _check_version(booking, expected_sequence)
    if booking.slot.starts_at <= now:
        raise NotChangeable()
    _apply(booking, Action.CANCEL, now)
    return booking


# The phone line, closures, the desk ------------------------------------------------


def release(booking: Booking, action: Action, now: datetime, extend_code_days: int = 0):
    """Release a held or confirmed booking for the phone line (VOID) or a closure (CLOSE).

    A closure keeps the code usable for at least ``extend_code_days`` more days,
    so the person can choose another time.
    """
    if action not in (Action.VOID, Action.CLOSE):
        raise ValueError(action)
    booking = _lock(booking)
    _check(booking, action)
    _apply(booking, action, now)
    if extend_code_days:
        referral = booking.referral
        referral.expires_at = max(referral.expires_at, now + timedelta(days=extend_code_days))
        db.session.flush()
    return booking


OUTCOME_ACTIONS = {
    Outcome.ATTENDED: Action.ATTENDED,
    Outcome.NO_SHOW: Action.NO_SHOW,
    Outcome.REBOOKED_BY_PHONE: Action.REBOOKED_BY_PHONE,
}


def record_outcome(booking: Booking, outcome, note: str, now: datetime, by_id=None) -> Booking:
    """Record what happened to a confirmed booking (or correct an earlier record).

    Attended and no-show only once the session time has come; "rebooked by
    phone" any time: the person arranged another session through the phone
    line, so this code is used up, its seat released and its meeting deleted.
    A booking cancelled as rebooked cannot become attended again: its seat may
    be someone else's by now.
    """
    outcome = Outcome(outcome)
    action = OUTCOME_ACTIONS[outcome]
    booking = _lock(booking)
    if booking.outcome == outcome and booking.status == TABLE[action].target:
        pass  # the same outcome again: only the note changes
    elif booking.outcome == Outcome.REBOOKED_BY_PHONE:
        raise NotChangeable()
    else:
        _check(booking, action)
        if action is not Action.REBOOKED_BY_PHONE and booking.slot.starts_at > now:
            raise NotChangeable()  # not yet time
        _apply(booking, action, now)
    booking.outcome = outcome
    booking.outcome_note = note.strip()
    booking.outcome_at = now
    booking.outcome_by_id = by_id
    db.session.flush()
    return booking


# Housekeeping ----------------------------------------------------------------------


def lapse_holds(now: datetime, slot_ids: Sequence[int] | None = None) -> list[int]:
    """Release seats whose hold ran out (in ``slot_ids`` only, if given).

    Returns the ids of the slots freed. A hold that a transition is changing at
    this moment (a confirm that arrived just too late) is waited for, then left
    alone if that transition released or confirmed it: so a person holding the
    seat next is never told it is gone while it is being freed. Rows are locked
    in id order, as every bulk change of bookings does.
    """
    query = (
        select(Booking)
        .where(Booking.status == HELD, Booking.held_until <= now)
        .order_by(Booking.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if slot_ids is not None:
        if not slot_ids:
            return []
        query = query.where(Booking.slot_id.in_(list(slot_ids)))
    freed = []
    for booking in db.session.scalars(query).all():
        freed += _apply(booking, Action.LAPSE, now)
    return freed
