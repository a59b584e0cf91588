"""Database helpers shared by the domain packages."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, event
from sqlalchemy.types import TypeDecorator

LISBON = ZoneInfo("Europe/Lisbon")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every database.

    SQLite has no time zones: values are stored as naive UTC and come back
    aware, so comparisons with ``utcnow()`` behave the same as on PostgreSQL.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware UTC one is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _lisbon_day(stored: str | None) -> str | None:
    """SQLite keeps naive UTC text; the Lisbon date of it, as ISO text."""
    if stored is None:
        return None
    moment = datetime.fromisoformat(stored).replace(tzinfo=UTC)
    return moment.astimezone(LISBON).date().isoformat()


def tune_sqlite(engine) -> None:
    """Make SQLite safe for concurrent writers.

    pysqlite starts transactions lazily, so two requests that read and then
    write can deadlock and fail at once with "database is locked". Taking the
    write lock when the transaction begins (BEGIN IMMEDIATE) makes them wait
    their turn instead; WAL lets readers carry on meanwhile.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # The evaluation counts days in Lisbon (portal.evaluation.sql).
        dbapi_connection.create_function("lisbon_day", 1, _lisbon_day, deterministic=True)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def render_migration_type(type_, obj, autogen_context):
    """Write our column types into migrations as plain SQLAlchemy types.

    Migrations must not import application code, which changes over time.
    """
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
