"""Offers on every kind of freed seat: to the person waiting longest whose wish the seat
meets, at most one e-mail per person per day, never once their code is spent."""

from datetime import timedelta

from portal.booking import transitions
from portal.extensions import db
from portal.scheduling.calendar import lisbon_today, to_lisbon
from portal.scheduling.closures import close_desk, reopen_desk
from portal.scheduling.management import save_desk
from portal.scheduling.slots import booking_window, publish_slots
from portal.waiting_list import services
from portal.waiting_list.models import EndReason, Wish
from tests.factories import create_confirmed_booking, create_desk, create_referral, create_world
from tests.waiting_list.helpers import first_slot, offer_messages, offers_to, waiting


def window(now):
    return booking_window(now, 1, 15)


def test_a_cancellation_offers_its_seat_to_the_longest_waiter(app, clock):
    world = create_world(clock.now)
    booking = create_confirmed_booking(world, clock.now)
    first, second = waiting(world, clock), waiting(world, clock)

    transitions.cancel(booking, clock.now)
    db.session.commit()

    (offer,) = offers_to(first)
    assert offer.slot_id == booking.slot_id
    assert offers_to(second) == [], "one e-mail per freed seat"
    (message,) = offer_messages(first)
    assert message.recipient == first.email and message.booking_id is None
    assert offer.message_id == message.id


def test_a_lapsed_hold_offers_its_seat(app, clock):
    world = create_world(clock.now)
    slot = first_slot(world, clock.now)
    transitions.hold(world.referral, [slot.id], clock.now, 15, window(clock.now))
    db.session.commit()
    person = waiting(world, clock)

    clock.advance(minutes=20)
    transitions.lapse_holds(clock.now)
    db.session.commit()

    assert [offer.slot_id for offer in offers_to(person)] == [slot.id]


def test_a_withdrawn_code_offers_its_seat(app, clock):
    world = create_world(clock.now)
    booking = create_confirmed_booking(world, clock.now)
    person = waiting(world, clock)

    transitions.release(booking, transitions.Action.VOID, clock.now)
    db.session.commit()

    assert [offer.slot_id for offer in offers_to(person)] == [booking.slot_id]


def test_a_closure_offers_nothing_on_the_closed_day_and_its_removal_offers_the_day(app, clock):
    world = create_world(clock.now)
    booking = create_confirmed_booking(world, clock.now)
    person = waiting(world, clock)
    day = to_lisbon(booking.slot.starts_at).date()

    result = close_desk(world.desks[0], day, day, "Obras", clock.now, 10)
    db.session.commit()
    assert result.released and offers_to(person) == [], "a closed day's seat is no seat"

    reopen_desk(result.closure, clock.now)
    db.session.commit()
    (offer,) = offers_to(person)
    assert offer.slot.desk_id == world.desks[0].id
    assert to_lisbon(offer.slot.starts_at).date() == day
    assert offer.slot.capacity == 1


def test_newly_published_slots_are_offered(app, clock):
    world = create_world(clock.now)
    person = waiting(world, clock)
    desk = create_desk(subjects=[world.subject], name="Balcão Novo")
    today = lisbon_today(clock.now)

    publish_slots(desk, today, today + timedelta(weeks=2))
    db.session.commit()

    (offer,) = offers_to(person)
    assert offer.slot.desk_id == desk.id


def test_a_desk_attending_by_video_again_offers_its_times(app, clock):
    world = create_world(clock.now)
    desk = world.desks[1]
    desk.remote_enabled = False
    db.session.commit()
    person = waiting(world, clock)
    hours = {h.weekday: [(h.opens, h.closes)] for h in desk.opening_hours}
    values = {"code": desk.code, "name": desk.name, "centre_id": desk.centre_id}
    values.update(remote_enabled=True, parallel_attendants=1, slot_minutes=30)

    save_desk(desk, values, hours, [world.subject])
    db.session.commit()

    (offer,) = offers_to(person)
    assert offer.slot.desk_id == desk.id


def test_at_most_one_offer_a_day_then_the_next_person(app, clock):
    world = create_world(clock.now, attendants=1)
    bookings = [
        create_confirmed_booking(world, clock.now, days_ahead=days, referral=referral)
        for days, referral in (
            (2, world.referral),
            (5, create_referral(world.subject, clock.now)),
            (8, create_referral(world.subject, clock.now)),
        )
    ]
    first, second = waiting(world, clock), waiting(world, clock)

    transitions.cancel(bookings[0], clock.now)
    transitions.cancel(bookings[1], clock.now)
    db.session.commit()
    assert len(offers_to(first)) == 1
    assert len(offers_to(second)) == 1, "the second seat goes to the next person"

    clock.advance(days=1)
    transitions.cancel(bookings[2], clock.now)
    db.session.commit()
    assert len(offers_to(first)) == 2, "a new day, a new offer"
    assert len(offer_messages(first)) == 2


def test_a_seat_already_offered_to_someone_still_waiting_is_not_offered_again(app, clock):
    world = create_world(clock.now)
    booking = create_confirmed_booking(world, clock.now)
    first, second = waiting(world, clock), waiting(world, clock)
    transitions.cancel(booking, clock.now)
    db.session.commit()

    services.offer_seats([booking.slot_id], clock.now)  # the same seat announced again
    db.session.commit()

    assert len(offers_to(first)) == 1 and offers_to(second) == []


def test_a_date_before_which_the_session_is_needed_is_respected(app, clock):
    world = create_world(clock.now)
    booking = create_confirmed_booking(world, clock.now, days_ahead=6)
    freed_day = to_lisbon(booking.slot.starts_at).date()
    too_late = waiting(world, clock, before=freed_day)
    suited = waiting(world, clock, before=freed_day + timedelta(days=1))

    transitions.cancel(booking, clock.now)
    db.session.commit()

    assert offers_to(too_late) == []
    assert len(offers_to(suited)) == 1


def test_an_expired_code_gets_no_offer_and_leaves_the_list(app, clock):
    world = create_world(clock.now)
    booking = create_confirmed_booking(world, clock.now, days_ahead=12)
    expiring = waiting(world, clock, expires_at=clock.now + timedelta(days=1))
    other = waiting(world, clock)

    clock.advance(days=2)
    transitions.cancel(booking, clock.now)
    db.session.commit()

    assert offers_to(expiring) == []
    assert len(offers_to(other)) == 1
    entry = db.session.scalars(
        db.select(services.WaitingListEntry).where(
            services.WaitingListEntry.referral_id == expiring.id
        )
    ).one()
    assert entry.end_reason == EndReason.CODE_ENDED


def test_an_earlier_time_is_offered_only_if_earlier_than_the_booking(app, clock):
    world = create_world(clock.now)
    early = create_confirmed_booking(world, clock.now, days_ahead=2)
    later_person = create_referral(world.subject, clock.now)
    mine = create_confirmed_booking(world, clock.now, days_ahead=6, referral=later_person)
    entry = services.join(later_person, None, clock.now)
    db.session.commit()
    assert entry.wish == Wish.EARLIER

    transitions.cancel(early, clock.now)
    db.session.commit()
    assert [offer.slot_id for offer in offers_to(later_person)] == [early.slot_id]

    # Moving to an earlier time ends the wish; a later one would not have.
    transitions.reschedule(mine, [early.slot_id], clock.now, window(clock.now), None)
    db.session.commit()
    db.session.refresh(entry)
    assert entry.end_reason == EndReason.BOOKED


def test_holding_a_time_ends_a_plain_wish_and_the_seat_goes_to_the_next(app, clock):
    world = create_world(clock.now)
    booking = create_confirmed_booking(world, clock.now)
    booker = waiting(world, clock)
    next_person = waiting(world, clock)
    slot = first_slot(world, clock.now, days_ahead=3, desk=1)

    transitions.hold(booker, [slot.id], clock.now, 15, window(clock.now))
    transitions.cancel(booking, clock.now)
    db.session.commit()

    assert offers_to(booker) == []
    assert len(offers_to(next_person)) == 1
    assert services.open_entry(booker) is None
