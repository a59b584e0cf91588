"""The offer e-mail through real SMTP: in the person's language, naming the time and the
desk, linking to the portal (no code or NISS in any link) and to leaving the list; not
sent once the seat is taken or the person has left."""

from datetime import timedelta

import pytest

from portal.booking import transitions
from portal.extensions import db
from portal.outbox.models import MessageStatus
from portal.outbox.worker import run_once
from portal.scheduling.calendar import lisbon_today, to_lisbon
from portal.scheduling.closures import close_desk
from portal.scheduling.slots import publish_slots
from portal.waiting_list.models import EndReason
from tests.conftest import smtp_settings
from tests.factories import CITIZEN_NISS, create_confirmed_booking, create_desk, create_world
from tests.notifications.mail import assert_no_secret_in_urls, html_of, text_of, urls_in
from tests.waiting_list.helpers import offer_messages, offers_to, waiting

PUBLIC_URL = "https://portal.example.pt"


@pytest.fixture
def app_settings(smtp):
    return {**smtp_settings(smtp), "PUBLIC_URL": PUBLIC_URL}


def test_the_offer_arrives_in_the_persons_language_with_a_leave_link(app, client, clock, smtp):
    world = create_world(clock.now)
    booking = create_confirmed_booking(world, clock.now)
    person = waiting(world, clock, language="en", email="ana@example.pt")
    transitions.cancel(booking, clock.now)
    db.session.commit()
    smtp.messages.clear()

    assert run_once().sent >= 1
    (message,) = [m for m in smtp.messages if m["To"] == "ana@example.pt"]
    assert message["Subject"] == "A time is free: Friday 27 November 2026 at 10:00"
    assert message["Content-Language"] == "en"
    text = text_of(message)
    assert "Friday 27 November 2026 at 10:00 (Lisbon time)" in text
    assert f"Desk: Balcão Norte, {world.desks[0].centre.name}" in text
    assert f"Reference code: {person.display_code}" in text
    assert f"go to {PUBLIC_URL}/?lang=en and sign in" in text
    assert "The time is not kept for you" in text
    assert_no_secret_in_urls(message, person.display_code, [CITIZEN_NISS])
    leave = [u for u in urls_in(message) if "/lista-de-espera/sair/" in u]
    assert leave and all(u.endswith("?lang=en") for u in leave)
    assert '<html lang="en">' in html_of(message)

    path = leave[0].removeprefix(PUBLIC_URL)
    page = client.get(path)
    assert page.h1 == "Leave the waiting list?"
    client.submit(path.split("?")[0], {}, status=200)
    assert offers_to(person)[0].entry.end_reason == EndReason.LEFT


def test_in_portuguese_and_not_sent_once_the_seat_is_taken(app, clock, smtp):
    world = create_world(clock.now)
    booking = create_confirmed_booking(world, clock.now)
    person = waiting(world, clock)
    transitions.cancel(booking, clock.now)
    other = waiting(world, clock)  # joins after: no offer, books the seat first
    transitions.hold(other, [booking.slot_id], clock.now, 15, (clock.now, booking.slot.ends_at))
    db.session.commit()
    smtp.messages.clear()

    run_once()
    assert [m for m in smtp.messages if m["To"] == person.email and "Vagou" in m["Subject"]] == []
    (row,) = offer_messages(person)
    assert row.status == MessageStatus.SUPERSEDED, "the seat went: nothing to announce"


def test_the_portuguese_offer(app, clock, smtp):
    world = create_world(clock.now)
    booking = create_confirmed_booking(world, clock.now)
    waiting(world, clock, email="rui@example.pt")
    transitions.cancel(booking, clock.now)
    db.session.commit()

    run_once()
    (message,) = [m for m in smtp.messages if m["To"] == "rui@example.pt"]
    assert message["Content-Language"] == "pt-PT"
    assert "sexta-feira, 27 de novembro de 2026" in message["Subject"]
    assert "Sair da lista de espera" in html_of(message)
    assert "Vagou um horário" in message["Subject"]


def test_an_offered_slot_a_closure_deletes_sends_nothing_but_the_offer_still_counts(
    app, clock, smtp
):
    world = create_world(clock.now)
    person = waiting(world, clock)
    desk = create_desk(subjects=[world.subject], name="Balcão Novo")
    today = lisbon_today(clock.now)
    publish_slots(desk, today, today + timedelta(weeks=2))
    db.session.commit()
    (offer,) = offers_to(person)
    day = to_lisbon(offer.slot.starts_at).date()

    close_desk(desk, day, day, "Obras", clock.now, 10)
    db.session.commit()
    smtp.messages.clear()
    run_once()

    assert [m for m in smtp.messages if m["To"] == person.email] == []
    (row,) = offer_messages(person)
    assert row.status == MessageStatus.SUPERSEDED
    (offer,) = offers_to(person)
    assert offer.slot_id is None
