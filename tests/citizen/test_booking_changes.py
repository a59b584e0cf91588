"""A change that arrives too late is told the truth: a second click, a stale page,
a reservation that ran out, a booking cancelled by someone else meanwhile."""

from urllib.parse import urlparse

from sqlalchemy import select

from portal.booking import transitions
from portal.booking.models import BookingStatus
from portal.citizen import time_value
from portal.extensions import db
from portal.outbox.models import MessageKind, MessageStatus, OutboxMessage
from tests.citizen.test_journey import (
    another_referral_holds,
    book_first_time,
    bookings_of,
    hold_first_time,
    post_with_token,
    sign_in,
)
from tests.factories import create_world

RAN_OUT = "Your reservation expired and the time was released. Please choose a time again."


def path(location):
    return urlparse(location).path


def messages(referral):
    db.session.expire_all()
    return db.session.execute(
        select(OutboxMessage.kind, OutboxMessage.status, OutboxMessage.booking_sequence)
        .where(OutboxMessage.referral_id == referral.id)
        .order_by(OutboxMessage.id)
    ).all()


def review_form(client):
    page = client.get("/marcar/revisao")
    return {**page.hidden_fields("/marcar/confirmar", "/marcar/revisao")}, page.csrf_token()


def test_confirming_twice_confirms_once_and_says_so(app, client, clock):
    world = create_world(clock.now)
    sign_in(client, world.referral, english=True)
    hold_first_time(client)
    fields, token = review_form(client)

    first = post_with_token(client, "/marcar/confirmar", token, fields)
    second = post_with_token(client, "/marcar/confirmar", token, fields)

    assert path(first.location) == path(second.location) == "/marcar/confirmada"
    notices = client.get("/marcar/confirmada").notices()
    assert "Your booking is already confirmed: nothing more is needed." in notices
    # The session is tomorrow morning: the confirmation is reminder enough.
    assert messages(world.referral) == [(MessageKind.CONFIRMATION, MessageStatus.PENDING, 0)]


def test_confirming_after_expire_holds_ran_says_the_reservation_ran_out(app, client, clock):
    world = create_world(clock.now, attendants=1)
    sign_in(client, world.referral, english=True)
    slot_id = hold_first_time(client)
    fields, token = review_form(client)
    clock.advance(minutes=16)
    result = app.test_cli_runner().invoke(args=["bookings", "expire-holds"])
    assert "1 holds expired." in result.output
    another_referral_holds(world, slot_id, clock.now)  # and someone else took the seat

    response = post_with_token(client, "/marcar/confirmar", token, fields)

    assert response.status_code == 302 and path(response.location) == "/marcar/horarios"
    assert RAN_OUT in client.get("/marcar/horarios").notices()
    (booking,) = bookings_of(world.referral)
    assert booking.status == BookingStatus.EXPIRED
    assert messages(world.referral) == []


def test_confirming_a_hold_replaced_in_another_window_confirms_nothing(app, client, clock):
    world = create_world(clock.now)
    sign_in(client, world.referral, english=True)
    hold_first_time(client)
    fields, token = review_form(client)  # the first window shows the first time
    second = client.get("/marcar/horarios").radio_values()[1]
    client.submit("/marcar/horarios", {"horario": second})  # another window chose another

    response = post_with_token(client, "/marcar/confirmar", token, fields)

    assert path(response.location) == "/marcar/revisao"
    notices = client.get("/marcar/revisao").notices()
    assert (
        "Your reservation changed in another window. Check the time shown before confirming."
        in notices
    )
    assert [b.status for b in bookings_of(world.referral)] == ["replaced", "held"]


def test_a_stale_cancel_page_does_not_cancel_a_booking_moved_meanwhile(app, client, clock):
    world = create_world(clock.now, attendants=1)
    book_first_time(client, world.referral, english=True)
    cancel_page = client.get("/a-minha-marcacao/cancelar")
    fields = cancel_page.hidden_fields("/a-minha-marcacao/cancelar", "/a-minha-marcacao/cancelar")
    new = client.get("/a-minha-marcacao/reagendar").radio_values()[-1]
    client.submit(f"/a-minha-marcacao/reagendar/confirmar?horario={new}")

    response = post_with_token(
        client, "/a-minha-marcacao/cancelar", cancel_page.csrf_token(), fields
    )

    assert path(response.location) == "/a-minha-marcacao"
    notices = client.get("/a-minha-marcacao").notices()
    (notice,) = [n for n in notices if n.startswith("Your booking was changed meanwhile:")]
    assert "It was not cancelled" in notice
    (booking,) = bookings_of(world.referral)
    assert (booking.status, time_value(booking.slot.starts_at), booking.sequence) == (
        "confirmed",
        new,
        1,
    )


def test_moving_a_booking_cancelled_meanwhile_is_refused_truthfully(app, client, clock):
    world = create_world(clock.now, attendants=1)
    book_first_time(client, world.referral, english=True)
    new = client.get("/a-minha-marcacao/reagendar").radio_values()[-1]
    url = f"/a-minha-marcacao/reagendar/confirmar?horario={new}"
    page = client.get(url)
    (booking,) = bookings_of(world.referral)
    transitions.cancel(booking, clock.now)  # in another window
    db.session.commit()

    response = post_with_token(client, url, page.csrf_token(), page.hidden_fields(url, url))

    assert response.status_code == 302
    assert "This booking was cancelled meanwhile, so it could not be moved." in (
        client.get(response.location).notices()
    )
    (booking,) = bookings_of(world.referral)
    assert booking.status == BookingStatus.CANCELLED
    assert time_value(booking.slot.starts_at) != new


def test_cancelling_twice_says_it_was_already_cancelled(app, client, clock):
    world = create_world(clock.now)
    book_first_time(client, world.referral, english=True)
    page = client.get("/a-minha-marcacao/cancelar")
    fields = page.hidden_fields("/a-minha-marcacao/cancelar", "/a-minha-marcacao/cancelar")

    post_with_token(client, "/a-minha-marcacao/cancelar", page.csrf_token(), fields)
    again = post_with_token(client, "/a-minha-marcacao/cancelar", page.csrf_token(), fields)

    assert "This booking was already cancelled." in client.get(again.location).notices()
    cancellations = [m for m in messages(world.referral) if m.kind == MessageKind.CANCELLED]
    assert len(cancellations) == 1


def test_a_desk_closure_meanwhile_is_explained_to_a_person_about_to_confirm(app, client, clock):
    from portal.scheduling.closures import close_desk
    from portal.scheduling.models import Slot

    world = create_world(clock.now)
    sign_in(client, world.referral, english=True)
    slot_id = hold_first_time(client)
    fields, token = review_form(client)
    slot = db.session.get(Slot, slot_id)
    day = slot.starts_at.date()  # Lisbon is UTC in winter
    close_desk(slot.desk, day, day, "", clock.now, 10)
    db.session.commit()

    response = post_with_token(client, "/marcar/confirmar", token, fields)

    assert path(response.location) == "/marcar/horarios"
    notices = client.get("/marcar/horarios").notices()
    assert any(n.startswith("The desk closed on that day") for n in notices)
    assert client.get("/marcar/horarios").radio_values(), "the code books another time"
