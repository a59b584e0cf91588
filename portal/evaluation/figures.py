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

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, literal_column, select

from portal.booking.models import Booking, BookingStatus, CancelReason
from portal.device_check.models import DeviceCheck
from portal.evaluation import sql
from portal.extensions import db
from portal.referrals.models import Referral
from portal.scheduling.calendar import lisbon_to_utc
from portal.scheduling.models import Desk, DistrictCentre, Slot, Subject

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


def referral_to_session_days(period: Period, group: str = "all", ranked=None) -> list[Waits]:
    """Recorded days from referral to session (mean, median, 90th percentile), by group.

    ``group``: "centre", "desk", "subject", "week" (of the session) or "all".
    One query. Percentiles use ``percentile_cont`` on PostgreSQL and the same
    interpolation over window-ranked rows elsewhere; ``ranked`` forces one of the
    two (tests compare them on the same data).
    """
    session_day = sql.lisbon_day(Slot.starts_at)
    label = _group_column(group, session_day).label("label")
    days = sql.days_between(session_day, sql.lisbon_day(Referral.created_at)).label("days")
    gain = sql.days_between(Referral.in_person_date, session_day).label("gain")
    if ranked is None:
        ranked = db.session.get_bind().dialect.name != "postgresql"
    extra = sql.ranked_columns(days, label) if ranked else ()
    rows = (
        select(label, days, gain, *extra)
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
        .subquery()
    )
    if ranked:
        median, p90 = (
            sql.ranked_percentile(p, rows.c.days, rows.c.rank, rows.c.size) for p in (0.5, 0.9)
        )
    else:
        median, p90 = (sql.percentile_cont(p, rows.c.days) for p in (0.5, 0.9))
    found = db.session.execute(
        select(
            rows.c.label,
            func.count(),
            func.avg(rows.c.days),
            median,
            p90,
            func.avg(rows.c.gain),
            func.count(rows.c.gain),
        )
        .group_by(rows.c.label)
        .order_by(rows.c.label)
    ).all()
    return [
        Waits(
            _label(name, group),
            count,
            float(mean),
            float(middle),
            float(ninetieth),
            None if mean_gain is None else float(mean_gain),
            gains,
        )
        for name, count, mean, middle, ninetieth, mean_gain, gains in found
    ]


def waits_by(period: Period, group: str) -> list[Waits]:
    """Waiting days grouped by "centre", "desk", "subject", "week" (or "all"), by label."""
    return referral_to_session_days(period, group)


def recorded_waits(period: Period) -> Waits:
    """All desks together: the figure to set against the national average."""
    found = referral_to_session_days(period, "all")
    return found[0] if found else Waits("all", 0, None, None, None, None, 0)


overall = recorded_waits  # the name the page and older callers use


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
    per_slot = (
        select(Slot.desk_id, Slot.capacity, func.count(Booking.id).label("booked"))
        .outerjoin(Booking, and_(Booking.slot_id == Slot.id, Booking.status.in_(KEPT)))
        .where(_in(Slot.starts_at, period))
        .group_by(Slot.id, Slot.desk_id, Slot.capacity)
        .subquery()
    )
    found = db.session.execute(
        select(Desk.name, func.sum(per_slot.c.booked), func.sum(per_slot.c.capacity))
        .join(per_slot, per_slot.c.desk_id == Desk.id)
        .group_by(Desk.name)
        .order_by(Desk.name)
    ).all()
    return [Utilisation(name, int(booked), int(offered or 0)) for name, booked, offered in found]


# --- The funnel --------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """A step of the funnel: its key (CSV, tests), its name and how it is counted."""

    key: str
    name: str
    count: object  # an aggregate over codes joined to their latest confirmed booking


_latest = (
    select(Booking.referral_id, func.max(Booking.id).label("booking_id"))
    .where(Booking.confirmed_at.is_not(None))
    .group_by(Booking.referral_id)
    .subquery("latest")
)
_checked = select(DeviceCheck.referral_id).distinct().subquery("checked")


def _booked_and(*conditions):
    return func.coalesce(func.sum(case((and_(*conditions), 1), else_=0)), 0)


def _ended(reason: CancelReason):
    return _booked_and(
        Booking.status == BookingStatus.CANCELLED, Booking.cancelled_reason == reason
    )


# In order; adding a stage is one line here (and its text in the catalogs).
FUNNEL = [
    Stage("issued", _l("Codes issued"), func.count(Referral.id)),
    Stage("booked", _l("Booked"), func.count(_latest.c.booking_id)),
    Stage(
        "device_checked",
        _l("Device check done"),
        _booked_and(_latest.c.booking_id.is_not(None), _checked.c.referral_id.is_not(None)),
    ),
    Stage(
        "ahead",
        _l("Booked, no outcome yet"),
        _booked_and(Booking.status == BookingStatus.CONFIRMED),
    ),
    Stage("attended", _l("Attended"), _booked_and(Booking.status == BookingStatus.ATTENDED)),
    Stage("no_show", _l("No-show"), _booked_and(Booking.status == BookingStatus.NO_SHOW)),
    Stage("cancelled_person", _l("Cancelled by the person"), _ended(CancelReason.PERSON)),
    Stage(
        "cancelled_phone_line", _l("Withdrawn by the phone line"), _ended(CancelReason.PHONE_LINE)
    ),
    Stage("cancelled_closure", _l("Cancelled: desk closed"), _ended(CancelReason.CLOSURE)),
    Stage("rebooked_by_phone", _l("Rebooked by phone"), _ended(CancelReason.REBOOKED_BY_PHONE)),
]


@dataclass(frozen=True)
class Funnel:
    label: str | date
    stages: dict[str, int | None]  # by Stage.key; None: not counted for this grouping


def funnel(period: Period, group: str = "all") -> list[Funnel]:
    """The codes issued in the period, followed to their latest confirmed booking.

    One query. By "week" of issue, "subject", or "all"; by "centre" and "desk"
    a code counts once booked there (before that it belongs to no desk), so
    those rows have no "issued" figure.
    """
    label = _group_column(group, sql.lisbon_day(Referral.created_at)).label("label")
    query = (
        select(label, *(stage.count for stage in FUNNEL))
        .select_from(Referral)
        .join(Subject, Subject.id == Referral.subject_id)
        .outerjoin(_latest, _latest.c.referral_id == Referral.id)
        .outerjoin(Booking, Booking.id == _latest.c.booking_id)
        .outerjoin(Slot, Slot.id == Booking.slot_id)
        .outerjoin(Desk, Desk.id == Slot.desk_id)
        .outerjoin(DistrictCentre, DistrictCentre.id == Desk.centre_id)
        .outerjoin(_checked, _checked.c.referral_id == Referral.id)
        .where(_in(Referral.created_at, period))
    )
    if group != "all":  # PostgreSQL refuses to group by a constant
        query = query.group_by(label).order_by(label)
    by_desk = group in ("centre", "desk")
    if by_desk:
        query = query.where(_latest.c.booking_id.is_not(None))
    return [
        Funnel(
            _label(row[0], group),
            {
                stage.key: None if by_desk and stage.key == "issued" else int(value)
                for stage, value in zip(FUNNEL, row[1:], strict=True)
            },
        )
        for row in db.session.execute(query)
    ]
