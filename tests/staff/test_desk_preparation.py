"""What the desk sees of a person's preparation: documents, device check, join link."""

from datetime import UTC, datetime

import pytest
from flask import current_app
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.device_check.browsers import browser_from_user_agent
from portal.device_check.results import record_declaration
from portal.documents.checklist import checklist
from portal.documents.operations import Limits, add_document
from portal.extensions import db
from portal.scheduling.models import Slot
from tests.documents.samples import pdf
from tests.factories import create_account, create_booking, create_referral, create_world
from tests.staff.helpers import staff_sign_in

TODAY_11 = datetime(2026, 11, 25, 11, tzinfo=UTC)


def slot_at(desk, moment):
    return db.session.scalar(select(Slot).where(Slot.desk_id == desk.id, Slot.starts_at == moment))


@pytest.fixture
def world(app, clock):
    world = create_world(clock.now)
    north, south = world.desks
    world.booking = create_booking(world.referral, slot_at(north, TODAY_11))
    world.other = create_booking(
        create_referral(world.subject, clock.now), slot_at(south, TODAY_11)
    )
    limits = Limits.from_config(current_app.config)
    entry = checklist(world.referral)[0]
    world.document = add_document(world.referral, entry, "cartão <1>.pdf", pdf(), clock.now, limits)
    other_entry = checklist(world.other.referral)[0]
    world.foreign = add_document(
        world.other.referral, other_entry, "alheio.pdf", pdf(), clock.now, limits
    )
    world.staff = create_account("desk", desk=north)
    db.session.commit()
    return world


def test_the_agenda_shows_documents_device_check_and_link(world, client):
    staff_sign_in(client, world.staff)
    page = client.get("/staff/agenda?lang=en")
    headers = [th.get_text(" ", strip=True) for th in page.soup.select("thead th")]
    assert {"Documents", "Device check", "Teams link"} <= set(headers)
    row = " ".join(page.soup.select_one("tbody tr").get_text(" ").split())
    assert "All received" in row and "Not run" in row and "Link pending" in row


def test_the_booking_page_lists_files_and_logs_each_download(world, client, clock):
    record_declaration(
        world.referral,
        world.booking,
        {"camera": "yes", "microphone": "yes", "speakers": "no", "connection": "yes"},
        browser_from_user_agent("Mozilla/5.0 Firefox/128.0"),
        clock.now,
    )
    db.session.commit()
    staff_sign_in(client, world.staff)
    page = client.get(f"/staff/bookings/{world.booking.id}?lang=en")
    text = page.main_text()
    assert "Received" in text and "declared by the person" in text
    link = page.soup.find("a", string="cartão <1>.pdf")
    assert link is not None, "the display name is shown as text, escaped"

    response = client.client.get(link["href"])
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data.startswith(b"%PDF")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "downloaded")).all()
    assert [(e.object_type, e.object_id, e.account_id) for e in events] == [
        ("document", world.document.id, world.staff.id)
    ]


@pytest.mark.parametrize("case", ["other desk's booking", "other person's file"])
def test_files_of_other_people_or_desks_are_not_found(world, client, case):
    staff_sign_in(client, world.staff)
    if case == "other desk's booking":
        url = f"/staff/bookings/{world.other.id}/documents/{world.foreign.id}"
    else:
        url = f"/staff/bookings/{world.booking.id}/documents/{world.foreign.id}"
    assert client.client.get(url).status_code == 404
