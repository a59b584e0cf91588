import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.booking import transitions
from portal.booking.models import Booking, BookingStatus
from portal.booking.signals import seats_freed
from portal.extensions import db
from portal.outbox.models import MessageKind, OutboxMessage
from portal.outbox.queue import enqueue
from portal.referrals.models import Referral, ReferralState
from tests.factories import create_desk, create_referral, create_slot, create_subject

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
WINDOW = (datetime(2026, 11, 26, tzinfo=UTC), datetime(2026, 12, 20, tzinfo=UTC))
MONDAY_9 = datetime(2026, 11, 30, 9, tzinfo=UTC)


class Receiver:
    def __init__(self):
        self.calls = []

    def __call__(self, _sender, **kwargs):
        self.calls.append(kwargs)


@pytest.fixture
def world(app):
    subject = create_subject()
    desk = create_desk(subjects=[subject])
    slots = [create_slot(desk, MONDAY_9 + timedelta(minutes=30 * i)) for i in range(3)]
    referral = create_referral(subject, NOW)
    db.session.commit()
    return subject, desk, slots, referral


def active_in(slot):
    return db.session.scalar(
        select(func.count()).where(
            Booking.slot_id == slot.id, Booking.status.in_(["held", "confirmed"])
        )
    )


def test_hold_then_confirm(world):
    _, _, slots, referral = world
    booking = transitions.hold(referral, [slots[0].id], NOW, 15, WINDOW)
    assert booking.status == BookingStatus.HELD
    assert booking.held_until == NOW + timedelta(minutes=15)
    transitions.confirm(booking, NOW + timedelta(minutes=5))
    db.session.commit()
    assert booking.status == BookingStatus.CONFIRMED and booking.held_until is None
    assert (
        referral.state(NOW + timedelta(days=30)) is ReferralState.ACTIVE
    )  # booked codes stay usable


def test_a_full_slot_cannot_be_held(world):
    subject, _, slots, referral = world
    transitions.hold(referral, [slots[0].id], NOW, 15, WINDOW)
    other = create_referral(subject, NOW)
    with pytest.raises(transitions.TimeGone):
        transitions.hold(other, [slots[0].id], NOW, 15, WINDOW)


def test_a_lapsed_hold_frees_the_seat_and_cannot_be_confirmed(world):
    subject, _, slots, referral = world
    booking = transitions.hold(referral, [slots[0].id], NOW, 15, WINDOW)
    db.session.commit()
    later = NOW + timedelta(minutes=16)
    with pytest.raises(transitions.HoldRanOut):
        transitions.confirm(booking, later)
    assert booking.status == BookingStatus.EXPIRED
    other = create_referral(subject, NOW)
    assert transitions.hold(other, [slots[0].id], later, 15, WINDOW).seat == 1


def test_holding_another_slot_replaces_the_hold(world):
    _, _, slots, referral = world
    first = transitions.hold(referral, [slots[0].id], NOW, 15, WINDOW)
    with seats_freed.connected_to(receiver := Receiver()):
        transitions.hold(referral, [slots[1].id], NOW, 15, WINDOW)
    db.session.commit()
    assert active_in(slots[0]) == 0 and active_in(slots[1]) == 1
    assert first.status == BookingStatus.REPLACED
    assert receiver.calls == [{"slot_ids": [slots[0].id], "now": NOW}]
    with pytest.raises(transitions.ChangedMeanwhile):  # confirming from the first window
        transitions.confirm(first, NOW)


def test_the_next_candidate_is_taken_when_the_first_is_full(world):
    subject, _, slots, referral = world
    transitions.hold(create_referral(subject, NOW), [slots[0].id], NOW, 15, WINDOW)
    booking = transitions.hold(referral, [slots[0].id, slots[1].id], NOW, 15, WINDOW)
    assert booking.slot_id == slots[1].id


def test_when_no_candidate_has_a_seat_the_previous_hold_stays(world):
    subject, _, slots, referral = world
    mine = transitions.hold(referral, [slots[2].id], NOW, 15, WINDOW)
    for slot in slots[:2]:
        transitions.hold(create_referral(subject, NOW), [slot.id], NOW, 15, WINDOW)
    db.session.commit()
    with pytest.raises(transitions.TimeGone):
        transitions.hold(referral, [slots[0].id, slots[1].id], NOW, 15, WINDOW)
    db.session.commit()
    db.session.expire_all()
    assert mine.status == BookingStatus.HELD and active_in(slots[2]) == 1


def test_a_second_confirm_is_told_it_is_already_confirmed_and_sends_nothing_more(world):
    _, _, slots, referral = world
    booking = transitions.hold(referral, [slots[0].id], NOW, 15, WINDOW)
    transitions.confirm(booking, NOW)
    db.session.commit()
    with pytest.raises(transitions.AlreadyConfirmed):
        transitions.confirm(booking, NOW)
    kinds = db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    assert kinds == [MessageKind.CONFIRMATION, MessageKind.REMINDER]


def test_a_hold_released_by_expire_holds_ran_out(world):
    subject, _, slots, referral = world
    booking = transitions.hold(referral, [slots[0].id], NOW, 15, WINDOW)
    db.session.commit()
    later = NOW + timedelta(minutes=20)
    assert transitions.lapse_holds(later) == [slots[0].id]
    other = transitions.hold(create_referral(subject, NOW), [slots[0].id], later, 15, WINDOW)
    db.session.commit()
    with pytest.raises(transitions.HoldRanOut):
        transitions.confirm(booking, later)
    assert other.status == BookingStatus.HELD, "the seat is the other person's"


def test_a_stale_page_cannot_cancel_a_booking_moved_meanwhile(world):
    _, _, slots, referral = world
    booking = transitions.hold(referral, [slots[0].id], NOW, 15, WINDOW)
    transitions.confirm(booking, NOW)
    seen = booking.sequence
    transitions.reschedule(booking, [slots[1].id], NOW, WINDOW, seen)
    db.session.commit()
    with pytest.raises(transitions.ChangedMeanwhile):
        transitions.cancel(booking, NOW, seen)
    with pytest.raises(transitions.ChangedMeanwhile):
        transitions.reschedule(booking, [slots[2].id], NOW, WINDOW, seen)
    transitions.cancel(booking, NOW, booking.sequence)
    with pytest.raises(transitions.CancelledMeanwhile):
        transitions.reschedule(booking, [slots[2].id], NOW, WINDOW, None)


def test_a_used_up_code_cannot_hold_again(world):
    _, _, slots, referral = world
    booking = transitions.hold(referral, [slots[0].id], NOW, 15, WINDOW)
    transitions.confirm(booking, NOW)
    transitions.cancel(booking, NOW)
    with pytest.raises(transitions.NotChangeable):
        transitions.hold(referral, [slots[1].id], NOW, 15, WINDOW)


def test_the_database_keeps_one_pending_message_per_version_and_one_reminder(world):
    _, _, slots, referral = world
    booking = transitions.hold(referral, [slots[0].id], NOW, 15, WINDOW)
    transitions.confirm(booking, NOW)
    db.session.commit()
    for kind in (MessageKind.CONFIRMATION, MessageKind.CANCELLED, MessageKind.REMINDER):
        with pytest.raises(IntegrityError), db.session.begin_nested():
            enqueue(booking, kind, NOW)
    db.session.rollback()


@pytest.mark.parametrize("when", [MONDAY_9 - timedelta(days=30), MONDAY_9 + timedelta(days=60)])
def test_slots_outside_the_window_are_refused(world, when):
    _, desk, _, referral = world
    slot = create_slot(desk, when)
    with pytest.raises(transitions.TimeGone):
        transitions.hold(referral, [slot.id], NOW, 15, WINDOW)


def test_reschedule_moves_the_booking_and_frees_the_old_seat(world):
    _, _, slots, referral = world
    booking = transitions.hold(referral, [slots[0].id], NOW, 15, WINDOW)
    transitions.confirm(booking, NOW)
    transitions.reschedule(booking, [slots[2].id], NOW, WINDOW, None)
    db.session.commit()
    assert booking.slot_id == slots[2].id and booking.sequence == 1
    assert active_in(slots[0]) == 0 and active_in(slots[2]) == 1


def test_reschedule_to_a_full_slot_changes_nothing(world):
    subject, _, slots, referral = world
    booking = transitions.hold(referral, [slots[0].id], NOW, 15, WINDOW)
    transitions.confirm(booking, NOW)
    transitions.hold(create_referral(subject, NOW), [slots[1].id], NOW, 15, WINDOW)
    db.session.commit()
    with pytest.raises(transitions.TimeGone):
        transitions.reschedule(booking, [slots[1].id], NOW, WINDOW, None)
    db.session.rollback()
    assert booking.slot_id == slots[0].id and booking.status == BookingStatus.CONFIRMED


def test_cancel_frees_the_seat_and_uses_up_the_code(world):
    _, _, slots, referral = world
    booking = transitions.hold(referral, [slots[0].id], NOW, 15, WINDOW)
    transitions.confirm(booking, NOW)
    transitions.cancel(booking, NOW)
    db.session.commit()
    assert booking.status == BookingStatus.CANCELLED and active_in(slots[0]) == 0
    assert referral.state(NOW) is ReferralState.CANCELLED


def test_past_bookings_cannot_be_changed(world):
    _, _, slots, referral = world
    booking = transitions.hold(referral, [slots[0].id], NOW, 15, WINDOW)
    transitions.confirm(booking, NOW)
    with pytest.raises(transitions.NotChangeable):
        transitions.cancel(booking, MONDAY_9 + timedelta(minutes=1))


def test_the_database_itself_refuses_a_second_active_booking_of_a_seat(world):
    subject, _, slots, referral = world
    transitions.hold(referral, [slots[0].id], NOW, 15, WINDOW)
    db.session.commit()
    other = create_referral(subject, NOW)
    db.session.add(
        Booking(referral_id=other.id, slot_id=slots[0].id, seat=1, status=BookingStatus.CONFIRMED)
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_twenty_people_racing_for_the_last_seat_exactly_one_wins(app, world):
    subject, desk, _, _ = world
    slot = create_slot(desk, MONDAY_9 + timedelta(days=1), capacity=2)
    taken = create_referral(subject, NOW)
    transitions.hold(taken, [slot.id], NOW, 15, WINDOW)
    referral_ids = [create_referral(subject, NOW).id for _ in range(20)]
    slot_id = slot.id
    db.session.commit()  # and leave the main thread's session idle: threads only use ids

    barrier = threading.Barrier(20)
    outcomes = []

    def race(referral_id):
        with app.app_context():
            referral = db.session.get(Referral, referral_id)
            db.session.commit()  # end the read; nobody holds a connection at the start line
            barrier.wait()
            try:
                transitions.hold(referral, [slot_id], NOW, 15, WINDOW)
                db.session.commit()
                outcomes.append("won")
            except transitions.TimeGone:
                db.session.rollback()
                outcomes.append("lost")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=race, args=(rid,)) for rid in referral_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["lost"] * 19 + ["won"]
    db.session.expire_all()
    assert active_in(slot) == 2
