"""Timetables as plain values: today's desks, and the changes a manager tries.

A ``PlannedDesk`` has what ``portal.scheduling.slots.slot_times`` reads from a
desk (opening hours, closures, slot length), so the replay publishes slots with
the portal's own function, holidays and closures included, without touching
the desks in the database.
"""

from dataclasses import dataclass, field, replace
from datetime import date, time

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.scheduling.models import Desk

WORKING_WEEK = range(5)  # Monday to Friday
NEW_DESK_OPENS = time(9)
LAST_CLOSING = time(23, 30)  # added hours never run past this


@dataclass(frozen=True)
class Hours:
    weekday: int
    opens: time
    closes: time


@dataclass(frozen=True)
class Closed:
    starts_on: date
    ends_on: date

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True)
class PlannedDesk:
    key: str  # "desk-<id>" for a desk of today, "new-<n>" for one the manager adds
    name: str
    centre_id: int
    centre_name: str
    subject_ids: frozenset[int]
    opening_hours: tuple[Hours, ...]
    closures: tuple[Closed, ...] = ()
    slot_minutes: int = 30
    parallel_attendants: int = 1

    @property
    def weekly_minutes(self) -> int:
        return sum(_minutes(h.closes) - _minutes(h.opens) for h in self.opening_hours)


def _minutes(clock: time) -> int:
    return clock.hour * 60 + clock.minute


def _clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def todays_timetable() -> list[PlannedDesk]:
    """Every remote desk as it is today: hours, closures, subjects, attendants."""
    desks = db.session.scalars(
        select(Desk)
        .where(Desk.remote_enabled.is_(True))
        .options(
            selectinload(Desk.opening_hours),
            selectinload(Desk.closures),
            selectinload(Desk.subjects),
            selectinload(Desk.centre),
        )
        .order_by(Desk.id)
    )
    return [
        PlannedDesk(
            key=f"desk-{desk.id}",
            name=desk.name,
            centre_id=desk.centre_id,
            centre_name=desk.centre.name,
            subject_ids=frozenset(subject.id for subject in desk.subjects),
            opening_hours=tuple(Hours(h.weekday, h.opens, h.closes) for h in desk.opening_hours),
            closures=tuple(Closed(c.starts_on, c.ends_on) for c in desk.closures),
            slot_minutes=desk.slot_minutes,
            parallel_attendants=desk.parallel_attendants,
        )
        for desk in desks
    ]


def daily_block(weekly_hours: float, slot_minutes: int) -> int:
    """Minutes a day for ``weekly_hours`` spread over Monday to Friday, in whole slots."""
    per_day = int(weekly_hours * 60 / len(WORKING_WEEK))
    return per_day - per_day % slot_minutes


@dataclass(frozen=True)
class NewDesks:
    """Add ``count`` desks to a centre, each open ``weekly_hours`` from 09:00 on weekdays."""

    centre_id: int
    centre_name: str
    count: int
    weekly_hours: float
    subject_ids: frozenset[int]


@dataclass(frozen=True)
class MoreHours:
    """Open a desk ``weekly_hours`` longer, spread over weekdays after it closes now."""

    desk_key: str
    weekly_hours: float


@dataclass(frozen=True)
class MoreSubjects:
    """Let more desks attend a subject."""

    subject_id: int
    desk_keys: frozenset[str] = field(default_factory=frozenset)


def with_new_desks(desks: list[PlannedDesk], change: NewDesks) -> list[PlannedDesk]:
    length = daily_block(change.weekly_hours, 30)
    if change.count <= 0 or length <= 0:
        return desks
    closes = _clock(min(_minutes(NEW_DESK_OPENS) + length, _minutes(LAST_CLOSING)))
    hours = tuple(Hours(day, NEW_DESK_OPENS, closes) for day in WORKING_WEEK)
    added = [
        PlannedDesk(
            key=f"new-{change.centre_id}-{n}",
            name=f"{change.centre_name} +{n}",
            centre_id=change.centre_id,
            centre_name=change.centre_name,
            subject_ids=change.subject_ids,
            opening_hours=hours,
        )
        for n in range(1, change.count + 1)
    ]
    return desks + added


def with_more_hours(desks: list[PlannedDesk], change: MoreHours) -> list[PlannedDesk]:
    changed = []
    for desk in desks:
        length = daily_block(change.weekly_hours, desk.slot_minutes)
        if desk.key != change.desk_key or length <= 0:
            changed.append(desk)
            continue
        hours = list(desk.opening_hours)
        for day in WORKING_WEEK:
            closing = max(
                (_minutes(h.closes) for h in hours if h.weekday == day),
                default=_minutes(NEW_DESK_OPENS),
            )
            end = min(closing + length, _minutes(LAST_CLOSING))
            if end > closing:
                hours.append(Hours(day, _clock(closing), _clock(end)))
        changed.append(replace(desk, opening_hours=tuple(hours)))
    return changed


def with_more_subjects(desks: list[PlannedDesk], change: MoreSubjects) -> list[PlannedDesk]:
    return [
        replace(desk, subject_ids=desk.subject_ids | {change.subject_id})
        if desk.key in change.desk_keys
        else desk
        for desk in desks
    ]


def hypothetical(desks: list[PlannedDesk], changes) -> list[PlannedDesk]:
    """Today's desks with each change applied, in order."""
    apply = {NewDesks: with_new_desks, MoreHours: with_more_hours, MoreSubjects: with_more_subjects}
    for change in changes:
        desks = apply[type(change)](desks, change)
    return desks
