"""The whole table of booking states × actions, walked: every action from every status
either applies with its effects or is refused with the error that tells the truth,
changing nothing. The expectations are written out here, apart from the code's table."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.booking import transitions
from portal.booking.models import Booking, BookingStatus, CancelReason, Outcome
from portal.booking.signals import booking_changed, seats_freed
from portal.extensions import db
from portal.meetings.models import MeetingStatus
from portal.outbox.models import MessageKind, MessageStatus, OutboxMessage
from tests.factories import create_desk, create_referral, create_slot, create_subject

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
WINDOW = (datetime(2026, 11, 26, tzinfo=UTC), datetime(2026, 12, 20, tzinfo=UTC))
STARTS = datetime(2026, 12, 2, 9, tzinfo=UTC)  # a week ahead: the reminder is due later

S = BookingStatus
A = transitions.Action

# action → (statuses it applies to, status after, messages sent to the person,
#           version raised, meeting afterwards, referral afterwards)
EXPECTED = {
    A.EXTEND: ({S.HELD}, S.HELD, [], False, None, "usable"),
    A.CONFIRM: ({S.HELD}, S.CONFIRMED, [MessageKind.CONFIRMATION], False, "pending", "usable"),
    A.LAPSE: ({S.HELD}, S.EXPIRED, [], False, None, "usable"),
    A.RESCHEDULE: (
        {S.CONFIRMED},
        S.CONFIRMED,
        [MessageKind.RESCHEDULED],
        True,
        "pending",
        "usable",
    ),
    A.CANCEL: ({S.CONFIRMED}, S.CANCELLED, [MessageKind.CANCELLED], True, "pending", "used up"),
    A.VOID: (
        {S.HELD, S.CONFIRMED},
        S.CANCELLED,
        [MessageKind.CANCELLED],
        True,
        "pending",
        "withdrawn",
    ),
    A.CLOSE: (
        {S.HELD, S.CONFIRMED},
        S.CANCELLED,
        [MessageKind.DESK_CLOSED],
        True,
        "pending",
        "usable",
    ),
    A.ATTENDED: ({S.CONFIRMED, S.NO_SHOW}, S.ATTENDED, [], False, None, "usable"),
    A.NO_SHOW: ({S.CONFIRMED, S.ATTENDED}, S.NO_SHOW, [], False, None, "usable"),
    A.REBOOKED_BY_PHONE: (
        {S.CONFIRMED, S.ATTENDED, S.NO_SHOW},
        S.CANCELLED,
        [],  # recorded after the session: nobody is told of a past session
        False,
        None,
        "used up",
    ),
}
REASONS = {
    A.CANCEL: CancelReason.PERSON,
    A.VOID: CancelReason.PHONE_LINE,
    A.CLOSE: CancelReason.CLOSURE,
    A.REBOOKED_BY_PHONE: CancelReason.REBOOKED_BY_PHONE,
}


def refusal_for(action, status):
    """The truthful error when ``action`` meets a booking in ``status``."""
    if status == S.CANCELLED:
        return transitions.CancelledMeanwhile
    if status == S.REPLACED:
        return transitions.ChangedMeanwhile
    if action in (A.CONFIRM, A.EXTEND) and status == S.CONFIRMED:
        return transitions.AlreadyConfirmed
    if action in (A.CONFIRM, A.EXTEND) and status == S.EXPIRED:
        return transitions.HoldRanOut
    return transitions.NotChangeable


def when(action, booking):
    if action in (A.ATTENDED, A.NO_SHOW, A.REBOOKED_BY_PHONE):
        return booking.slot.starts_at + timedelta(hours=1)  # the session is over
    if action is A.LAPSE:
        return NOW + timedelta(minutes=20)  # the hold (15 minutes) ran out
    return NOW


def booking_in(status, subject, desk):
    """A booking of a fresh referral, written directly in ``status`` (with its effects)."""
    referral = create_referral(subject, NOW)
    slot = create_slot(desk, STARTS + timedelta(minutes=30 * booking_in.count))
    booking_in.count += 1
    if status in (S.HELD, S.CONFIRMED, S.ATTENDED, S.NO_SHOW, S.CANCELLED):
        booking = transitions.hold(referral, [slot.id], NOW, 15, WINDOW)
        if status != S.HELD:
            transitions.confirm(booking, NOW)
            # The worker created the meeting and sent the confirmation.
            meeting = booking.meeting
            meeting.status, meeting.external_id, meeting.synced_sequence = "ready", "m-1", 0
            for message in messages_of(booking):
                if message.kind == MessageKind.CONFIRMATION:
                    message.status = MessageStatus.SENT
        if status in (S.ATTENDED, S.NO_SHOW):
            after = slot.starts_at + timedelta(hours=1)
            transitions.record_outcome(booking, Outcome(status.value), "", after)
        if status == S.CANCELLED:
            transitions.cancel(booking, NOW)
    else:  # expired or replaced: nothing but history
        booking = Booking(referral=referral, slot=slot, seat=1, status=status, created_at=NOW)
        db.session.add(booking)
    db.session.commit()
    return booking


booking_in.count = 0


def apply(action, booking, at):
    if action is A.EXTEND:
        return transitions.extend_hold(booking, at, 15)
    if action is A.CONFIRM:
        return transitions.confirm(booking, at)
    if action is A.LAPSE:
        return transitions.lapse_holds(at)
    if action is A.RESCHEDULE:
        other = create_slot(booking.slot.desk, booking.slot.starts_at + timedelta(days=1))
        return transitions.reschedule(booking, [other.id], at, WINDOW, booking.sequence)
    if action is A.CANCEL:
        return transitions.cancel(booking, at, booking.sequence)
    if action in (A.VOID, A.CLOSE):
        return transitions.release(booking, action, at)
    return transitions.record_outcome(booking, Outcome(action.value), "note", at)


def messages_of(booking):
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.booking_id == booking.id).order_by("id")
    ).all()


def snapshot(booking):
    db.session.expire_all()
    return (
        booking.status,
        booking.sequence,
        booking.cancelled_reason,
        [(m.kind, m.status) for m in messages_of(booking)],
        booking.meeting.status if booking.meeting else None,
        booking.referral.cancelled_at,
        booking.referral.voided_at,
    )


def active_seats(slot_id):
    return db.session.scalar(
        select(func.count()).where(
            Booking.slot_id == slot_id, Booking.status.in_([S.HELD, S.CONFIRMED])
        )
    )


@pytest.fixture
def place(app):
    subject = create_subject()
    desk = create_desk(subjects=[subject])
    db.session.commit()
    return subject, desk


@pytest.mark.parametrize("action", list(EXPECTED))
def test_every_status_meets_every_action(app, place, action):
    sources = EXPECTED[action][0]
    for status in S:
        booking = booking_in(status, *place)
        before = snapshot(booking)
        old = (booking.slot_id, booking.sequence, status in (S.HELD, S.CONFIRMED))
        existing = {m.id for m in messages_of(booking)}
        at = when(action, booking)
        changes, freed = [], []
        with (
            booking_changed.connected_to(lambda _app, c=changes, **kw: c.append(kw["action"])),
            seats_freed.connected_to(lambda _app, f=freed, **kw: f.extend(kw["slot_ids"])),
        ):
            if status in sources:
                apply(action, booking, at)
                db.session.commit()
            elif action is A.LAPSE:  # only holds lapse: nothing else is touched
                apply(action, booking, at)
            elif action.value == status.value:  # the same outcome again: only a new note
                assert apply(action, booking, at).outcome_note == "note"
            else:
                with pytest.raises(refusal_for(action, status)):
                    apply(action, booking, at)
        if status not in sources:
            db.session.rollback()
            assert snapshot(booking) == before, f"{action} on {status} changed something"
            assert (changes, freed) == ([], []), "no signal for a refused change"
            continue
        assert changes == [action], f"{action} on {status}"
        check_applied(action, status, booking, at, old, existing, freed)


def check_applied(action, status, booking, at, old, existing, freed):
    _sources, target, told, new_version, meeting, referral_after = EXPECTED[action]
    old_slot, old_sequence, was_active = old
    label = f"{action} on {status}"
    db.session.expire_all()
    assert booking.status == target, label
    if action in REASONS:
        assert (booking.cancelled_reason, booking.cancelled_at) == (REASONS[action], at), label
    announced = told if status == S.CONFIRMED or action is A.CONFIRM else []
    new = [m for m in messages_of(booking) if m.id not in existing]
    assert [m.kind for m in new if m.kind != MessageKind.REMINDER] == announced, label
    assert booking.sequence == old_sequence + (new_version and status == S.CONFIRMED), label
    assert all(m.booking_sequence == booking.sequence for m in new), label
    reminders = [m for m in messages_of(booking) if m.kind == "reminder" and m.status == "pending"]
    if target == S.CONFIRMED:  # one reminder, a day before the (new) time
        assert [m.due_at for m in reminders] == [booking.slot.starts_at - timedelta(hours=24)]
    else:
        assert reminders == [], label
    if meeting and (status == S.CONFIRMED or action is A.CONFIRM):
        assert booking.meeting.status == MeetingStatus.PENDING, label
    if target == S.CANCELLED or action is A.LAPSE:
        assert was_active == (old_slot in freed), label
        assert active_seats(old_slot) == 0, label
    if action is A.RESCHEDULE:
        assert booking.slot_id != old_slot and freed == [old_slot], label
        assert active_seats(old_slot) == 0 and active_seats(booking.slot_id) == 1, label
    referral = booking.referral
    if referral_after == "used up":
        assert referral.cancelled_at is not None, label
    elif referral_after == "withdrawn":
        assert referral.voided_at is not None, label
    else:
        assert referral.cancelled_at is None and referral.voided_at is None, label


def test_the_table_covers_every_action_and_status():
    assert set(EXPECTED) | {A.HOLD, A.REPLACE} == set(transitions.Action)
    for action, (sources, target, *_rest) in EXPECTED.items():
        rule = transitions.TABLE[action]
        assert (set(rule.sources), rule.target) == (sources, target), action
