"""Day arithmetic and percentiles that read the same on PostgreSQL and SQLite.

The pilot counts days in Lisbon (a session at 00:30 Lisbon time in summer is
23:30 UTC the day before), so timestamps are turned into Lisbon dates in SQL:
PostgreSQL with ``timezone()``, SQLite with ``lisbon_day()``, a function the
app registers on each SQLite connection (``portal.database.tune_sqlite``).
"""

from sqlalchemy import Date, Float, Integer, case, cast, func
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

TIME_ZONE = "Europe/Lisbon"


class lisbon_day(FunctionElement):  # noqa: N801 — reads as the SQL function it is
    """The Lisbon calendar date of a UTC timestamp column."""

    type = Date()
    name = "lisbon_day"
    inherit_cache = True


@compiles(lisbon_day, "postgresql")
def _lisbon_day_pg(element, compiler, **kw):
    return f"CAST(timezone('{TIME_ZONE}', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(lisbon_day, "sqlite")
def _lisbon_day_sqlite(element, compiler, **kw):
    return f"lisbon_day({compiler.process(element.clauses, **kw)})"


class days_between(FunctionElement):  # noqa: N801
    """Whole days from the second date to the first (negative if it comes before)."""

    type = Integer()
    name = "days_between"
    inherit_cache = True


@compiles(days_between, "postgresql")
def _days_between_pg(element, compiler, **kw):
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"({later} - {earlier})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


class week_of(FunctionElement):  # noqa: N801
    """The Monday that begins the (ISO) week of a date."""

    type = Date()
    name = "week_of"
    inherit_cache = True


@compiles(week_of, "postgresql")
def _week_of_pg(element, compiler, **kw):
    # date_trunc weeks begin on Monday; the day is written (and computed) once.
    day = compiler.process(element.clauses, **kw)
    return f"CAST(date_trunc('week', CAST({day} AS TIMESTAMP)) AS DATE)"


@compiles(week_of, "sqlite")
def _week_of_sqlite(element, compiler, **kw):
    # Back six days, then forward to the next Monday: the Monday on or before.
    return f"date({compiler.process(element.clauses, **kw)}, '-6 days', 'weekday 1')"


def percentile_cont(fraction: float, value):
    """PostgreSQL's ordered-set aggregate: interpolated between the closest ranks."""
    return func.percentile_cont(fraction).within_group(value)


def ranked_columns(value, group):
    """Window columns for ``ranked_percentile``: a row's rank (from 0) and its group's size."""
    return (
        (func.row_number().over(partition_by=group, order_by=value) - 1).label("rank"),
        func.count().over(partition_by=group).label("size"),
    )


def ranked_percentile(fraction: float, value, rank, size):
    """``percentile_cont`` over rows ranked by window functions, for SQLite.

    The same definition: position h = (n − 1) × fraction; the values at ranks
    floor(h) and floor(h) + 1, interpolated by h − floor(h). Aggregated per group.
    """
    position = (size - 1) * fraction
    below = cast(position, Integer)  # floor: positions are never negative
    share = position - below
    low = func.max(case((rank == below, value)))
    high = func.max(case((rank == below + case((share > 0, 1), else_=0), value)))
    return cast(low, Float) + func.max(share) * (high - low)
