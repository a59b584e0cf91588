"""The times offered to a person, computed in SQL: one row per start time, not per desk.

A person chooses *when*; the server chooses the desk when they hold the time
(``candidate_slots``). So the page's cost depends on how many distinct times
there are, not on how many desks publish them: the database groups the slots
by start time and returns a few dozen datetimes, and no ORM object is built per
slot. The index ``ix_slots_starts_at_desk_capacity`` (start time, desk,
capacity) lets it read a window of slots without visiting the table.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from portal.booking.models import Booking, BookingStatus
from portal.clock import now as clock_now
from portal.extensions import db
from portal.scheduling.calendar import lisbon_to_utc, to_lisbon
from portal.scheduling.models import Audience, Desk, DistrictCentre, Slot, Subject, desk_subjects
from portal.scheduling.slots import booking_window, serving_desk_conditions


def offer_window(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The UTC bounds of what may be booked at ``now`` (default: now), by this
    application's settings."""
    config = current_app.config
    return booking_window(
        now or clock_now(),
        config["BOOKING_LEAD_WORKING_DAYS"],
        config["BOOKING_HORIZON_WORKING_DAYS"],
    )


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """UTC bounds of a Lisbon calendar day (23 or 25 hours when the clocks change)."""
    midnight = datetime.min.time()
    return lisbon_to_utc(day, midnight), lisbon_to_utc(day + timedelta(days=1), midnight)


def _taken_seats(now: datetime):
    """Seats of the current slot held (and not lapsed) or confirmed: a correlated count
    that the booking index on ``slot_id`` answers slot by slot."""
    return (
        select(func.count())
        .select_from(Booking)
        .where(Booking.slot_id == Slot.id, Booking.takes_a_seat(now))
        .correlate(Slot)
        .scalar_subquery()
    )


def _offering_desks(subject: Subject, centre_id: int | None) -> list[int]:
    """Ids of the remote desks that attend the subject (at one centre, if given)."""
    query = (
        select(Desk.id)
        .join(desk_subjects, desk_subjects.c.desk_id == Desk.id)
        .where(*serving_desk_conditions(subject))
        .order_by(Desk.id)
    )
    if centre_id is not None:
        query = query.where(Desk.centre_id == centre_id)
    return list(db.session.scalars(query))


def _open_slots(column, desk_ids, now, bounds, exclude_time=None) -> Select:
    """Slots of the given desks within ``bounds`` and after ``now`` with a free seat.

    It reads the slots table alone, along its (start time, desk, capacity) index:
    with no join to choose, the plan stays a walk along the index that stops as soon
    as the caller has enough, also in the generic plan PostgreSQL keeps for a
    statement psycopg prepares (a join to the desks let it hash every desk's slot of
    the window, slower and growing with the number of desks).
    """
    conditions = [
        Slot.desk_id.in_(desk_ids),
        Slot.starts_at >= max(bounds[0], now),
        Slot.starts_at < bounds[1],
        Slot.capacity > _taken_seats(now),
    ]
    if exclude_time is not None:
        conditions.append(Slot.starts_at != exclude_time)
    return select(column).where(*conditions)


def _free_times_query(desk_ids, now, bounds, exclude_time=None) -> Select:
    """The distinct start times within ``bounds`` that have a free seat, in order.

    A plain GROUP BY would read every desk's slot of the window, so its cost would
    grow with the number of desks. Instead a recursive query walks the distinct
    start times along the index (one probe each), and for each asks for *one* slot
    with a free seat then (LIMIT 1 stops at the first): the cost follows the number
    of times, whatever the number of desks. That question is a scalar subquery, run
    time by time, rather than an EXISTS that the planner may turn into a join.
    """
    low, high = max(bounds[0], now), bounds[1]
    first = select(func.min(Slot.starts_at).label("at")).where(
        Slot.starts_at >= low, Slot.starts_at < high
    )
    walk = first.cte("start_times", recursive=True)
    later = aliased(Slot)
    following = (
        select(func.min(later.starts_at))
        .where(later.starts_at > walk.c.at, later.starts_at < high)
        .scalar_subquery()
    )
    walk = walk.union_all(select(following).where(walk.c.at.is_not(None)))
    free_then = (
        _open_slots(Slot.id, desk_ids, now, bounds, exclude_time)
        .where(Slot.starts_at == walk.c.at)
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(walk.c.at).where(walk.c.at.is_not(None), free_then.is_not(None)).order_by(walk.c.at)
    )


def _times(subject, audience, now, bounds, centre_id, exclude_time) -> list[datetime]:
    if not subject.serves(audience):
        return []
    desk_ids = _offering_desks(subject, centre_id)
    if not desk_ids:
        return []
    return list(db.session.scalars(_free_times_query(desk_ids, now, bounds, exclude_time)))


@dataclass(frozen=True)
class Offer:
    """The free start times (UTC) of the window, in order, and each Lisbon day's count."""

    times: tuple[datetime, ...]
    days: tuple[tuple[date, int], ...]


def current_offer(
    subject: Subject,
    audience: Audience,
    now: datetime,
    window,
    centre_id: int | None = None,
    exclude_time: datetime | None = None,
) -> Offer:
    """Every start time with a free seat in the window, and the days they fall on: one query.

    The time page needs the days with times, one day's times and the earliest:
    all three are read from this one answer rather than asked for separately.
    The answer is kept a moment in this process (``portal.scheduling.offer_cache``),
    keyed by what changes it (the clock only moves it by seats starting or lapsing,
    which the short lifetime covers).
    """

    def compute() -> Offer:
        times = tuple(_times(subject, audience, now, window, centre_id, exclude_time))
        return Offer(times, tuple(days_of(times)))

    key = (subject.id, audience, tuple(window), centre_id, exclude_time)
    return current_app.extensions["offer_cache"].get(key, compute)


def days_of(times) -> list[tuple[date, int]]:
    """Each Lisbon day of ``times`` and how many times it has, in order."""
    return sorted(Counter(to_lisbon(t).date() for t in times).items())


def times_on(times, day: date) -> list[datetime]:
    """The ones of ``times`` on a Lisbon day."""
    first, last = day_bounds(day)
    return [t for t in times if first <= t < last]


def earliest_time(
    subject: Subject,
    audience: Audience,
    now: datetime,
    window,
    centre_id: int | None = None,
    exclude_time: datetime | None = None,
) -> datetime | None:
    """The first start time with a free seat in the window, or None.

    The slots are read in start-time order along the index and the database stops
    at the first with a free seat: nothing is sorted, and when the first times are
    free it reads a handful of index entries whatever the number of desks.
    """
    if not subject.serves(audience):
        return None
    desk_ids = _offering_desks(subject, centre_id)
    if not desk_ids:
        return None
    query = (
        _open_slots(Slot.starts_at, desk_ids, now, window, exclude_time)
        .order_by(Slot.starts_at)
        .limit(1)
    )
    return db.session.scalar(query)


def candidate_slots(
    subject: Subject,
    audience: Audience,
    starts_at: datetime,
    now: datetime,
    window,
    centre_id: int | None = None,
    exclude_slot_id: int | None = None,
) -> list[int]:
    """The slots starting at ``starts_at`` with a free seat, in the order to try them.

    The desk rule: first the remote desk with the fewest confirmed bookings that
    Lisbon day, so the day's work spreads over the desks; ties go to the lowest
    desk id, so the choice is predictable. A hold tries them in this order and
    takes the first seat it gets (portal.booking.seats.take_first_seat).
    """
    if not subject.serves(audience) or not window[0] <= starts_at < window[1]:
        return []
    desk_ids = _offering_desks(subject, centre_id)
    if not desk_ids:
        return []
    first, last = day_bounds(to_lisbon(starts_at).date())
    day_slot = Slot.__table__.alias("day_slot")
    confirmed_that_day = (
        select(func.count())
        .select_from(Booking)
        .join(day_slot, day_slot.c.id == Booking.slot_id)
        .where(
            day_slot.c.desk_id == Slot.desk_id,
            day_slot.c.starts_at >= first,
            day_slot.c.starts_at < last,
            Booking.status == BookingStatus.CONFIRMED,
        )
        .correlate(Slot)
        .scalar_subquery()
    )
    at_that_time = (starts_at, starts_at + timedelta(microseconds=1))
    query = _open_slots(Slot.id, desk_ids, now, at_that_time).order_by(
        confirmed_that_day, Slot.desk_id
    )
    if exclude_slot_id is not None:
        query = query.where(Slot.id != exclude_slot_id)
    return list(db.session.scalars(query))


def offered_centres(subject: Subject, audience: Audience) -> list[tuple[int, str]]:
    """(id, name) of the district centres whose remote desks attend the subject, by name:
    the choices of the preference (a few dozen desks, not their slots)."""
    if not subject.serves(audience):
        return []
    return current_app.extensions["offer_cache"].get(
        ("centres", subject.id, audience), lambda: _centres(subject)
    )


def _centres(subject: Subject) -> list[tuple[int, str]]:
    query = (
        select(DistrictCentre.id, DistrictCentre.name)
        .join(Desk, Desk.centre_id == DistrictCentre.id)
        .join(desk_subjects, desk_subjects.c.desk_id == Desk.id)
        .where(*serving_desk_conditions(subject))
        .group_by(DistrictCentre.id, DistrictCentre.name)
        .order_by(DistrictCentre.name)
    )
    return [tuple(row) for row in db.session.execute(query)]


@dataclass(frozen=True)
class OfferedSlot:
    """One desk's slot at an offered time, as the phone line and the API name it."""

    slot_id: int
    starts_at: datetime
    ends_at: datetime
    desk_name: str
    centre_name: str


def earliest_offered(
    subject: Subject, audience: Audience, window, now: datetime
) -> OfferedSlot | None:
    """The first time a caller could book, at the desk the desk rule would give them:
    what the phone line proposes, the API returns and the code e-mail mentions."""
    starts_at = earliest_time(subject, audience, now, window)
    if starts_at is None:
        return None
    candidates = candidate_slots(subject, audience, starts_at, now, window)
    if not candidates:
        return None
    row = db.session.execute(
        select(Slot.id, Slot.starts_at, Slot.ends_at, Desk.name, DistrictCentre.name)
        .join(Desk, Desk.id == Slot.desk_id)
        .join(DistrictCentre, DistrictCentre.id == Desk.centre_id)
        .where(Slot.id == candidates[0])
    ).one()
    return OfferedSlot(*row)
