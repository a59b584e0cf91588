"""The desk's week costs a fixed number of SQL statements, however many bookings it holds;
its columns say what the per-booking questions said; the desk sees speeds in Mbit/s."""

import uuid
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import event, select

from portal.device_check.models import DeviceCheck
from portal.documents.checklist import missing_items
from portal.documents.models import Document, DocumentPurpose
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingStatus
from portal.referrals.companies import set_representative
from portal.scheduling.models import Slot
from portal.scheduling.slots import publish_slots
from portal.staff.agenda_columns import documents_column
from tests.factories import (
    COMPANY_NIPC,
    COMPANY_NISS,
    create_account,
    create_booking,
    create_desk,
    create_referral,
    create_subject,
)
from tests.staff.helpers import staff_sign_in

MONDAY = datetime(2026, 11, 23, 8, tzinfo=UTC)  # the clock is Wednesday 25 November
MOST_STATEMENTS = 12


def week_of_bookings(count: int, now):
    """A desk whose week (Monday to Friday) holds ``count`` bookings of every kind."""
    subject = create_subject()
    desk = create_desk(
        subjects=[subject], hours=((time(9), time(17)),), parallel_attendants=4, name="Balcão"
    )
    publish_slots(desk, MONDAY.date(), MONDAY.date() + timedelta(days=4))
    slots = list(db.session.scalars(select(Slot).where(Slot.desk_id == desk.id).order_by(Slot.id)))
    item = subject.checklist[0]
    bookings = []
    for n in range(count):
        if n % 3 == 1:
            referral = create_referral(
                subject, now, audience="company", niss=COMPANY_NISS, nipc=COMPANY_NIPC
            )
            capacity = "accountant" if n % 2 else "manager"
            set_representative(
                referral, "Exemplo, Lda.", "Rui Costa", capacity, "rui@example.pt", "912345678"
            )
        else:
            referral = create_referral(subject, now)
        booking = create_booking(referral, slots[n // 4], seat=n % 4 + 1)
        if n % 2:
            db.session.add(document(referral, DocumentPurpose.CHECKLIST, item.id))
        if n % 5 == 0:
            db.session.add(document(referral, DocumentPurpose.MANDATE))
        if n % 3 == 0:
            for hour in (8, 9):
                db.session.add(device_check(referral, now.replace(hour=hour), n % 2 == 1))
        if n % 4 == 0:
            db.session.add(
                Meeting(
                    booking_id=booking.id,
                    provider="teams",
                    status=MeetingStatus.READY,
                    join_url="https://teams.example/x",
                    synced_sequence=booking.sequence,
                )
            )
        bookings.append(booking)
    db.session.flush()
    return desk, bookings


def document(referral, purpose, item_id=None):
    return Document(
        referral_id=referral.id,
        purpose=purpose,
        checklist_item_id=item_id,
        stored_name=uuid.uuid4().hex,
        display_name="cc.pdf",
        content_type="application/pdf",
        size=1000,
        sha256="0" * 64,
    )


def device_check(referral, at, declared):
    return DeviceCheck(
        referral_id=referral.id,
        checked_at=at,
        self_declared=declared,
        browser_family="firefox",
        platform="linux",
        camera="passed",
        microphone="warning" if declared else "passed",
        speakers="passed",
        network="passed",
        download_kbps=None if declared else 2500,
        upload_kbps=None if declared else 1200,
        latency_ms=None if declared else 80,
    )


def statements_for_the_week(client, count, now) -> tuple[int, object]:
    desk, _bookings = week_of_bookings(count, now)
    staff = create_account("desk", desk=desk)
    db.session.commit()
    staff_sign_in(client, staff)
    executed = []

    def count_statement(conn, cursor, statement, parameters, context, executemany):
        executed.append(statement)

    event.listen(db.engine, "before_cursor_execute", count_statement)
    try:
        page = client.get("/staff/agenda?view=week&lang=en")
    finally:
        event.remove(db.engine, "before_cursor_execute", count_statement)
    return len(executed), page


def test_five_and_a_hundred_bookings_cost_the_same_few_statements(app, client, clock):
    few, page = statements_for_the_week(client, 5, clock.now)
    assert len(page.soup.select("tbody tr")) == 5
    db.session.remove()

    many, page = statements_for_the_week(client, 100, clock.now)

    assert len(page.soup.select("tbody tr")) == 100
    assert few == many <= MOST_STATEMENTS


def test_the_columns_say_what_each_booking_asked_before(app, client, clock):
    _desk, bookings = week_of_bookings(30, clock.now)
    db.session.commit()
    with app.test_request_context("/?lang=en"):
        counted = documents_column(bookings)
        for booking in bookings:
            missing = len(missing_items(booking))
            expected = f"Missing {missing}" if missing else "All received"
            assert counted[booking.id] == expected, booking.referral.representative


def test_the_desk_sees_network_speed_in_mbit_per_second(app, client, clock):
    desk, bookings = week_of_bookings(1, clock.now)  # a measured check, 2.5 and 1.2 Mbit/s
    staff = create_account("desk", desk=desk)
    db.session.commit()
    staff_sign_in(client, staff)

    english = client.get(f"/staff/bookings/{bookings[0].id}?lang=en").main_text()
    portuguese = client.get(f"/staff/bookings/{bookings[0].id}?lang=pt").main_text()

    assert "download 2.5 Mbit/s, upload 1.2 Mbit/s, delay 80 ms" in english
    assert "2,5 Mbit/s" in portuguese and "1,2 Mbit/s" in portuguese


def test_the_audit_record_before_rendering_keeps_what_was_loaded(app, clock):
    from sqlalchemy import inspect

    from portal.audit.log import record
    from portal.audit.models import AuditAction
    from portal.booking.agenda import agenda

    desk, _bookings = week_of_bookings(3, clock.now)
    db.session.commit()
    with app.test_request_context("/?lang=en"):  # the columns' texts need a language
        days = agenda(desk.id, MONDAY.date(), MONDAY.date() + timedelta(days=6))

    rows = [row for _day, day_rows in days for row in day_rows]
    loaded = [inspect(o) for row in rows for o in (row.booking, row.booking.referral)]
    expired_before = [set(state.expired_attributes) for state in loaded]

    record(clock.now, AuditAction.VIEWED, "agenda", desk.id, "period")

    assert len(rows) == 3
    assert [set(state.expired_attributes) for state in loaded] == expired_before
    assert not any({"status", "slot", "referral"} & before for before in expired_before)
