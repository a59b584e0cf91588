"""Migrations reproduce the models exactly, and every revision can be undone."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from portal.database import render_migration_type
from portal.extensions import db
from tests.conftest import make_app, reset_postgresql


@pytest.fixture
def empty_app(database_url, tmp_path):
    app = make_app(database_url, tmp_path)
    if database_url.startswith("postgresql"):
        reset_postgresql(app)
    with app.app_context():
        yield app
        db.engine.dispose()


def differences():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_item": render_migration_type}
        )
        return compare_metadata(context, db.metadata)


def test_upgrade_from_empty_equals_the_models(empty_app):
    upgrade()
    assert differences() == []
    index_names = {i["name"] for i in inspect(db.engine).get_indexes("bookings")}
    assert {"uq_bookings_active_seat", "uq_bookings_active_referral"} <= index_names


def test_downgrade_to_base_removes_everything(empty_app):
    upgrade()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()  # and back up again
    assert differences() == []


def test_audit_summaries_written_as_text_become_codes(empty_app):
    """5c0e7a9d41b2 turns the English summaries of earlier entries into codes."""
    from sqlalchemy import text

    upgrade(revision="d5f42384eacc")
    old = [
        "2026-11-23 to 2026-11-29",
        "outcome: no_show",
        "booking 7",
        "re-issued as 12",
        "search: 11234567892",
        "search: ",
        "issued through the API",
        "voided",
        "",
        "something else",
    ]
    with db.engine.begin() as connection:
        for number, summary in enumerate(old, start=1):
            connection.execute(
                text(
                    "INSERT INTO audit_events (id, at, action, object_type, summary) "
                    "VALUES (:id, '2026-11-25 10:00:00+00', 'viewed', 'booking', :summary)"
                ),
                {"id": number, "summary": summary},
            )
    upgrade()

    from portal.audit.models import AuditEvent

    rows = db.session.execute(
        db.select(AuditEvent.detail, AuditEvent.detail_values).order_by(AuditEvent.id)
    ).all()
    assert [tuple(row) for row in rows] == [
        ("period", {"first": "2026-11-23", "last": "2026-11-29"}),
        ("outcome", {"outcome": "no_show"}),
        ("of-booking", {"booking": 7}),
        ("reissued", {"replacement": 12}),
        ("searched", {"query": "11234567892"}),
        ("listed", {}),
        ("issued-by-api", {}),
        ("voided", {}),
        ("", {}),
        ("something else", {}),
    ]
    db.session.remove()
    downgrade(revision="d5f42384eacc")
    with db.engine.connect() as connection:
        summaries = connection.execute(text("SELECT summary FROM audit_events ORDER BY id"))
        assert [row[0] for row in summaries] == old


def insert_required(connection, table_name: str, **values) -> None:
    """A row with only the columns the table requires, filled with plain values (foreign
    keys all point at row 1), as an older schema has them."""
    from datetime import UTC, date, datetime, time

    from sqlalchemy import MetaData, Table

    table = Table(table_name, MetaData(), autoload_with=connection)
    plain = {
        int: 1,
        str: "x",
        bool: True,
        datetime: datetime(2026, 11, 25, 10, tzinfo=UTC),
        date: date(2026, 11, 25),
        time: time(9),
    }
    row = {
        column.name: plain[column.type.python_type]
        for column in table.columns
        if not column.nullable and column.server_default is None
    }
    connection.execute(table.insert().values(**{**row, **values}))


def test_existing_bookings_get_their_own_random_calendar_uid(empty_app):
    """8633ec994a05 gives every booking a uuid4 UID (it was booking-<id>@host)."""
    import uuid

    from sqlalchemy import text

    upgrade(revision="e6476ba9e5b2")
    with db.engine.begin() as connection:
        for table in ("district_centres", "subjects", "desks", "slots", "referrals"):
            insert_required(connection, table, id=1)
        for number in (1, 2, 3):
            insert_required(connection, "bookings", id=number, status="cancelled")
    upgrade()
    with db.engine.connect() as connection:
        uids = connection.execute(text("SELECT invite_uid FROM bookings ORDER BY id")).scalars()
        uids = list(uids)
    assert len(set(uids)) == 3
    assert all(uuid.UUID(uid).version == 4 for uid in uids)
    downgrade(revision="e6476ba9e5b2")
    assert "invite_uid" not in {c["name"] for c in inspect(db.engine).get_columns("bookings")}
