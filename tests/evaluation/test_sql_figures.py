"""The figures computed in SQL: both percentile methods agree, Lisbon days, weeks, the funnel."""

import itertools
import random
import statistics
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from portal.booking.models import CancelReason
from portal.device_check.models import DeviceCheck
from portal.evaluation import figures
from portal.extensions import db
from portal.waiting_list.models import WaitingListEntry, WaitingListOffer, Wish
from tests.factories import (
    create_booking,
    create_centre,
    create_desk,
    create_referral,
    create_slot,
    create_subject,
)

PERIOD = figures.Period(date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture
def many(app):
    """Three desks, 200 sessions with waits drawn at random (seeded): ties, odd and even sizes."""
    chance = random.Random(12)
    subject = create_subject(name_pt="Prestações")
    desks = [create_desk(centre=create_centre(name=f"Centro {n}"), name=f"B{n}") for n in range(3)]
    waits: dict[str, list[int]] = {desk.name: [] for desk in desks}
    for n in range(200):
        desk = desks[n % 3] if n < 199 else desks[0]
        issued = datetime(2026, 2, 1, 9, tzinfo=UTC) + timedelta(days=chance.randrange(250))
        wait = chance.choice([0, 1, 1, 2, 3, 5, 8, 13, 21, 40])
        referral = create_referral(subject, issued)
        create_booking(referral, create_slot(desk, issued + timedelta(days=wait, minutes=n)))
        waits[desk.name].append(wait)
    db.session.commit()
    return waits


def test_percentile_cont_and_ranked_rows_agree_with_the_statistics_module(many):
    """What PostgreSQL's percentile_cont says, window-ranked rows say on both databases."""
    methods = [True] + ([False] if db.engine.dialect.name == "postgresql" else [])
    for ranked in methods:
        found = figures.referral_to_session_days(PERIOD, "desk", ranked=ranked)
        assert [w.label for w in found] == sorted(many)
        for w in found:
            values = many[w.label]
            assert w.count == len(values)
            assert w.mean == pytest.approx(statistics.fmean(values))
            assert w.median == pytest.approx(statistics.median(values))
            assert w.p90 == pytest.approx(statistics.quantiles(values, n=10, method="inclusive")[8])


def test_each_table_is_one_query(many):
    statements = []

    def listener(_connection, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):  # not BEGIN
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        for group in figures.GROUPS:
            statements.clear()
            figures.referral_to_session_days(PERIOD, group)
            figures.funnel(PERIOD, group)
            assert len(statements) == 2, statements
        statements.clear()
        figures.utilisation(PERIOD)
        figures.counts(PERIOD)
        assert len(statements) == 2
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def test_days_and_weeks_are_counted_in_lisbon(app):
    """00:30 in Lisbon in summer is 23:30 UTC the day before."""
    subject = create_subject(name_pt="Contribuições")
    desk = create_desk(name="Balcão")
    referral = create_referral(subject, datetime(2026, 7, 5, 23, 30, tzinfo=UTC))  # Mon 6th
    create_booking(referral, create_slot(desk, datetime(2026, 7, 8, 9, tzinfo=UTC)))
    db.session.commit()

    (waits,) = figures.referral_to_session_days(PERIOD, "week")
    assert (waits.label, waits.count, waits.mean) == (date(2026, 7, 6), 1, 2.0)
    (issued,) = figures.funnel(PERIOD, "week")
    assert issued.label == date(2026, 7, 6)  # the week the code was issued, in Lisbon


@pytest.fixture
def journeys(app):
    """Codes issued in November 2026, each followed as far as it went."""
    subject = create_subject(name_pt="Contribuições")
    north = create_desk(centre=create_centre(name="Centro Norte"), name="Balcão Norte")
    south = create_desk(centre=create_centre(name="Centro Sul"), name="Balcão Sul")
    day = datetime(2026, 11, 2, 10, tzinfo=UTC)  # a Monday
    times = itertools.count()

    def code(desk=None, status="confirmed", reason=None, checked=False, issued=day):
        referral = create_referral(subject, issued)
        if desk is not None:
            booking = create_booking(
                referral,
                create_slot(desk, issued + timedelta(days=3, minutes=30 * next(times))),
                status,
            )
            booking.cancelled_reason = reason
        if checked:
            db.session.add(DeviceCheck(referral=referral, **CHECK))
        return referral

    def offered(referral, at):
        entry = WaitingListEntry(referral=referral, wish=Wish.ANY_TIME, created_at=day)
        db.session.add(entry)
        db.session.flush()
        db.session.add(
            WaitingListOffer(
                entry_id=entry.id, referral_id=referral.id, offered_at=at, offered_on=at.date()
            )
        )

    # On the waiting list, offered a time, never booked.
    offered(code(), day + timedelta(days=1))
    code(checked=True)  # checked without booking: not counted as a device check done
    code(north, "attended", checked=True)
    code(north, "no_show", checked=True)
    came_back = code(north, "confirmed")  # booked a day after a waiting-list offer
    offered(came_back, day + timedelta(hours=1))
    came_back.bookings[0].created_at = day + timedelta(days=1)
    code(north, "cancelled", CancelReason.PERSON)
    code(south, "cancelled", CancelReason.PHONE_LINE, checked=True)
    code(south, "cancelled", CancelReason.REBOOKED_BY_PHONE, issued=day + timedelta(days=7))
    closed = code(south, "cancelled", CancelReason.CLOSURE)
    # The desk closed; the same code booked again and attended: counted once.
    create_booking(closed, create_slot(north, day + timedelta(days=9)), "attended")
    code(issued=day - timedelta(days=40))  # issued before the period
    db.session.commit()


CHECK = {
    "browser_family": "firefox",
    "platform": "linux",
    "camera": "passed",
    "microphone": "passed",
    "speakers": "passed",
    "network": "passed",
}
NOVEMBER = figures.Period(date(2026, 11, 1), date(2026, 11, 30))


def test_the_funnel_follows_each_code_to_its_latest_booking(journeys):
    (everyone,) = figures.funnel(NOVEMBER)
    assert everyone.stages == {
        "issued": 9,
        "booked": 7,
        "device_checked": 3,
        "ahead": 1,
        "attended": 2,
        "no_show": 1,
        "cancelled_person": 1,
        "cancelled_phone_line": 1,
        "cancelled_closure": 0,
        "rebooked_by_phone": 1,
        "waiting_list_offer": 2,
        "booked_after_offer": 1,
    }
    assert [stage.key for stage in figures.FUNNEL] == list(everyone.stages)


def test_the_funnel_per_desk_centre_subject_and_week(journeys):
    north, south = figures.funnel(NOVEMBER, "desk")
    assert north.label == "Balcão Norte" and north.stages["issued"] is None
    assert (north.stages["booked"], north.stages["attended"], north.stages["no_show"]) == (5, 2, 1)
    assert (south.stages["booked"], south.stages["cancelled_phone_line"]) == (2, 1)
    assert [f.label for f in figures.funnel(NOVEMBER, "centre")] == ["Centro Norte", "Centro Sul"]
    (subject,) = figures.funnel(NOVEMBER, "subject")
    assert (subject.label, subject.stages["issued"]) == ("Contribuições", 9)
    first, second = figures.funnel(NOVEMBER, "week")
    assert (first.label, first.stages["issued"]) == (date(2026, 11, 2), 8)
    assert (second.label, second.stages["rebooked_by_phone"]) == (date(2026, 11, 9), 1)


def test_all_tables_at_once_match_each_table_alone(journeys):
    """PostgreSQL reads the period once for every table (GROUPING SETS): the same figures."""
    waits, funnels = figures.waits_tables(NOVEMBER), figures.funnel_tables(NOVEMBER)
    for group in ("all", *figures.GROUPS):
        assert waits[group] == figures.referral_to_session_days(NOVEMBER, group), group
        assert funnels[group] == figures.funnel(NOVEMBER, group), group
    empty = figures.Period(date(2030, 1, 1), date(2030, 1, 31))
    assert figures.waits_tables(empty)["all"] == []
    assert figures.funnel_tables(empty)["all"][0].stages["issued"] == 0
