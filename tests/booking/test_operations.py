import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.booking import operations
from portal.booking.models import Booking, BookingStatus
from portal.extensions import db
from portal.referrals.models import Referral, ReferralState
from tests.factories import create_desk, create_referral, create_slot, create_subject

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
WINDOW = (datetime(2026, 11, 26, tzinfo=UTC), datetime(2026, 12, 20, tzinfo=UTC))
MONDAY_9 = datetime(2026, 11, 30, 9, tzinfo=UTC)


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
    booking = operations.hold(referral, slots[0].id, NOW, 15, WINDOW)
    assert booking.status == BookingStatus.HELD
    assert booking.held_until == NOW + timedelta(minutes=15)
    operations.confirm(booking, NOW + timedelta(minutes=5))
    db.session.commit()
    assert booking.status == BookingStatus.CONFIRMED and booking.held_until is None
    assert (
        referral.state(NOW + timedelta(days=30)) is ReferralState.ACTIVE
    )  # booked codes stay usable


def test_a_full_slot_cannot_be_held(world):
    subject, _, slots, referral = world
    operations.hold(referral, slots[0].id, NOW, 15, WINDOW)
    other = create_referral(subject, NOW)
    with pytest.raises(operations.SlotUnavailable):
        operations.hold(other, slots[0].id, NOW, 15, WINDOW)


def test_a_lapsed_hold_frees_the_seat_and_cannot_be_confirmed(world):
    subject, _, slots, referral = world
    booking = operations.hold(referral, slots[0].id, NOW, 15, WINDOW)
    db.session.commit()
    later = NOW + timedelta(minutes=16)
    with pytest.raises(operations.HoldExpired):
        operations.confirm(booking, later)
    assert booking.status == BookingStatus.EXPIRED
    other = create_referral(subject, NOW)
    assert operations.hold(other, slots[0].id, later, 15, WINDOW).seat == 1


def test_holding_another_slot_replaces_the_hold(world):
    _, _, slots, referral = world
    operations.hold(referral, slots[0].id, NOW, 15, WINDOW)
    operations.hold(referral, slots[1].id, NOW, 15, WINDOW)
    db.session.commit()
    assert active_in(slots[0]) == 0 and active_in(slots[1]) == 1


@pytest.mark.parametrize("when", [MONDAY_9 - timedelta(days=30), MONDAY_9 + timedelta(days=60)])
def test_slots_outside_the_window_are_refused(world, when):
    _, desk, _, referral = world
    slot = create_slot(desk, when)
    with pytest.raises(operations.SlotUnavailable):
        operations.hold(referral, slot.id, NOW, 15, WINDOW)


def test_reschedule_moves_the_booking_and_frees_the_old_seat(world):
    _, _, slots, referral = world
    booking = operations.hold(referral, slots[0].id, NOW, 15, WINDOW)
    operations.confirm(booking, NOW)
    operations.reschedule(booking, slots[2].id, NOW, WINDOW)
    db.session.commit()
    assert booking.slot_id == slots[2].id and booking.sequence == 1
    assert active_in(slots[0]) == 0 and active_in(slots[2]) == 1


def test_reschedule_to_a_full_slot_changes_nothing(world):
    subject, _, slots, referral = world
    booking = operations.hold(referral, slots[0].id, NOW, 15, WINDOW)
    operations.confirm(booking, NOW)
    operations.hold(create_referral(subject, NOW), slots[1].id, NOW, 15, WINDOW)
    db.session.commit()
    with pytest.raises(operations.SlotUnavailable):
        operations.reschedule(booking, slots[1].id, NOW, WINDOW)
    db.session.rollback()
    assert booking.slot_id == slots[0].id and booking.status == BookingStatus.CONFIRMED


def test_cancel_frees_the_seat_and_uses_up_the_code(world):
    _, _, slots, referral = world
    booking = operations.hold(referral, slots[0].id, NOW, 15, WINDOW)
    operations.confirm(booking, NOW)
    operations.cancel(booking, NOW)
    db.session.commit()
    assert booking.status == BookingStatus.CANCELLED and active_in(slots[0]) == 0
    assert referral.state(NOW) is ReferralState.CANCELLED


def test_past_bookings_cannot_be_changed(world):
    _, _, slots, referral = world
    booking = operations.hold(referral, slots[0].id, NOW, 15, WINDOW)
    operations.confirm(booking, NOW)
    with pytest.raises(operations.NotChangeable):
        operations.cancel(booking, MONDAY_9 + timedelta(minutes=1))


def test_the_database_itself_refuses_a_second_active_booking_of_a_seat(world):
    subject, _, slots, referral = world
    operations.hold(referral, slots[0].id, NOW, 15, WINDOW)
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
    operations.hold(taken, slot.id, NOW, 15, WINDOW)
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
                operations.hold(referral, slot_id, NOW, 15, WINDOW)
                db.session.commit()
                outcomes.append("won")
            except operations.SlotUnavailable:
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
