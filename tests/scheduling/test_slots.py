from datetime import UTC, date, datetime, time

from portal.extensions import db
from portal.scheduling.calendar import LISBON
from portal.scheduling.models import Closure, Slot
from portal.scheduling.slots import booking_window, publish_slots, slot_times
from tests.factories import create_desk


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def local_starts(slots):
    return sorted({s.starts_at.astimezone(LISBON).strftime("%a %H:%M") for s in slots})


def test_slots_follow_opening_hours_in_lisbon_time(app):
    desk = create_desk(hours=[(time(9), time(10)), (time(14), time(15))], slot_minutes=30)
    starts = [begins for begins, _ in slot_times(desk, date(2027, 1, 11))]
    assert starts == [
        utc(2027, 1, 11, 9),
        utc(2027, 1, 11, 9, 30),
        utc(2027, 1, 11, 14),
        utc(2027, 1, 11, 14, 30),
    ]


def test_march_clock_change_moves_utc_times_not_local_times(app):
    desk = create_desk(hours=[(time(9), time(10))])
    publish_slots(desk, date(2027, 3, 26), date(2027, 3, 29))
    slots = db.session.scalars(db.select(Slot).order_by(Slot.starts_at)).all()
    # Friday 26 March 2027 is Good Friday (holiday); Thursday is not in range.
    assert [s.starts_at for s in slots] == [utc(2027, 3, 29, 8), utc(2027, 3, 29, 8, 30)]
    assert local_starts(slots) == ["Mon 09:00", "Mon 09:30"]


def test_october_clock_change(app):
    desk = create_desk(hours=[(time(9), time(10))])
    publish_slots(desk, date(2026, 10, 23), date(2026, 10, 26))
    starts = db.session.scalars(db.select(Slot.starts_at).order_by(Slot.starts_at)).all()
    assert starts == [
        utc(2026, 10, 23, 8),
        utc(2026, 10, 23, 8, 30),  # Friday, summer time
        utc(2026, 10, 26, 9),
        utc(2026, 10, 26, 9, 30),  # Monday, winter time
    ]


def test_clock_change_falls_on_a_sunday_so_no_slot_is_lost_or_doubled(app):
    desk = create_desk(hours=[(time(0), time(3))], weekdays=range(7), slot_minutes=60)
    # Sunday 28 March 2027 is a weekend: no slots at all, whatever the hours.
    assert slot_times(desk, date(2027, 3, 28)) == []
    times = slot_times(desk, date(2027, 3, 29))
    assert [b for b, _ in times] == [utc(2027, 3, 28, 23), utc(2027, 3, 29, 0), utc(2027, 3, 29, 1)]


def test_no_slots_on_weekends_holidays_or_closures(app):
    desk = create_desk(hours=[(time(9), time(10))], weekdays=range(7))
    desk.closures.append(
        Closure(starts_on=date(2026, 12, 3), ends_on=date(2026, 12, 4), reason="Obras")
    )
    publish_slots(desk, date(2026, 11, 28), date(2026, 12, 8))
    days = sorted(
        {s.starts_at.astimezone(LISBON).date() for s in db.session.scalars(db.select(Slot))}
    )
    # 28–29 Nov weekend, 1 Dec holiday, 3–4 Dec closed, 5–6 weekend, 8 Dec holiday.
    assert days == [date(2026, 11, 30), date(2026, 12, 2), date(2026, 12, 7)]


def test_publishing_twice_creates_nothing_new(app):
    desk = create_desk()
    first = publish_slots(desk, date(2026, 11, 30), date(2026, 12, 4))
    assert first == 4 * 6  # four working days (1 Dec is a holiday), 09:00–12:00 in halves
    assert publish_slots(desk, date(2026, 11, 30), date(2026, 12, 4)) == 0


def test_booking_window_counts_working_days(app):
    now = utc(2026, 11, 27, 15)  # a Friday
    begins, ends = booking_window(now, lead_days=1, horizon_days=3)
    # Mon 30 Nov, (1 Dec holiday), Wed 2, Thu 3 → up to the end of Thursday.
    assert begins == utc(2026, 11, 30, 0)
    assert ends == utc(2026, 12, 4, 0)
