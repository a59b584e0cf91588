"""The citizen's journey: choose a time, review, confirm; then come back to manage it."""

import re
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from babel.dates import format_date
from flask_babel import force_locale, gettext
from sqlalchemy import select

from portal.booking import transitions
from portal.booking.models import ACTIVE_STATUSES, Booking, BookingStatus
from portal.citizen import time_value
from portal.extensions import db
from portal.referrals.models import Referral
from portal.scheduling.calendar import to_lisbon
from portal.scheduling.models import Audience, Slot
from portal.scheduling.offers import candidate_slots
from portal.scheduling.slots import booking_window
from tests.factories import CITIZEN_NISS, create_referral, create_world

NO_LONGER_AVAILABLE = "Sorry, that time is no longer available. Please choose another."
HOLD_EXPIRED = "Your reservation expired and the time was released. Please choose a time again."


def in_portuguese(app, message, **values):
    """The text the Portuguese pages show for a message (English until translated)."""
    with app.test_request_context(), force_locale("pt_PT"):
        return gettext(message, **values)


def path(location):
    return urlparse(location).path


def sign_in(client, referral, english=False):
    if english:
        client.get("/?lang=en")
    return client.submit("/", {"code": referral.code, "identifier": CITIZEN_NISS})


def hold_first_time(client):
    """From the list of times, reserve the first; returns the slot id the server chose."""
    starts_at = client.get("/marcar/horarios").radio_values()[0]
    assert path(client.submit("/marcar/horarios", {"horario": starts_at})) == "/documentos"
    db.session.expire_all()
    return db.session.scalar(select(Booking.slot_id).order_by(Booking.id.desc()))


def book_first_time(client, referral, english=False):
    sign_in(client, referral, english)
    slot_id = hold_first_time(client)
    location = client.submit("/marcar/confirmar", form_url="/marcar/revisao")
    assert path(location) == "/marcar/confirmada"
    return slot_id


def bookings_of(referral):
    db.session.expire_all()
    return db.session.scalars(
        select(Booking).where(Booking.referral_id == referral.id).order_by(Booking.id)
    ).all()


def active_bookings_of(referral):
    return [b for b in bookings_of(referral) if b.status in ACTIVE_STATUSES]


def active_on(slot_id):
    db.session.expire_all()
    return db.session.scalars(
        select(Booking).where(Booking.slot_id == slot_id, Booking.status.in_(ACTIVE_STATUSES))
    ).all()


def first_candidate(world, value, now):
    """The slot the desk rule gives first for a time the page offered, or None."""
    starts_at = datetime.fromisoformat(value)
    window = booking_window(now, 1, 15)
    candidates = candidate_slots(world.subject, Audience.CITIZEN, starts_at, now, window)
    return candidates[0] if candidates else None


def another_referral_holds(world, slot_id, now):
    other = create_referral(world.subject, now)
    transitions.hold(other, [slot_id], now, 15, booking_window(now, 1, 15))
    db.session.commit()
    return other


def post_with_token(client, url, token, data=None):
    return client.client.post(url, data={**(data or {}), "csrf_token": token})


def test_full_journey_in_portuguese(app, client, clock):
    world = create_world(clock.now)

    assert path(sign_in(client, world.referral)) == "/marcar/horarios"
    times = client.get("/marcar/horarios")
    assert times.lang == "pt-PT"
    legends = [legend.get_text(" ", strip=True) for legend in times.soup.select("fieldset legend")]
    assert legends == ["quinta-feira, 26 de novembro de 2026"], (
        "the earliest day, from the next working day"
    )
    days = [a.get_text(" ", strip=True) for a in times.soup.select(".day-nav__link")]
    assert days[:2] == ["quinta 26/11 6 horários", "sexta 27/11 6 horários"]
    assert len(days) == 10, "ten days in the navigator"
    first_day = times.soup.select_one("fieldset")
    assert [t.get_text() for t in first_day.select(".choice__time")][:2] == ["09:00", "09:30"]

    starts_at = times.radio_values()[0]
    assert path(client.submit("/marcar/horarios", {"horario": starts_at})) == "/documentos"
    review = client.get("/marcar/revisao")
    assert "10:15" in review.main_text(), "the hold expiry is shown"
    assert "quinta-feira, 26 de novembro de 2026" in review.main_text()
    lisbon = in_portuguese(app, "%(start)s to %(end)s, Lisbon time", start="09:00", end="09:30")
    assert lisbon in review.main_text()

    assert (
        path(client.submit("/marcar/confirmar", form_url="/marcar/revisao")) == "/marcar/confirmada"
    )
    confirmed = client.get("/marcar/confirmada")
    assert confirmed.h1 == in_portuguese(app, "Booking confirmed")
    shown_code = confirmed.soup.select_one("strong.code").get_text()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", shown_code)
    assert shown_code.replace("-", "") == world.referral.code

    (booking,) = bookings_of(world.referral)
    assert booking.status == BookingStatus.CONFIRMED
    assert time_value(booking.slot.starts_at) == starts_at
    assert booking.confirmed_at == clock.now
    assert booking.held_until is None


def test_full_journey_in_english(app, client, clock):
    world = create_world(clock.now)
    sign_in(client, world.referral, english=True)

    times = client.get("/marcar/horarios")
    assert times.lang == "en"
    assert times.h1 == "Choose a time"
    assert "All times are Lisbon time" in times.main_text()
    assert (
        times.soup.select_one("fieldset legend").get_text(strip=True) == "Thursday 26 November 2026"
    )
    hold_first_time(client)

    review = client.get("/marcar/revisao")
    assert review.h1 == "Check and confirm your booking"
    assert "reserved for you until 10:15 (Lisbon time)" in review.main_text()
    assert "09:00 to 09:30, Lisbon time" in review.main_text()

    client.submit("/marcar/confirmar", form_url="/marcar/revisao")
    confirmed = client.get("/marcar/confirmada")
    assert confirmed.h1 == "Booking confirmed"
    assert f"Your reference code is {world.referral.display_code}" in confirmed.main_text()
    assert "pessoa@example.pt" in confirmed.main_text()


def value_of(slot_id):
    """The form value the time page gives a slot's start time."""
    return time_value(db.session.get(Slot, slot_id).starts_at)


def first_slots(world, now):
    """Each desk's first slot in the window, north then south."""
    window = booking_window(now, 1, 15)
    return [
        db.session.scalars(
            select(Slot)
            .where(Slot.desk_id == desk.id, Slot.starts_at >= window[0])
            .order_by(Slot.starts_at)
        ).first()
        for desk in world.desks
    ]


def test_each_time_is_offered_once_while_any_desk_has_a_seat(app, client, clock):
    world = create_world(clock.now)
    north_first, south_first = first_slots(world, clock.now)
    assert north_first.starts_at == south_first.starts_at
    sign_in(client, world.referral)

    offered = client.get("/marcar/horarios").radio_values()
    assert offered[0] == time_value(north_first.starts_at)
    assert len(offered) == len(set(offered)) == 6, "one choice per time, not per desk"
    assert offered == sorted(offered)

    another_referral_holds(world, north_first.id, clock.now)
    assert client.get("/marcar/horarios").radio_values()[0] == offered[0], "south still has it"
    another_referral_holds(world, south_first.id, clock.now)
    assert offered[0] not in client.get("/marcar/horarios").radio_values(), "a full time goes"


def test_submitting_no_time_shows_the_error_summary(app, client, clock):
    world = create_world(clock.now)
    sign_in(client, world.referral, english=True)

    token = client.get("/marcar/horarios").csrf_token()
    page = client._page(post_with_token(client, "/marcar/horarios", token), 200)

    assert page.errors() == ["Choose a time for your appointment."]
    assert page.soup.select_one(".error-summary a")["href"] == "#horario"
    assert page.soup.select_one("input#horario[type=radio]"), "the link reaches the first radio"
    assert page.title.startswith("Error:")
    assert not bookings_of(world.referral)


@pytest.mark.parametrize("value", ["amanhã", "2026-11-26T09:00", "9999-11-26T09:00Z", "x" * 500])
def test_a_value_that_is_no_time_is_refused_plainly(app, client, clock, value):
    world = create_world(clock.now)
    sign_in(client, world.referral, english=True)

    page = client.submit("/marcar/horarios", {"horario": value}, status=200)

    assert page.errors() == ["Choose one of the times shown."]
    assert not bookings_of(world.referral)


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-26T08:15Z",  # no desk publishes it
        "2026-11-25T11:00Z",  # today: before the window
        "2027-06-01T09:00Z",  # after the window
    ],
)
def test_choosing_a_time_that_cannot_be_booked(app, client, clock, value):
    world = create_world(clock.now)
    create_world(clock.now)  # another subject's desks publish the same times
    sign_in(client, world.referral, english=True)

    location = client.submit("/marcar/horarios", {"horario": value})

    assert path(location) == "/marcar/horarios"
    page = client.get(location)
    assert NO_LONGER_AVAILABLE in page.notices()
    assert not bookings_of(world.referral)


def test_a_time_taken_meanwhile_at_one_desk_is_held_at_the_other(app, client, clock):
    world = create_world(clock.now, attendants=1)
    north_first, south_first = first_slots(world, clock.now)
    sign_in(client, world.referral, english=True)
    times = client.get("/marcar/horarios")
    chosen = times.radio_values()[0]
    another_referral_holds(world, north_first.id, clock.now)

    response = post_with_token(client, "/marcar/horarios", times.csrf_token(), {"horario": chosen})

    assert path(response.location) == "/documentos"
    (booking,) = bookings_of(world.referral)
    assert booking.slot_id == south_first.id


def test_a_time_taken_meanwhile_is_no_longer_available(app, client, clock):
    world = create_world(clock.now, attendants=1)
    sign_in(client, world.referral, english=True)
    times = client.get("/marcar/horarios")
    chosen = times.radio_values()[0]
    for slot in first_slots(world, clock.now):
        another_referral_holds(world, slot.id, clock.now)

    response = post_with_token(client, "/marcar/horarios", times.csrf_token(), {"horario": chosen})

    assert response.status_code == 302 and path(response.location) == "/marcar/horarios"
    page = client.get("/marcar/horarios")
    assert NO_LONGER_AVAILABLE in page.notices()
    assert chosen not in page.radio_values()
    assert not bookings_of(world.referral)
    for slot in first_slots(world, clock.now):
        assert len(active_on(slot.id)) == 1, "the others keep their seats"


def test_an_expired_hold_cannot_be_confirmed_and_frees_the_seat(app, client, clock):
    world = create_world(clock.now, attendants=1)
    sign_in(client, world.referral, english=True)
    slot_id = hold_first_time(client)
    token = client.get("/marcar/revisao").csrf_token()
    clock.advance(minutes=16)

    response = post_with_token(client, "/marcar/confirmar", token)

    assert response.status_code == 302 and path(response.location) == "/marcar/horarios"
    page = client.get("/marcar/horarios")
    assert HOLD_EXPIRED in page.notices()
    assert value_of(slot_id) in page.radio_values(), "the time is offered again"
    (booking,) = bookings_of(world.referral)
    assert booking.status == BookingStatus.EXPIRED
    other = another_referral_holds(world, slot_id, clock.now)
    assert [b.referral_id for b in active_on(slot_id)] == [other.id]


def test_review_after_the_hold_lapsed_sends_back_to_the_list(app, client, clock):
    world = create_world(clock.now)
    sign_in(client, world.referral, english=True)
    hold_first_time(client)
    clock.advance(minutes=16)

    location = client.get_redirect("/marcar/revisao")

    assert path(location) == "/marcar/horarios"
    assert HOLD_EXPIRED in client.get(location).notices()


def test_extending_the_hold_pushes_its_expiry(app, client, clock):
    world = create_world(clock.now)
    sign_in(client, world.referral, english=True)
    hold_first_time(client)
    clock.advance(minutes=10)

    location = client.submit("/marcar/prolongar", form_url="/marcar/revisao")

    assert path(location) == "/marcar/revisao"
    page = client.get(location)
    assert "Your reservation was extended." in page.notices()
    assert "reserved for you until 10:25" in page.main_text()
    (booking,) = bookings_of(world.referral)
    assert booking.held_until == clock.now + timedelta(minutes=15)
    clock.advance(minutes=10)  # 20 minutes after the first hold: still held
    assert (
        path(client.submit("/marcar/confirmar", form_url="/marcar/revisao")) == "/marcar/confirmada"
    )


def test_choosing_another_time_replaces_the_hold(app, client, clock):
    world = create_world(clock.now, attendants=1)
    sign_in(client, world.referral)
    first = hold_first_time(client)
    times = client.get("/marcar/horarios")
    second = times.radio_values()[1]
    assert second != value_of(first)

    client.submit("/marcar/horarios", {"horario": second})

    (active,) = active_bookings_of(world.referral)
    assert time_value(active.slot.starts_at) == second and active.status == BookingStatus.HELD
    assert not active_on(first), "the first time was released"
    assert value_of(first) in client.get("/marcar/horarios").radio_values()


def test_signing_in_again_shows_my_booking(app, client, clock):
    world = create_world(clock.now)
    book_first_time(client, world.referral, english=True)
    client.submit("/sair", form_url="/a-minha-marcacao")

    location = sign_in(client, world.referral)

    assert path(location) == "/a-minha-marcacao"
    page = client.get(location)
    assert page.h1 == "My booking"
    assert "Status: Confirmed" in page.main_text()
    assert "Thursday 26 November 2026" in page.main_text()
    assert world.referral.display_code in page.main_text()
    assert path(client.get_redirect("/marcar/horarios")) == "/a-minha-marcacao/reagendar"


def test_rescheduling_moves_the_booking(app, client, clock):
    world = create_world(clock.now, attendants=1)
    old = book_first_time(client, world.referral, english=True)

    times = client.get("/a-minha-marcacao/reagendar")
    assert times.h1 == "Choose a new time"
    assert value_of(old) not in times.radio_values(), "the current time is not offered again"
    later_day = times.soup.select(".day-nav__link")[-1]["href"]
    new = client.get("/a-minha-marcacao/reagendar" + later_day).radio_values()[-1]
    location = client.submit("/a-minha-marcacao/reagendar", {"horario": new})
    assert path(location) == "/a-minha-marcacao/reagendar/confirmar"
    assert parse_qs(urlparse(location).query) == {"horario": [new]}

    confirm = client.get(location)
    new_slot = db.session.get(Slot, first_candidate(world, new, clock.now))
    assert new_slot.desk.name in confirm.main_text(), "the desk the rule gives is named"
    assert confirm.h1 == "Confirm the new time"
    assert "Your current time, Thursday 26 November 2026 at 09:00" in confirm.main_text()
    new_day = format_date(to_lisbon(new_slot.starts_at).date(), "EEEE d MMMM y", locale="en_GB")
    assert new_day in confirm.main_text()
    assert new_day != "Thursday 26 November 2026"
    assert bookings_of(world.referral)[0].slot_id == old, "nothing changes before the POST"

    done = client.submit(location)
    assert path(done) == "/a-minha-marcacao"
    assert "Your booking was moved to the new time." in client.get(done).notices()
    (booking,) = bookings_of(world.referral)
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.slot_id == new_slot.id
    assert booking.sequence == 1
    assert not active_on(old), "the old seat is free"


def test_rescheduling_to_a_time_taken_meanwhile_changes_nothing(app, client, clock):
    world = create_world(clock.now, attendants=1)
    old = book_first_time(client, world.referral, english=True)
    new = client.get("/a-minha-marcacao/reagendar").radio_values()[0]
    url = f"/a-minha-marcacao/reagendar/confirmar?horario={new}"
    token = client.get(url).csrf_token()
    while slot_id := first_candidate(world, new, clock.now):  # every desk at that time
        another_referral_holds(world, slot_id, clock.now)

    response = post_with_token(client, url, token)

    assert response.status_code == 302 and path(response.location) == "/a-minha-marcacao/reagendar"
    page = client.get(response.location)
    assert (
        "Sorry, that time is no longer available. Your booking was not changed." in page.notices()
    )
    (booking,) = bookings_of(world.referral)
    assert (booking.slot_id, booking.status, booking.sequence) == (old, BookingStatus.CONFIRMED, 0)


def test_cancelling_asks_first_then_cancels(app, client, clock):
    world = create_world(clock.now, attendants=1)
    slot_id = book_first_time(client, world.referral, english=True)

    question = client.get("/a-minha-marcacao/cancelar")
    assert question.h1 == "Cancel your booking?"
    assert "cannot be used again" in question.main_text()
    assert bookings_of(world.referral)[0].status == BookingStatus.CONFIRMED, "a GET changes nothing"

    assert client.submit("/a-minha-marcacao/cancelar") == "/a-minha-marcacao/cancelada"
    done = client.get("/a-minha-marcacao/cancelada")
    assert done.h1 == "Booking cancelled"
    assert "Thursday 26 November 2026 at 09:00" in done.main_text()
    (booking,) = bookings_of(world.referral)
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancelled_at == clock.now
    assert db.session.get(Referral, world.referral.id).cancelled_at == clock.now
    assert not active_on(slot_id), "the seat is free"

    again = client._page(
        client.client.post(
            "/",
            data={
                "code": world.referral.code,
                "identifier": CITIZEN_NISS,
                "csrf_token": client.get("/").csrf_token(),
            },
        ),
        200,
    )
    assert again.h1 == "This code was cancelled"


def test_get_requests_never_change_a_booking(app, client, clock):
    world = create_world(clock.now)
    sign_in(client, world.referral)
    slot_id = hold_first_time(client)

    for url in ("/marcar/confirmar", "/marcar/prolongar", "/sair"):
        client.get(url, status=405)
    (held,) = bookings_of(world.referral)
    assert held.status == BookingStatus.HELD
    assert held.held_until == clock.now + timedelta(minutes=15)
    assert client.get("/marcar/revisao").soup.select_one("[data-hold-until]"), "still signed in"

    client.submit("/marcar/confirmar", form_url="/marcar/revisao")
    other = client.get("/a-minha-marcacao/reagendar").radio_values()[0]
    client.get("/a-minha-marcacao/cancelar")
    client.get(f"/a-minha-marcacao/reagendar/confirmar?horario={other}")

    (booking,) = bookings_of(world.referral)
    assert (booking.status, booking.slot_id, booking.sequence) == (
        BookingStatus.CONFIRMED,
        slot_id,
        0,
    )


def test_confirm_answers_get_with_method_not_allowed(app, client):
    page = client.get("/marcar/confirmar?lang=en", status=405)

    assert page.h1 == "Action not allowed"


@pytest.mark.parametrize(
    "url",
    [
        "/marcar/horarios",
        "/marcar/revisao",
        "/marcar/confirmada",
        "/a-minha-marcacao",
        "/a-minha-marcacao/reagendar",
        "/a-minha-marcacao/cancelar",
    ],
)
def test_pages_need_sign_in(app, client, url):
    location = client.get_redirect(url + "?lang=en")

    assert path(location) == "/"
    assert "Please sign in again with your reference code." in client.get(location).notices()


def test_sign_out_ends_the_session(app, client, clock):
    world = create_world(clock.now)
    sign_in(client, world.referral, english=True)
    hold_first_time(client)

    location = client.submit("/sair", form_url="/marcar/revisao")

    assert path(location) == "/"
    assert "You have signed out." in client.get(location).notices()
    assert path(client.get_redirect("/marcar/revisao")) == "/"
    assert path(client.get_redirect("/marcar/horarios")) == "/"
