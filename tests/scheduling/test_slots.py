from datetime import UTC, date, datetime, time, timedelta

from portal.extensions import db
from portal.scheduling.calendar import LISBON
from portal.scheduling.models import Audience, Closure, Slot
from portal.scheduling.slots import booking_window, offered_slots, publish_slots, slot_times
from tests.factories import create_centre, create_desk, create_slot, create_subject


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


def test_offer_is_earliest_first_across_desks_and_one_choice_per_centre_and_time(app):
    subject = create_subject()
    centre = create_centre(name="Centro Distrital de Beja")
    late = create_desk(centre=centre, subjects=[subject], name="Beja")
    same_centre = create_desk(
        centre=centre, subjects=[subject], name="Moura", parallel_attendants=2
    )
    early = create_desk(subjects=[subject], name="Viseu")
    monday = utc(2026, 11, 30, 9)
    create_slot(late, monday + timedelta(hours=1))
    wide = create_slot(same_centre, monday + timedelta(hours=1))
    first = create_slot(early, monday)
    window = (utc(2026, 11, 30), utc(2026, 12, 5))
    offered = offered_slots(subject, Audience.CITIZEN, window, utc(2026, 11, 25))
    assert [o.slot_id for o in offered] == [first.id, wide.id]
    assert offered[1].free_seats == 2


def test_offer_leaves_out_other_subjects_closed_desks_and_the_wrong_audience(app):
    subject = create_subject(audience=Audience.CITIZEN)
    other = create_subject()
    served = create_desk(subjects=[subject])
    not_remote = create_desk(subjects=[subject], remote_enabled=False)
    wrong_subject = create_desk(subjects=[other])
    monday = utc(2026, 11, 30, 9)
    for desk in (served, not_remote, wrong_subject):
        create_slot(desk, monday)
    window = (utc(2026, 11, 30), utc(2026, 12, 5))
    now = utc(2026, 11, 25)
    assert [o.desk_name for o in offered_slots(subject, Audience.CITIZEN, window, now)] == [
        served.name
    ]
    assert offered_slots(subject, Audience.COMPANY, window, now) == []


def test_offer_respects_window_and_session_length(app):
    subject = create_subject(session_minutes=45)
    short = create_desk(subjects=[subject], slot_minutes=30)
    create_slot(short, utc(2026, 11, 30, 9))
    long = create_desk(subjects=[subject], slot_minutes=60)
    inside = create_slot(long, utc(2026, 11, 30, 10))
    create_slot(long, utc(2026, 12, 10, 10))  # beyond the horizon
    window = (utc(2026, 11, 30), utc(2026, 12, 5))
    assert [
        o.slot_id for o in offered_slots(subject, Audience.CITIZEN, window, utc(2026, 11, 25))
    ] == [inside.id]
