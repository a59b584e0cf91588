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
