"""Publishing slots from desks' timetables and finding the ones to offer."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, select

from portal.booking.models import ACTIVE_STATUSES, Booking
from portal.extensions import db
from portal.scheduling.calendar import (
    NonexistentLocalTime,
    add_working_days,
    is_working_day,
    lisbon_to_utc,
    lisbon_today,
    to_lisbon,
)
from portal.scheduling.models import Audience, Desk, DistrictCentre, Slot, Subject, desk_subjects


def slot_times(desk: Desk, day: date) -> list[tuple[datetime, datetime]]:
    """UTC (start, end) of each slot the desk's timetable gives on ``day``."""
    if not is_working_day(day) or any(closure.covers(day) for closure in desk.closures):
        return []
    length = timedelta(minutes=desk.slot_minutes)
    times = []
    for hours in desk.opening_hours:
        if hours.weekday != day.weekday():
            continue
        start = datetime.combine(day, hours.opens)
        last = datetime.combine(day, hours.closes) - length
        while start <= last:
            try:
                begins = lisbon_to_utc(day, start.time())
                ends = lisbon_to_utc(day, (start + length).time())
            except NonexistentLocalTime:
                start += length
                continue
            times.append((begins, ends))
            start += length
    return times


def publish_slots(desk: Desk, first_day: date, last_day: date) -> int:
    """Create the desk's missing slots between two days (inclusive); returns how many.

    Idempotent: slots that exist are kept as they are, with their bookings. New
    seats are announced with ``seats_freed`` (the waiting list listens).
    """
    created = new_slots(desk, first_day, last_day)
    announce_seats([slot.id for slot in created])
    return len(created)


def announce_seats(slot_ids: list[int]) -> None:
    """Tell listeners (the waiting list) that these slots have seats newly free."""
    from flask import current_app

    from portal.booking import signals
    from portal.clock import now

    if slot_ids:
        app = current_app._get_current_object()
        signals.seats_freed.send(app, slot_ids=sorted(slot_ids), now=now())


def new_slots(desk: Desk, first_day: date, last_day: date) -> list[Slot]:
    """Create the desk's missing slots between two days (inclusive), unannounced."""
    existing = set(
        db.session.scalars(
            select(Slot.starts_at).where(
                Slot.desk_id == desk.id,
                Slot.starts_at >= lisbon_to_utc(first_day, datetime.min.time()),
                Slot.starts_at < lisbon_to_utc(last_day + timedelta(days=1), datetime.min.time()),
            )
        )
    )
    created = []
    day = first_day
    while day <= last_day:
        for begins, ends in slot_times(desk, day):
            if begins not in existing:
                slot = Slot(
                    desk_id=desk.id,
                    starts_at=begins,
                    ends_at=ends,
                    capacity=desk.parallel_attendants,
                )
                db.session.add(slot)
                created.append(slot)
        day += timedelta(days=1)
    db.session.flush()
    return created


def booking_window(now: datetime, lead_days: int, horizon_days: int) -> tuple[datetime, datetime]:
    """UTC bounds of the offer: from the lead working day to the horizon (inclusive)."""
    today = lisbon_today(now)
    first = add_working_days(today, lead_days)
    last = add_working_days(today, lead_days + horizon_days - 1)
    begins = lisbon_to_utc(first, datetime.min.time())
    ends = lisbon_to_utc(last + timedelta(days=1), datetime.min.time())
    return begins, ends


@dataclass(frozen=True)
class OfferedSlot:
    slot_id: int
    starts_at: datetime
    ends_at: datetime
    desk_name: str
    centre_name: str
    free_seats: int


def offer_conditions(subject: Subject, window: tuple[datetime, datetime], now: datetime):
    """Where-clauses (over Slot, Desk and desk_subjects) for slots a subject may use."""
    return (
        desk_subjects.c.subject_id == subject.id,
        Desk.remote_enabled.is_(True),
        Desk.slot_minutes >= subject.session_minutes,
        Slot.starts_at >= max(window[0], now),
        Slot.starts_at < window[1],
    )


def taken_seats_subquery(now: datetime):
    """Seats held (and not yet lapsed) or confirmed, per slot."""
    active = and_(
        Booking.status.in_(ACTIVE_STATUSES),
        (Booking.held_until.is_(None)) | (Booking.held_until > now),
    )
    return (
        select(Booking.slot_id, func.count().label("taken"))
        .where(active)
        .group_by(Booking.slot_id)
        .subquery()
    )


def offered_slots(
    subject: Subject,
    audience: Audience,
    window: tuple[datetime, datetime],
    now: datetime,
    exclude_slot_id: int | None = None,
) -> list[OfferedSlot]:
    """Free slots for a subject, earliest first across every remote desk.

    Where several desks of one district centre are free at the same time the
    person sees one choice, the desk with most free seats; which desk attends
    matters less to them than when.
    """
    if not subject.serves(audience):
        return []
    taken = taken_seats_subquery(now)
    free = Slot.capacity - func.coalesce(taken.c.taken, 0)
    rows = db.session.execute(
        select(Slot, Desk.name, DistrictCentre.name, DistrictCentre.id, free.label("free"))
        .join(Desk, Desk.id == Slot.desk_id)
        .join(DistrictCentre, DistrictCentre.id == Desk.centre_id)
        .join(desk_subjects, desk_subjects.c.desk_id == Desk.id)
        .outerjoin(taken, taken.c.slot_id == Slot.id)
        .where(*offer_conditions(subject, window, now), free > 0)
        .order_by(Slot.starts_at, DistrictCentre.name, free.desc(), Desk.name, Slot.id)
    ).all()
    offered, seen = [], set()
    for slot, desk_name, centre_name, centre_id, free_seats in rows:
        if slot.id == exclude_slot_id or (slot.starts_at, centre_id) in seen:
            continue
        seen.add((slot.starts_at, centre_id))
        offered.append(
            OfferedSlot(slot.id, slot.starts_at, slot.ends_at, desk_name, centre_name, free_seats)
        )
    return offered


def group_by_day(offered: list[OfferedSlot]) -> list[tuple[date, list[OfferedSlot]]]:
    days: dict[date, list[OfferedSlot]] = {}
    for slot in offered:
        days.setdefault(to_lisbon(slot.starts_at).date(), []).append(slot)
    return list(days.items())


def earliest_offered(subject: Subject, audience: Audience, window, now) -> OfferedSlot | None:
    """The first remote slot a caller could book: what the phone line proposes."""
    offered = offered_slots(subject, audience, window, now)
    return offered[0] if offered else None
