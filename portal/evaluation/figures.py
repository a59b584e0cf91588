"""Plain functions over a period (Lisbon days, inclusive), tested on a known data set.

Definitions, so that everyone reads the figures alike:
- *referrals issued*: codes created in the period;
- *bookings*: sessions confirmed at some point whose date falls in the period;
  *cancellations*, *no-shows* and *attended* are those bookings by their status now;
- *waiting days*: for bookings not cancelled, the session's date minus the referral's
  date (both in Lisbon), the pilot's measure, against the 9-day national average;
- *gain over in-person*: where the agent noted the earliest in-person date, that date
  minus the session's date (positive: the video session came sooner);
- *utilisation*: seats of bookings not cancelled over seats published, per desk.
"""

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from portal.booking.models import Booking, BookingStatus
from portal.extensions import db
from portal.referrals.models import Referral
from portal.scheduling.calendar import lisbon_to_utc, to_lisbon
from portal.scheduling.models import Desk, DistrictCentre, Slot, Subject

NATIONAL_AVERAGE_DAYS = 9
KEPT = (BookingStatus.CONFIRMED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)


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

    label: str
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


def percentile_90(values: list[int]) -> float:
    """The 90th percentile, interpolated between the closest ranks (inclusive method)."""
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def summarise(label: str, waits: list[int], gains: list[int]) -> Waits:
    if not waits:
        return Waits(label, 0, None, None, None, None, 0)
    return Waits(
        label,
        len(waits),
        statistics.fmean(waits),
        float(statistics.median(waits)),
        percentile_90(waits),
        statistics.fmean(gains) if gains else None,
        len(gains),
    )


def _booking_rows(period: Period):
    begins, ends = period.bounds
    return db.session.execute(
        select(
            Booking.status,
            Slot.starts_at,
            Referral.created_at,
            Referral.in_person_date,
            Desk.name,
            DistrictCentre.name,
            Subject.name_pt,
        )
        .join(Slot, Slot.id == Booking.slot_id)
        .join(Desk, Desk.id == Slot.desk_id)
        .join(DistrictCentre, DistrictCentre.id == Desk.centre_id)
        .join(Referral, Referral.id == Booking.referral_id)
        .join(Subject, Subject.id == Referral.subject_id)
        .where(Booking.confirmed_at.is_not(None), Slot.starts_at >= begins, Slot.starts_at < ends)
    ).all()


def counts(period: Period) -> Counts:
    begins, ends = period.bounds
    referrals = db.session.scalar(
        select(func.count())
        .select_from(Referral)
        .where(Referral.created_at >= begins, Referral.created_at < ends)
    )
    statuses = [row[0] for row in _booking_rows(period)]
    return Counts(
        referrals=referrals,
        bookings=len(statuses),
        cancellations=statuses.count(BookingStatus.CANCELLED),
        no_shows=statuses.count(BookingStatus.NO_SHOW),
        attended=statuses.count(BookingStatus.ATTENDED),
    )


def waits_by(period: Period, group: str) -> list[Waits]:
    """Waiting days grouped by "centre", "desk" or "subject" (or "all"), by label."""
    column = {"desk": 4, "centre": 5, "subject": 6}.get(group)
    groups: dict[str, tuple[list[int], list[int]]] = {}
    for row in _booking_rows(period):
        if row[0] not in KEPT:
            continue
        session_day = to_lisbon(row[1]).date()
        label = row[column] if column else "all"
        waits, gains = groups.setdefault(label, ([], []))
        waits.append((session_day - to_lisbon(row[2]).date()).days)
        if row[3] is not None:
            gains.append((row[3] - session_day).days)
    return [summarise(label, *groups[label]) for label in sorted(groups)]


def overall(period: Period) -> Waits:
    found = waits_by(period, "all")
    return found[0] if found else summarise("all", [], [])


def utilisation(period: Period) -> list[Utilisation]:
    begins, ends = period.bounds
    in_period = (Slot.starts_at >= begins, Slot.starts_at < ends)
    offered = db.session.execute(
        select(Desk.name, func.sum(Slot.capacity))
        .join(Slot, Slot.desk_id == Desk.id)
        .where(*in_period)
        .group_by(Desk.name)
    ).all()
    booked = dict(
        db.session.execute(
            select(Desk.name, func.count(Booking.id))
            .join(Slot, Slot.desk_id == Desk.id)
            .join(Booking, Booking.slot_id == Slot.id)
            .where(*in_period, Booking.status.in_(KEPT))
            .group_by(Desk.name)
        ).all()
    )
    return [
        Utilisation(name, booked.get(name, 0), int(seats or 0)) for name, seats in sorted(offered)
    ]
