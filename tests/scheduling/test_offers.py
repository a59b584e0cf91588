"""What the time page offers: times, not desks; and which desk a chosen time gets."""

from datetime import UTC, date, datetime, timedelta

from portal.extensions import db
from portal.scheduling.models import Audience
from portal.scheduling.offers import (
    candidate_slots,
    current_offer,
    earliest_offered,
    earliest_time,
    offered_centres,
    times_on,
)
from tests.factories import (
    create_booking,
    create_centre,
    create_desk,
    create_referral,
    create_slot,
    create_subject,
)

NOW = datetime(2026, 11, 25, tzinfo=UTC)
WINDOW = (datetime(2026, 11, 30, tzinfo=UTC), datetime(2026, 12, 5, tzinfo=UTC))
MONDAY_9 = datetime(2026, 11, 30, 9, tzinfo=UTC)  # 09:00 in Lisbon (winter: UTC)


def confirmed_on(slot, subject, status="confirmed"):
    return create_booking(create_referral(subject, NOW), slot, status=status)


def test_one_choice_per_time_however_many_desks_and_centres(app):
    subject = create_subject()
    centres = [create_centre() for _ in range(3)]
    desks = [create_desk(centre=centres[n % 3], subjects=[subject]) for n in range(12)]
    for desk in desks:
        for hours in (0, 1, 24):  # Monday 09:00 and 10:00, Tuesday 09:00
            create_slot(desk, MONDAY_9 + timedelta(hours=hours))

    offer = current_offer(subject, Audience.CITIZEN, NOW, WINDOW)
    days, times = list(offer.days), times_on(offer.times, date(2026, 11, 30))

    assert days == [(date(2026, 11, 30), 2), (date(2026, 12, 1), 1)]
    assert times == [MONDAY_9, MONDAY_9 + timedelta(hours=1)]
    assert earliest_time(subject, Audience.CITIZEN, NOW, WINDOW) == MONDAY_9
    assert len(candidate_slots(subject, Audience.CITIZEN, MONDAY_9, NOW, WINDOW)) == 12


def test_a_time_goes_when_its_last_seat_goes(app):
    subject = create_subject()
    one, two = (create_desk(subjects=[subject]) for _ in range(2))
    first, second = create_slot(one, MONDAY_9), create_slot(two, MONDAY_9)
    later = create_slot(one, MONDAY_9 + timedelta(hours=1))

    confirmed_on(first, subject)
    assert earliest_time(subject, Audience.CITIZEN, NOW, WINDOW) == MONDAY_9
    confirmed_on(second, subject, status="held")
    db.session.flush()

    assert earliest_time(subject, Audience.CITIZEN, NOW, WINDOW) == later.starts_at
    assert candidate_slots(subject, Audience.CITIZEN, MONDAY_9, NOW, WINDOW) == []


def test_the_desk_with_fewest_confirmed_bookings_that_day_comes_first(app):
    subject = create_subject()
    busy, quiet, also_quiet = (create_desk(subjects=[subject]) for _ in range(3))
    at_nine = {desk.id: create_slot(desk, MONDAY_9).id for desk in (busy, quiet, also_quiet)}
    # busy: two confirmed that Monday; quiet: one held (not counted) and one confirmed the
    # next day (another day); also_quiet: one confirmed that Monday.
    for hours in (1, 2):
        confirmed_on(create_slot(busy, MONDAY_9 + timedelta(hours=hours)), subject)
    confirmed_on(create_slot(quiet, MONDAY_9 + timedelta(hours=1)), subject, status="held")
    confirmed_on(create_slot(quiet, MONDAY_9 + timedelta(days=1)), subject)
    confirmed_on(create_slot(also_quiet, MONDAY_9 + timedelta(hours=1)), subject)

    order = candidate_slots(subject, Audience.CITIZEN, MONDAY_9, NOW, WINDOW)

    assert order == [at_nine[quiet.id], at_nine[also_quiet.id], at_nine[busy.id]]


def test_ties_go_to_the_lowest_desk_id(app):
    subject = create_subject()
    desks = [create_desk(subjects=[subject]) for _ in range(3)]
    slots = {desk.id: create_slot(desk, MONDAY_9) for desk in reversed(desks)}

    order = candidate_slots(subject, Audience.CITIZEN, MONDAY_9, NOW, WINDOW)

    assert order == [slots[desk.id].id for desk in sorted(desks, key=lambda d: d.id)]
    assert earliest_offered(subject, Audience.CITIZEN, WINDOW, NOW).desk_name == desks[0].name


def test_a_preferred_centre_narrows_the_times(app):
    subject = create_subject()
    beja = create_centre(name="Centro Distrital de Beja")
    braga = create_centre(name="Centro Distrital de Braga")
    create_slot(create_desk(centre=beja, subjects=[subject]), MONDAY_9)
    in_braga = create_slot(create_desk(centre=braga, subjects=[subject]), MONDAY_9)
    create_slot(in_braga.desk, MONDAY_9 + timedelta(hours=1))

    centres = offered_centres(subject, Audience.CITIZEN)
    at_braga = list(current_offer(subject, Audience.CITIZEN, NOW, WINDOW, centre_id=braga.id).days)
    at_beja = list(current_offer(subject, Audience.CITIZEN, NOW, WINDOW, centre_id=beja.id).days)
    braga_first = candidate_slots(
        subject, Audience.CITIZEN, MONDAY_9, NOW, WINDOW, centre_id=braga.id
    )

    assert centres == [(beja.id, beja.name), (braga.id, braga.name)]
    assert at_braga == [(date(2026, 11, 30), 2)] and at_beja == [(date(2026, 11, 30), 1)]
    assert braga_first == [in_braga.id]


def test_offer_leaves_out_other_subjects_closed_desks_and_the_wrong_audience(app):
    subject = create_subject(audience=Audience.CITIZEN)
    other = create_subject()
    served = create_desk(subjects=[subject])
    not_remote = create_desk(subjects=[subject], remote_enabled=False)
    wrong_subject = create_desk(subjects=[other])
    slots = {desk.id: create_slot(desk, MONDAY_9) for desk in (served, not_remote, wrong_subject)}

    assert candidate_slots(subject, Audience.CITIZEN, MONDAY_9, NOW, WINDOW) == [
        slots[served.id].id
    ]
    assert earliest_offered(subject, Audience.CITIZEN, WINDOW, NOW).desk_name == served.name
    assert list(current_offer(subject, Audience.COMPANY, NOW, WINDOW).days) == []
    assert earliest_offered(subject, Audience.COMPANY, WINDOW, NOW) is None


def test_offer_respects_window_now_and_session_length(app):
    subject = create_subject(session_minutes=45)
    short = create_desk(subjects=[subject], slot_minutes=30)
    create_slot(short, MONDAY_9)
    long = create_desk(subjects=[subject], slot_minutes=60)
    inside = create_slot(long, MONDAY_9 + timedelta(hours=1))
    create_slot(long, datetime(2026, 12, 10, 10, tzinfo=UTC))  # beyond the horizon

    assert list(current_offer(subject, Audience.CITIZEN, NOW, WINDOW).days) == [
        (date(2026, 11, 30), 1)
    ]
    assert earliest_time(subject, Audience.CITIZEN, NOW, WINDOW) == inside.starts_at
    after_it = inside.starts_at + timedelta(minutes=1)
    assert earliest_time(subject, Audience.CITIZEN, after_it, WINDOW) is None
    assert candidate_slots(subject, Audience.CITIZEN, MONDAY_9, NOW, WINDOW) == []
