"""Plain functions over a period (Lisbon days, inclusive), tested on a known data set.

Each table is one aggregate query over the period, grouped in the database
(``GROUPS``); nothing is aggregated in Python, so two years read as fast as a
month. Definitions, so that everyone reads the figures alike:
- *referrals issued*: codes created in the period;
- *bookings*: sessions confirmed at some point whose date falls in the period;
  *cancellations*, *no-shows* and *attended* are those bookings by their status now;
- *waiting days*: for bookings not cancelled, the session's date minus the referral's
  date (both in Lisbon), the pilot's measure, against the 9-day national average;
- *gain over in-person*: where the agent noted the earliest in-person date, that date
  minus the session's date (positive: the video session came sooner);
- *utilisation*: seats of bookings not cancelled over seats published, per desk;
- *funnel*: the codes issued in the period, each followed to its latest confirmed
  booking (a code whose desk closed may be booked again), see ``FUNNEL``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, case, exists, func, literal_column, select, text, true

from portal.booking.models import Booking, BookingStatus, CancelReason
from portal.device_check.models import DeviceCheck
from portal.evaluation import sql
from portal.extensions import db
from portal.referrals.models import Referral
from portal.scheduling.calendar import lisbon_to_utc
from portal.scheduling.models import Desk, DistrictCentre, Slot, Subject
from portal.waiting_list.models import WaitingListOffer

NATIONAL_AVERAGE_DAYS = 9
KEPT = (BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)
GROUPS = ("centre", "desk", "subject", "week")


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        midnight = datetime.min.time()
        return lisbon_to_utc(self.first, midnight), lisbon_to_utc(
            self.last + timedelta(days=1), midnight
        )

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class Waits:
    """Days from referral to session for one group of bookings."""

    label: str | date  # a name, or the Monday of a week
    count: int
    mean: float | None
    median: float | None
    p90: float | None
    mean_gain: float | None  # days sooner than the in-person date offered
    gain_count: int

    @property
    def against_national(self) -> float | None:
        return None if self.mean is None else self.mean - NATIONAL_AVERAGE_DAYS


@dataclass(frozen=True)
class Counts:
    referrals: int
    bookings: int
    cancellations: int
    no_shows: int
    attended: int


@dataclass(frozen=True)
class Utilisation:
    desk: str
    booked: int
    offered: int

    @property
    def share(self) -> float | None:
        return self.booked / self.offered if self.offered else None


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _label(value, group: str):
    return _as_date(value) if group == "week" else value


def _in(column, period: Period):
    begins, ends = period.bounds
    return and_(column >= begins, column < ends)


def _group_column(group: str, session_day=None):
    """What a table is grouped by: a name, a week (of ``session_day``) or one row."""
    if group == "week":
        return sql.week_of(session_day)
    columns = {"centre": DistrictCentre.name, "desk": Desk.name, "subject": Subject.name_pt}
    return columns.get(group, literal_column("'all'"))


# --- Days from referral to session -------------------------------------------------


def _booking_rows(period: Period, ranked_by: str | None = None):
    """One row per booking kept in the period: its groups, waiting days and gain.

    With ``ranked_by`` (a group), each row also carries its rank and its group's
    size, for ``sql.ranked_percentile``.
    """
    session_day = sql.lisbon_day(Slot.starts_at)
    days = sql.days_between(session_day, sql.lisbon_day(Referral.created_at)).label("days")
    columns = [
        DistrictCentre.name.label("centre"),
        Desk.name.label("desk"),
        Subject.name_pt.label("subject"),
        sql.week_of(session_day).label("week"),
        literal_column("'all'").label("all"),
        days,
        sql.days_between(Referral.in_person_date, session_day).label("gain"),
    ]
    if ranked_by is not None:
        group = next(column for column in columns if column.name == ranked_by)
        columns += sql.ranked_columns(days, group)
    return (
        select(*columns)
        .select_from(Booking)
        .join(Slot, Slot.id == Booking.slot_id)
        .join(Desk, Desk.id == Slot.desk_id)
        .join(DistrictCentre, DistrictCentre.id == Desk.centre_id)
        .join(Referral, Referral.id == Booking.referral_id)
        .join(Subject, Subject.id == Referral.subject_id)
        .where(
            Booking.confirmed_at.is_not(None),
            Booking.status.in_(KEPT),
            _in(Slot.starts_at, period),
        )
        .subquery("kept")
    )


def _waits_columns(rows, median, p90):
    return (
        func.count(),
        func.avg(rows.c.days),
        median,
        p90,
        func.avg(rows.c.gain),
        func.count(rows.c.gain),
    )


def _waits(label, count, mean, median, p90, mean_gain, gains) -> Waits:
    as_float = (None if value is None else float(value) for value in (mean, median, p90, mean_gain))
    mean, median, p90, mean_gain = as_float
    return Waits(label, count, mean, median, p90, mean_gain, gains)


def _uses_percentile_cont() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _room_to_sort() -> None:
    """Let PostgreSQL sort two years of rows in memory rather than on disk (the
    default 4 MB spills), for this transaction only."""
    db.session.execute(text("SET LOCAL work_mem = '32MB'"))


def referral_to_session_days(period: Period, group: str = "all", ranked=None) -> list[Waits]:
    """Recorded days from referral to session (mean, median, 90th percentile), by group.

    ``group``: "centre", "desk", "subject", "week" (of the session) or "all".
    One query. Percentiles use ``percentile_cont`` on PostgreSQL and the same
    interpolation over window-ranked rows elsewhere; ``ranked`` forces one of the
    two (tests compare them on the same data).
    """
    if ranked is None:
        ranked = not _uses_percentile_cont()
    rows = _booking_rows(period, ranked_by=group if ranked else None)
    if ranked:
        median, p90 = (
            sql.ranked_percentile(p, rows.c.days, rows.c.rank, rows.c.size) for p in (0.5, 0.9)
        )
    else:
        median, p90 = (sql.percentile_cont(p, rows.c.days) for p in (0.5, 0.9))
    label = rows.c[group]
    found = db.session.execute(
        select(label, *_waits_columns(rows, median, p90)).group_by(label).order_by(label)
    ).all()
    # Sorted here as waits_tables sorts, whatever the database's collation.
    return sorted((_waits(_label(row[0], group), *row[1:]) for row in found), key=_by_label)


# GROUPING(centre, desk, subject, week) of each grouping set: a bit per column left out.
_SETS = {15: "all", 7: "centre", 11: "desk", 13: "subject", 14: "week"}
_GROUPING_SETS = text("GROUPING SETS ((), (centre), (desk), (subject), (week))")


def waits_tables(period: Period) -> dict[str, list[Waits]]:
    """``referral_to_session_days`` for "all" and every group of ``GROUPS``.

    On PostgreSQL one query reads the period once (GROUPING SETS); elsewhere one
    query per table.
    """
    if not _uses_percentile_cont():
        return {group: referral_to_session_days(period, group) for group in ("all", *GROUPS)}
    _room_to_sort()
    rows = _booking_rows(period)
    keys = (rows.c.centre, rows.c.desk, rows.c.subject, rows.c.week)
    median, p90 = (sql.percentile_cont(p, rows.c.days) for p in (0.5, 0.9))
    found = db.session.execute(
        select(func.grouping(*keys), *keys, *_waits_columns(rows, median, p90)).group_by(
            _GROUPING_SETS
        )
    ).all()
    tables = _by_set(found, lambda group, label, values: _waits(label, *values))
    tables["all"] = [w for w in tables["all"] if w.count]  # an empty period has no row
    return tables


def _by_set(found, make) -> dict[str, list]:
    """Rows of a GROUPING SETS query, as one sorted table per group."""
    tables: dict[str, list] = {group: [] for group in ("all", *GROUPS)}
    for sets, *keys_and_values in found:
        group = _SETS[sets]
        keys, values = keys_and_values[:4], keys_and_values[4:]
        label = (
            "all" if group == "all" else keys[("centre", "desk", "subject", "week").index(group)]
        )
        if label is None:
            continue  # codes not booked, by desk or centre
        tables[group].append(make(group, _label(label, group), values))
    for rows in tables.values():
        rows.sort(key=_by_label)
    return tables


def _by_label(row):
    return row.label


def no_waits() -> Waits:
    return Waits("all", 0, None, None, None, None, 0)


def recorded_waits(period: Period) -> Waits:
    """All desks together: the figure to set against the national average."""
    found = referral_to_session_days(period, "all")
    return found[0] if found else no_waits()


# --- Activity and utilisation -----------------------------------------------------


def counts(period: Period) -> Counts:
    """One query: codes issued, and the period's bookings by their status now."""
    referrals = (
        select(func.count())
        .select_from(Referral)
        .where(_in(Referral.created_at, period))
        .scalar_subquery()
    )

    def having(status):
        return func.coalesce(func.sum(case((Booking.status == status, 1), else_=0)), 0)

    row = db.session.execute(
        select(
            referrals,
            func.count(Booking.id),
            having(BookingStatus.CANCELLED),
            having(BookingStatus.NO_SHOW),
            having(BookingStatus.ATTENDED),
        )
        .select_from(Booking)
        .join(Slot, Slot.id == Booking.slot_id)
        .where(Booking.confirmed_at.is_not(None), _in(Slot.starts_at, period))
    ).one()
    return Counts(*(int(value) for value in row))


def utilisation(period: Period) -> list[Utilisation]:
    """One query: seats booked (not cancelled) and seats published, per desk."""
    # Seats and bookings are summed per desk apart, then joined: no grouping by slot.
    offered = (
        select(Slot.desk_id, func.sum(Slot.capacity).label("seats"))
        .where(_in(Slot.starts_at, period))
        .group_by(Slot.desk_id)
        .subquery("offered")
    )
    booked = (
        select(Slot.desk_id, func.count().label("seats"))
        .join(Booking, Booking.slot_id == Slot.id)
        .where(_in(Slot.starts_at, period), Booking.status.in_(KEPT))
        .group_by(Slot.desk_id)
        .subquery("booked")
    )
    found = db.session.execute(
        select(Desk.name, func.sum(func.coalesce(booked.c.seats, 0)), func.sum(offered.c.seats))
        .join(offered, offered.c.desk_id == Desk.id)
        .outerjoin(booked, booked.c.desk_id == Desk.id)
        .group_by(Desk.name)
        .order_by(Desk.name)
    ).all()
    return [Utilisation(name, int(booked), int(offered or 0)) for name, booked, offered in found]


# --- The funnel --------------------------------------------------------------------


@dataclass(frozen=True)
class Joined:
    """What a stage's condition may use besides the code (``Referral``) and its
    latest confirmed booking (``Booking``): subqueries narrowed to the period."""

    booked: ColumnElement  # the code has a confirmed booking
    checked: ColumnElement  # the code has a device check


@dataclass(frozen=True)
class Stage:
    """A step of the funnel: its key (CSV, tests), its name and which codes reached it."""

    key: str
    name: str
    reached: Callable[[Joined], ColumnElement]


def _ended(reason: CancelReason):
    return lambda _joined: and_(
        Booking.status == BookingStatus.CANCELLED, Booking.cancelled_reason == reason
    )


def _status(status: BookingStatus):
    return lambda _joined: Booking.status == status


def _offered(_joined):
    """The waiting list offered the code a freed time at least once."""
    return exists().where(WaitingListOffer.referral_id == Referral.id)


def _booked_after_offer(joined):
    """Its booking was made after an offer (the person came back and took a time)."""
    return and_(
        joined.booked,
        exists().where(
            WaitingListOffer.referral_id == Referral.id,
            WaitingListOffer.offered_at <= Booking.created_at,
        ),
    )


# In order; adding a stage is one line here (and its text in the catalogs).
FUNNEL = [
    Stage("issued", _l("Codes issued"), lambda _joined: true()),
    Stage("booked", _l("Booked"), lambda joined: joined.booked),
    Stage("device_checked", _l("Device check done"), lambda j: and_(j.booked, j.checked)),
    Stage("ahead", _l("Booked, no outcome yet"), _status(BookingStatus.CONFIRMED)),
    Stage("attended", _l("Attended"), _status(BookingStatus.ATTENDED)),
    Stage("no_show", _l("No-show"), _status(BookingStatus.NO_SHOW)),
    Stage("cancelled_person", _l("Cancelled by the person"), _ended(CancelReason.PERSON)),
    Stage(
        "cancelled_phone_line", _l("Withdrawn by the phone line"), _ended(CancelReason.PHONE_LINE)
    ),
    Stage("cancelled_closure", _l("Cancelled: desk closed"), _ended(CancelReason.CLOSURE)),
    Stage("rebooked_by_phone", _l("Rebooked by phone"), _ended(CancelReason.REBOOKED_BY_PHONE)),
    Stage("waiting_list_offer", _l("Waiting-list offer"), _offered),
    Stage("booked_after_offer", _l("Booked after an offer"), _booked_after_offer),
]


@dataclass(frozen=True)
class Funnel:
    label: str | date
    stages: dict[str, int | None]  # by Stage.key; None: not counted for this grouping


def _code_rows(period: Period):
    """One row per code issued in the period: its groups and a 0/1 column per stage."""
    # Narrowed cheaply: a code's bookings and checks come after it was issued.
    begins, _ends = period.bounds
    latest = (
        select(Booking.referral_id, func.max(Booking.id).label("booking_id"))
        .where(Booking.confirmed_at.is_not(None), Booking.created_at >= begins)
        .group_by(Booking.referral_id)
        .subquery("latest")
    )
    checked = (
        select(DeviceCheck.referral_id)
        .where(DeviceCheck.checked_at >= begins)
        .distinct()
        .subquery("checked")
    )
    joined = Joined(latest.c.booking_id.is_not(None), checked.c.referral_id.is_not(None))
    return (
        select(
            DistrictCentre.name.label("centre"),
            Desk.name.label("desk"),
            Subject.name_pt.label("subject"),
            sql.week_of(sql.lisbon_day(Referral.created_at)).label("week"),
            literal_column("'all'").label("all"),
            *(case((stage.reached(joined), 1), else_=0).label(stage.key) for stage in FUNNEL),
        )
        .select_from(Referral)
        .join(Subject, Subject.id == Referral.subject_id)
        .outerjoin(latest, latest.c.referral_id == Referral.id)
        .outerjoin(Booking, Booking.id == latest.c.booking_id)
        .outerjoin(Slot, Slot.id == Booking.slot_id)
        .outerjoin(Desk, Desk.id == Slot.desk_id)
        .outerjoin(DistrictCentre, DistrictCentre.id == Desk.centre_id)
        .outerjoin(checked, checked.c.referral_id == Referral.id)
        .where(_in(Referral.created_at, period))
        .subquery("codes")
    )


def _sums(rows):
    return [func.coalesce(func.sum(rows.c[stage.key]), 0) for stage in FUNNEL]


def _funnel(group: str, label, values) -> Funnel:
    by_desk = group in ("centre", "desk")
    return Funnel(
        label,
        {
            stage.key: None if by_desk and stage.key == "issued" else int(value)
            for stage, value in zip(FUNNEL, values, strict=True)
        },
    )


def funnel(period: Period, group: str = "all") -> list[Funnel]:
    """The codes issued in the period, followed to their latest confirmed booking.

    One query. By "week" of issue, "subject", or "all"; by "centre" and "desk"
    a code counts once booked there (before that it belongs to no desk), so
    those rows have no "issued" figure.
    """
    rows = _code_rows(period)
    if group == "all":  # one row, even for no codes at all
        query = select(literal_column("'all'"), *_sums(rows))
    else:
        label = rows.c[group]
        query = select(label, *_sums(rows)).group_by(label).order_by(label)
    found = [
        _funnel(group, _label(row[0], group), row[1:])
        for row in db.session.execute(query)
        if row[0] is not None  # codes not booked, by desk or centre
    ]
    return sorted(found, key=_by_label)


def funnel_tables(period: Period) -> dict[str, list[Funnel]]:
    """``funnel`` for "all" and every group: one query on PostgreSQL (GROUPING SETS)."""
    if not _uses_percentile_cont():
        return {group: funnel(period, group) for group in ("all", *GROUPS)}
    _room_to_sort()
    rows = _code_rows(period)
    keys = (rows.c.centre, rows.c.desk, rows.c.subject, rows.c.week)
    found = db.session.execute(
        select(func.grouping(*keys), *keys, *_sums(rows)).group_by(_GROUPING_SETS)
    ).all()
    tables = _by_set(found, _funnel)
    if not tables["all"]:  # no codes at all: still one row of zeros
        tables["all"] = funnel(period, "all")
    return tables
