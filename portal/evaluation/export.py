"""The evaluation as one tidy ("long") CSV: a row per (table, group, measure).

Every row has the same six fields, so a spreadsheet or a script reads it without
guessing. Portuguese files open in Excel set to Portuguese: UTF-8 with a BOM,
";" between fields and a decimal comma; English files use "," and a point.
"""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from babel import Locale
from babel.numbers import parse_pattern
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.evaluation import figures

COUNT, DAYS, DIFFERENCE, PERCENT = "count", "days", "difference", "percent"


@dataclass(frozen=True)
class Row:
    table: str
    grouping: str  # "all" or one of figures.GROUPS (and "desk" for utilisation)
    group: str | date
    measure: str
    unit: str
    value: int | float


TABLES = {
    "waits": _l("Days from referral to session"),
    "utilisation": _l("Utilisation per desk"),
    "funnel": _l("From code to session"),
}
GROUPINGS = {
    "all": _l("All"),
    "centre": _l("District centre"),
    "desk": _l("Desk"),
    "subject": _l("Subject"),
    "week": _l("Week beginning"),
}
MEASURES = {
    "sessions": _l("Sessions"),
    "mean": _l("Mean days"),
    "median": _l("Median days"),
    "p90": _l("90th percentile"),
    "against_national": _l("Against the national average"),
    "with_in_person_date": _l("Sessions with an in-person date noted"),
    "sooner_than_in_person": _l("Days sooner than in person"),
    "seats_booked": _l("Seats booked"),
    "seats_published": _l("Seats published"),
    "utilisation": _l("Utilisation"),
}
UNITS = {
    COUNT: _l("number"),
    DAYS: _l("days"),
    DIFFERENCE: _l("days (difference)"),
    PERCENT: _l("percent"),
}


def tidy_rows(period: figures.Period) -> Iterator[Row]:
    """The page's tables, one figure per row; a figure without data has no row."""
    yield from _waits_rows(period)
    yield from _utilisation_rows(period)
    yield from _funnel_rows(period)


def _waits_rows(period: figures.Period) -> Iterator[Row]:
    for grouping, table in figures.waits_tables(period).items():
        for w in table:
            for measure, unit, value in (
                ("sessions", COUNT, w.count),
                ("mean", DAYS, w.mean),
                ("median", DAYS, w.median),
                ("p90", DAYS, w.p90),
                ("against_national", DIFFERENCE, w.against_national),
                ("with_in_person_date", COUNT, w.gain_count),
                ("sooner_than_in_person", DIFFERENCE, w.mean_gain),
            ):
                if value is not None:
                    yield Row("waits", grouping, w.label, measure, unit, value)


def _utilisation_rows(period: figures.Period) -> Iterator[Row]:
    for u in figures.utilisation(period):
        yield Row("utilisation", "desk", u.desk, "seats_booked", COUNT, u.booked)
        yield Row("utilisation", "desk", u.desk, "seats_published", COUNT, u.offered)
        if u.share is not None:
            yield Row("utilisation", "desk", u.desk, "utilisation", PERCENT, u.share * 100)


def _funnel_rows(period: figures.Period) -> Iterator[Row]:
    for grouping, table in figures.funnel_tables(period).items():
        for f in table:
            for key, value in f.stages.items():
                if value is not None:
                    yield Row("funnel", grouping, f.label, key, COUNT, value)


class _Line:
    """A file-like object that hands back what csv.writer wrote, one row at a time."""

    def write(self, text: str) -> str:
        return text


def csv_lines(rows: Iterable[Row], language: str) -> Iterator[str]:
    """The file, a line at a time (flat memory), in ``language`` (headers, numbers)."""
    portuguese = language.startswith("pt")
    writer = csv.writer(_Line(), delimiter=";" if portuguese else ",")
    locale = Locale.parse("pt_PT" if portuguese else "en_GB")
    decimal = parse_pattern("0.0##")  # parsed once: thousands of figures in two years

    def number(value, unit) -> str:
        if unit == COUNT:
            return str(int(value))
        return decimal.apply(value, locale)

    # Every name translated once, not once per row.
    tables, groupings, units, measures = (
        {key: str(name) for key, name in names.items()}
        for names in (TABLES, GROUPINGS, UNITS, MEASURES)
    )
    stages = {stage.key: str(stage.name) for stage in figures.FUNNEL}  # read now: may grow
    everyone = _("All")

    header = [_("table"), _("grouping"), _("group"), _("measure"), _("unit"), _("value")]
    yield ("\ufeff" if portuguese else "") + writer.writerow(header)
    for row in rows:
        group = everyone if row.grouping == "all" else row.group
        if isinstance(group, date):
            group = group.isoformat()
        measure = stages[row.measure] if row.table == "funnel" else measures[row.measure]
        yield writer.writerow(
            [
                tables[row.table],
                groupings[row.grouping],
                group,
                measure,
                units[row.unit],
                number(row.value, row.unit),
            ]
        )
