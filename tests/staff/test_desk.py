"""Desk staff: the agenda of their own desk, a booking's page, outcomes and closures."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.booking.agenda import AGENDA_COLUMNS, register_agenda_column
from portal.booking.models import BookingStatus
from portal.extensions import db
from portal.referrals.companies import set_representative
from portal.scheduling.models import Slot
from tests.factories import (
    CITIZEN_NISS,
    COMPANY_NIPC,
    COMPANY_NISS,
    create_account,
    create_booking,
    create_referral,
    create_world,
)
from tests.staff.helpers import path, staff_sign_in


def slot_at(desk, moment):
    return db.session.scalar(select(Slot).where(Slot.desk_id == desk.id, Slot.starts_at == moment))


TODAY_11 = datetime(2026, 11, 25, 11, tzinfo=UTC)  # later today (now is 10:00)
FRIDAY_9 = datetime(2026, 11, 27, 9, tzinfo=UTC)


@pytest.fixture
def world(app, clock):
    world = create_world(clock.now)
    north, south = world.desks
    world.today = create_booking(world.referral, slot_at(north, TODAY_11))
    company = create_referral(
        world.subject, clock.now, audience="company", niss=COMPANY_NISS, nipc=COMPANY_NIPC
    )
    set_representative(
        company, "Exemplo, Lda.", "Rui Costa", "accountant", "rui@example.pt", "912345678"
    )
    world.friday = create_booking(company, slot_at(north, FRIDAY_9))
    world.elsewhere = create_booking(
        create_referral(world.subject, clock.now), slot_at(south, TODAY_11)
    )
    world.staff = create_account("desk", desk=north)
    db.session.commit()
    return world


def test_today_shows_only_today_at_my_desk(world, client):
    staff_sign_in(client, world.staff)

    page = client.get("/staff/agenda?lang=en")

    rows = page.soup.select("tbody tr")
    assert len(rows) == 1
    text = " ".join(rows[0].get_text(" ").split())
    assert text.startswith("11:00–11:30") and f"Person, NISS {CITIZEN_NISS}" in text
    assert "Portuguese" in text and "Confirmed" in text


def test_the_week_shows_every_day_with_companies_named(world, client):
    staff_sign_in(client, world.staff)

    page = client.get("/staff/agenda?view=week&lang=en")

    assert [h.get_text() for h in page.soup.select("main h2")] == [
        "Wednesday 25 November 2026",
        "Friday 27 November 2026",
    ]
    assert "Exemplo, Lda. — Rui Costa" in page.main_text()
    assert len(page.soup.select("tbody tr")) == 2


def test_other_features_can_add_agenda_columns(world, client):
    register_agenda_column(
        "documents", "Documents", lambda bookings: {b.id: f"{b.id} received" for b in bookings}
    )
    try:
        staff_sign_in(client, world.staff)
        page = client.get("/staff/agenda?lang=en")
        assert "Documents" in [th.get_text() for th in page.soup.select("thead th")]
        assert f"{world.today.id} received" in page.main_text()
    finally:
        AGENDA_COLUMNS.clear()


def test_the_outcome_form_is_offered_once_the_session_has_started(world, client, clock):
    staff_sign_in(client, world.staff)
    url = f"/staff/bookings/{world.today.id}?lang=en"

    before = client.get(url)
    assert not before.radio_values("outcome")
    assert "The outcome can be recorded once the appointment has started." in before.main_text()

    clock.advance(hours=1)  # 11:00, the session's start
    staff_sign_in(client, world.staff)
    assert client.get(url).radio_values("outcome") == ["attended", "no_show", "rebooked_by_phone"]


def test_recording_an_outcome_after_the_session(world, client, clock):
    staff_sign_in(client, world.staff)
    url = f"/staff/bookings/{world.today.id}"

    early = client.submit(url, {"outcome": "attended"}, status=200)
    assert early.errors() == [
        "This can be recorded only for a confirmed appointment whose time has come."
    ]
    early = client.submit(url, {"outcome": "rebooked_by_phone"}, status=200)
    assert early.errors() == [
        "This can be recorded only for a confirmed appointment whose time has come."
    ]

    clock.advance(hours=1, minutes=5)
    staff_sign_in(client, world.staff)  # idle for more than half an hour
    client.submit(url, {"outcome": "no_show", "note": "Não atendeu a chamada."})
    db.session.expire_all()
    assert world.today.status == BookingStatus.NO_SHOW
    assert world.today.outcome_note == "Não atendeu a chamada."
    assert world.today.outcome_by_id == world.staff.id

    client.submit(url, {"outcome": "attended", "note": "Entrou 10 minutos depois."})
    db.session.expire_all()
    assert world.today.status == BookingStatus.ATTENDED


def test_rebooked_by_phone_releases_the_seat_and_uses_up_the_code(world, client, clock):
    clock.advance(days=2, hours=-1, minutes=5)  # Friday 09:05: the session has started
    staff_sign_in(client, world.staff)

    client.submit(f"/staff/bookings/{world.friday.id}", {"outcome": "rebooked_by_phone"})

    db.session.expire_all()
    assert world.friday.status == BookingStatus.CANCELLED
    assert world.friday.referral.state(clock.now) == "cancelled"


def test_a_booking_page_shows_the_person_and_checklist(world, client):
    staff_sign_in(client, world.staff)
    page = client.get(f"/staff/bookings/{world.friday.id}?lang=en")
    text = page.main_text()
    assert "Rui Costa" in text and COMPANY_NIPC in text and "Identity document" in text


def test_closing_my_desk_from_the_desk_pages(world, client):
    staff_sign_in(client, world.staff)
    url = f"/staff/desks/{world.staff.desk_id}/closures/new"

    client.submit(url, {"starts_on": "2026-11-27", "ends_on": "2026-11-27", "reason": "Greve"})

    db.session.expire_all()
    assert world.friday.status == BookingStatus.CANCELLED
    assert world.today.status == BookingStatus.CONFIRMED
    page = client.get(f"/staff/desks/{world.staff.desk_id}/closures?lang=en")
    assert "Greve" in page.main_text()


def test_a_closure_ending_before_it_starts_is_a_field_error(world, client):
    staff_sign_in(client, world.staff)
    page = client.submit(
        f"/staff/desks/{world.staff.desk_id}/closures/new",
        {"starts_on": "2026-11-27", "ends_on": "2026-11-26", "reason": "x"},
        status=200,
    )
    assert page.errors() == ["The last day must be on or after the first day."]


def test_a_person_whose_session_was_closed_chooses_another_time(world, client, clock):
    from portal.scheduling.closures import close_desk

    confirmed = create_booking(
        create_referral(world.subject, clock.now),
        slot_at(world.desks[0], FRIDAY_9 + timedelta(hours=1)),
    )
    close_desk(world.desks[0], FRIDAY_9.date(), FRIDAY_9.date(), "", clock.now, 10)
    db.session.commit()

    location = client.submit("/", {"code": confirmed.referral.code, "identifier": CITIZEN_NISS})

    assert path(location) == "/marcar/horarios"
    assert client.get(location).radio_values()
