"""Closing a desk releases exactly the bookings on those days, at that desk."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.booking.models import BookingStatus
from portal.extensions import db
from portal.outbox.models import MessageKind, OutboxMessage
from portal.scheduling.closures import InvalidClosure, close_desk
from portal.scheduling.models import Slot
from tests.factories import create_booking, create_referral, create_world


def at(day, hour, minute=0):
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)  # Lisbon = UTC in winter


def slot_at(desk, moment):
    return db.session.scalar(select(Slot).where(Slot.desk_id == desk.id, Slot.starts_at == moment))


def count_slots(desk, first, last):
    return db.session.scalar(
        select(func.count())
        .select_from(Slot)
        .where(Slot.desk_id == desk.id, Slot.starts_at >= first, Slot.starts_at < last)
    )


@pytest.fixture
def world(app, clock):
    return create_world(clock.now)


def book(world, desk, moment, status="confirmed"):
    referral = create_referral(world.subject, world.referral.created_at)
    return create_booking(referral, slot_at(desk, moment), status=status)


def test_closure_releases_active_bookings_in_range_at_that_desk_only(world, clock):
    north, south = world.desks
    inside = book(world, north, at(2, 9))  # Wednesday 2 December
    inside_held = book(world, north, at(3, 11), status="held")
    edge = book(world, north, at(4, 11, 30))  # last slot of the last day
    before = book(world, north, datetime(2026, 11, 30, 9, tzinfo=UTC))  # Monday
    after = book(world, north, at(7, 9))  # Monday after
    other_desk = book(world, south, at(2, 9))
    already_cancelled = book(world, north, at(2, 10), status="cancelled")
    db.session.commit()

    result = close_desk(north, date(2026, 12, 2), date(2026, 12, 4), "Obras", clock.now, 10)
    db.session.commit()

    assert [b.id for b in result.released] == [inside.id, inside_held.id, edge.id]
    # Each confirmed booking gets a "desk closed" message in the same transaction.
    told = db.session.scalars(
        select(OutboxMessage.booking_id).where(OutboxMessage.kind == MessageKind.DESK_CLOSED)
    ).all()
    assert sorted(told) == sorted([inside.id, edge.id])
    for booking in result.released:
        assert booking.status == BookingStatus.CANCELLED and booking.cancelled_reason == "closure"
    for booking in (before, after, other_desk):
        assert booking.status == BookingStatus.CONFIRMED
    assert already_cancelled.cancelled_reason is None


def test_closure_withdraws_the_slots_and_they_are_not_published_again(world, clock):
    from portal.scheduling.offers import candidate_slots
    from portal.scheduling.slots import booking_window, publish_slots

    north, _south = world.desks
    booked = book(world, north, at(2, 9))
    db.session.commit()
    first, last = at(2, 0), at(5, 0)
    assert count_slots(north, first, last) == 18  # 3 days × 6 half-hours

    result = close_desk(north, date(2026, 12, 2), date(2026, 12, 4), "", clock.now, 10)

    assert result.removed_slots == 17
    kept = slot_at(north, at(2, 9))
    assert kept.capacity == 0 and booked.slot_id == kept.id  # history kept, no seats
    assert publish_slots(north, date(2026, 12, 2), date(2026, 12, 4)) == 0
    window = booking_window(clock.now, 1, 15)
    audience = world.referral.audience
    offered = candidate_slots(world.subject, audience, kept.starts_at, clock.now, window)
    assert kept.id not in offered and offered, "the south desk still offers that time"


def test_released_codes_stay_usable_to_choose_another_time(world, clock):
    north, _south = world.desks
    booking = book(world, north, at(2, 9))
    booking.referral.expires_at = clock.now + timedelta(days=1)
    db.session.commit()

    close_desk(north, date(2026, 12, 2), date(2026, 12, 2), "", clock.now, 10)

    assert booking.referral.expires_at == clock.now + timedelta(days=10)
    assert booking.referral.state(clock.now) == "active"


@pytest.mark.parametrize(
    "first, last, field, reason",
    [
        (date(2026, 12, 4), date(2026, 12, 2), "ends_on", "order"),
        (date(2026, 11, 24), date(2026, 12, 2), "starts_on", "past"),
    ],
)
def test_impossible_closures_are_refused(world, clock, first, last, field, reason):
    with pytest.raises(InvalidClosure) as refused:
        close_desk(world.desks[0], first, last, "", clock.now, 10)
    assert (refused.value.field, refused.value.reason) == (field, reason)
