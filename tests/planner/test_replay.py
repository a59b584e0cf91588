"""The replay on a case small enough to work out by hand.

One desk, "Balcão A" of "Centro A", attends subject 1 from 09:00 to 10:00 on
weekdays, in 30-minute slots with one attendant: two seats a day. Five people
get a code on Monday 30 November 2026 at 10:00 (Lisbon = UTC in winter). The
portal offers from the next working day: Tuesday 1 December is a national
holiday (Restauração da Independência), so the first times are on Wednesday 2.
"""

from datetime import UTC, date, datetime, time

import pytest

from portal.evaluation.figures import Period
from portal.planner.demand import Demand
from portal.planner.replay import SubjectRule, replay
from portal.planner.results import figures, of_replay, within_tolerance
from portal.planner.timetable import (
    Closed,
    Hours,
    MoreHours,
    MoreSubjects,
    NewDesks,
    PlannedDesk,
    hypothetical,
)
from portal.scheduling.models import Audience

MONDAY = datetime(2026, 11, 30, 10, tzinfo=UTC)
WEEK = Period(date(2026, 11, 30), date(2026, 12, 4))  # Monday to Friday
DESK_A = PlannedDesk(
    key="desk-1",
    name="Balcão A",
    centre_id=1,
    centre_name="Centro A",
    subject_ids=frozenset({1}),
    opening_hours=tuple(Hours(day, time(9), time(10)) for day in range(5)),
)
SUBJECTS = {1: SubjectRule(30, Audience.BOTH), 2: SubjectRule(30, Audience.BOTH)}
FIVE = [Demand(MONDAY, 1, Audience.CITIZEN)] * 5


def run(desks, demand=FIVE, horizon=15, seed=0):
    return of_replay(replay(demand, desks, SUBJECTS, WEEK, 1, horizon, seed=seed))


def test_todays_desk_by_hand():
    result = run([DESK_A])

    # Two seats on Wednesday (2 days after Monday), two on Thursday (3), one on
    # Friday (4): waits 2, 2, 3, 3, 4.
    assert result.sessions == 5 and result.unplaced == 0
    assert result.mean == pytest.approx(14 / 5)  # 2.8
    assert result.median == 3
    # Inclusive 90th percentile of 2, 2, 3, 3, 4: rank 0.9 × 4 = 3.6, between
    # the 4th (3) and the 5th (4) value: 3 + 0.6 × (4 − 3) = 3.6.
    assert result.p90 == pytest.approx(3.6)
    # Seats in the week: Monday 2, Tuesday 0 (the holiday), Wednesday to Friday
    # 2 each: 8; five taken, 62.5 %.
    assert (result.seats_offered, result.seats_taken) == (8, 5)
    assert result.utilisation == pytest.approx(62.5)
    assert result.against_national == pytest.approx(2.8 - 9)


def test_one_desk_more_by_hand():
    more = hypothetical([DESK_A], [NewDesks(1, "Centro A", 1, 5, frozenset({1}))])

    result = run(more)

    # 5 weekly hours = one hour a day from 09:00: four seats a day. Wednesday
    # takes four (wait 2), Thursday one (3): mean 11 / 5 = 2.2, median 2, and
    # the 90th percentile of 2, 2, 2, 2, 3 is 2 + 0.6 × (3 − 2) = 2.6.
    assert result.mean == pytest.approx(2.2)
    assert result.median == 2
    assert result.p90 == pytest.approx(2.6)
    # Seats: 4 a day on 4 days = 16, five taken: 31.25 %.
    assert (result.seats_offered, result.seats_taken) == (16, 5)


def test_a_short_window_leaves_people_without_a_time():
    # A horizon of two working days: Wednesday and Thursday, four seats.
    result = run([DESK_A], horizon=2)

    assert (result.sessions, result.unplaced) == (4, 1)
    assert result.mean == pytest.approx(2.5)


def test_longer_hours_and_more_subjects_by_hand():
    longer = hypothetical([DESK_A], [MoreHours("desk-1", 5)])
    assert [h for h in longer[0].opening_hours if h.weekday == 0] == [
        Hours(0, time(9), time(10)),
        Hours(0, time(10), time(11)),
    ]
    # Four seats a day on Wednesday: the same figures as a second desk.
    assert run(longer).mean == pytest.approx(2.2)

    other = [Demand(MONDAY, 2, Audience.CITIZEN)]
    assert run([DESK_A], demand=other).unplaced == 1  # nobody attends subject 2
    enabled = hypothetical([DESK_A], [MoreSubjects(2, frozenset({"desk-1"}))])
    assert run(enabled, demand=other).mean == 2


def test_closures_and_holidays_are_the_portals():
    closed = PlannedDesk(
        **{**DESK_A.__dict__, "closures": (Closed(WEEK.first, date(2026, 12, 2)),)}
    )

    result = run([closed])

    # Closed Monday to Wednesday: Thursday 2 seats (3 days), Friday 2 (4),
    # Monday 7 December 1 (7; Tuesday 8 is a holiday again).
    assert result.mean == pytest.approx((3 + 3 + 4 + 4 + 7) / 5)


def test_ties_go_by_the_portals_desk_rule_and_the_seed_fixes_the_rest():
    both = PlannedDesk(**{**DESK_A.__dict__, "subject_ids": frozenset({1, 2})})
    other = PlannedDesk(
        **{**DESK_A.__dict__, "key": "desk-2", "name": "Balcão B", "centre_name": "Centro B"}
    )
    other = PlannedDesk(**{**other.__dict__, "subject_ids": frozenset({2})})

    # At 09:00 on Wednesday both desks are free and have no booking that day: the
    # lowest desk id (the first in the timetable) attends, whatever the centre's name.
    alone = replay([Demand(MONDAY, 2, Audience.CITIZEN)], [other, both], SUBJECTS, WEEK, 1, 15)
    assert [name for name, tally in alone.by_centre.items() if tally.sessions] == ["Centro B"]

    # Three codes for subject 2: the first takes B at 09:00, the second the seat left at
    # 09:00 (A); at 09:30 both desks have one booking that day, so the third goes to
    # the lower id again (B).
    three = [Demand(MONDAY, 2, Audience.CITIZEN)] * 3
    spread = replay(three, [other, both], SUBJECTS, WEEK, 1, 15)
    assert {n: t.seats_taken for n, t in spread.by_centre.items()} == {
        "Centro A": 1,
        "Centro B": 2,
    }

    # Codes issued at the same moment are taken in an order drawn from the seed: the
    # same seed gives the same answer every time.
    pair = [Demand(MONDAY, 1, Audience.CITIZEN), Demand(MONDAY, 2, Audience.CITIZEN)]

    def placed(seed):
        found = replay(pair, [other, both], SUBJECTS, WEEK, 1, 15, seed=seed)
        return {name: t.seats_taken for name, t in found.by_centre.items() if t.seats_taken}

    assert [placed(seed) for seed in range(20)] == [placed(seed) for seed in range(20)]
    # Only A attends subject 1, so A has a booking whichever code comes first.
    assert all(p["Centro A"] >= 1 for p in map(placed, range(20)))


def test_the_tolerance_is_stated_and_applied():
    recorded = figures([(MONDAY, datetime(2026, 12, 2, 9, tzinfo=UTC))], 0, 10, 1)
    close = figures([(MONDAY, datetime(2026, 12, 2, 9, tzinfo=UTC))], 0, 10, 1)
    far = figures([(MONDAY, datetime(2026, 12, 3, 9, tzinfo=UTC))], 0, 10, 1)
    assert within_tolerance(recorded, close)
    assert not within_tolerance(recorded, far)  # a day apart: over the half day allowed
