"""Publishing slots from desks' timetables; the window and the conditions of an offer.

What is offered to a person, time by time, is in portal.scheduling.offers.
"""

from datetime import date, datetime, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.scheduling.calendar import (
    NonexistentLocalTime,
    add_working_days,
    is_working_day,
    lisbon_to_utc,
    lisbon_today,
)
from portal.scheduling.models import Desk, Slot, Subject, desk_subjects


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


def serving_desk_conditions(subject: Subject):
    """Where-clauses (over Desk and desk_subjects) for the remote desks that attend a
    subject with slots long enough for its sessions."""
    return (
        desk_subjects.c.subject_id == subject.id,
        Desk.remote_enabled.is_(True),
        Desk.slot_minutes >= subject.session_minutes,
    )


def offer_conditions(subject: Subject, window: tuple[datetime, datetime], now: datetime):
    """Where-clauses (over Slot, Desk and desk_subjects) for slots a subject may use."""
    return (
        *serving_desk_conditions(subject),
        Slot.starts_at >= max(window[0], now),
        Slot.starts_at < window[1],
    )
