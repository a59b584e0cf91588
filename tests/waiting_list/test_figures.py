"""The evaluation counts waiting-list offers and the bookings that followed them; the
desk's closures page gives a closed day back, and its times to those waiting."""

from datetime import date

from portal.booking import transitions
from portal.evaluation.figures import Period
from portal.extensions import db
from portal.scheduling.calendar import to_lisbon
from portal.scheduling.closures import close_desk
from portal.waiting_list.figures import offer_figures
from tests.factories import create_account, create_confirmed_booking, create_world
from tests.staff.helpers import staff_sign_in
from tests.waiting_list.helpers import offers_to, waiting

PERIOD = Period(date(2026, 11, 1), date(2026, 12, 31))


def test_offers_and_the_bookings_that_followed(app, client, clock):
    world = create_world(clock.now)
    booking = create_confirmed_booking(world, clock.now)
    taker, idle = waiting(world, clock), waiting(world, clock)
    transitions.cancel(booking, clock.now)
    other = create_confirmed_booking(world, clock.now, days_ahead=4, referral=idle)
    db.session.commit()
    assert len(offers_to(taker)) == 1 and offers_to(idle) == []
    assert offer_figures(PERIOD).offers == 1 and offer_figures(PERIOD).bookings == 0

    clock.advance(hours=1)
    create_confirmed_booking(world, clock.now, referral=taker)
    assert offer_figures(PERIOD) == type(offer_figures(PERIOD))(offers=1, bookings=1)
    assert offer_figures(Period(date(2027, 1, 1), date(2027, 1, 31))).offers == 0
    assert other.status == "confirmed"

    manager = create_account("manager")
    db.session.commit()
    staff_sign_in(client, manager)
    page = client.get("/staff/evaluation?from=2026-11-01&to=2026-12-31")
    text = page.main_text()
    assert "Offers of a free time sent 1" in text
    assert "Bookings that followed an offer 1" in text


def test_desk_staff_remove_a_closure_and_the_day_is_offered(app, client, clock):
    world = create_world(clock.now)
    booking = create_confirmed_booking(world, clock.now)
    day = to_lisbon(booking.slot.starts_at).date()
    desk = world.desks[0]
    result = close_desk(desk, day, day, "Obras", clock.now, 10)
    person = waiting(world, clock)
    staff = create_account("desk", desk=desk)
    db.session.commit()
    staff_sign_in(client, staff)

    page = client.get(f"/staff/desks/{desk.id}/closures")
    assert "Remove closure" in page.main_text()
    action = f"/staff/desks/{desk.id}/closures/{result.closure.id}/remove"
    client.submit(action, {}, form_url=f"/staff/desks/{desk.id}/closures")

    page = client.get(f"/staff/desks/{desk.id}/closures")
    assert "No closures to come." in page.main_text()
    (offer,) = offers_to(person)
    assert to_lisbon(offer.slot.starts_at).date() == day
