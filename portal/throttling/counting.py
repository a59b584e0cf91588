"""One atomic upsert per counter, on PostgreSQL and SQLite alike.

``INSERT … ON CONFLICT (key) DO UPDATE SET … RETURNING …``: the database
serialises concurrent writers of a key on the row, so every attempt counts and
each writer sees the count its own write produced. It runs in the counters'
own short transaction (``transaction.counter_transaction``).
"""

from sqlalchemy import literal
from sqlalchemy.dialects import postgresql, sqlite

from portal.database import UTCDateTime


def upsert(connection, table, values: dict, on_conflict: dict, returning):
    """The insert-or-update statement for ``connection``'s dialect, executed; its row."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(table)
        .values(**values)
        .on_conflict_do_update(index_elements=["key"], set_=on_conflict)
        .returning(*returning)
    )
    return connection.execute(statement).one()


def moment(value):
    """A timestamp as an SQL value (aware UTC, stored the way each database wants)."""
    return literal(value, UTCDateTime())
