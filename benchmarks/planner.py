"""How long the expansion planner's replay takes for a year of pilot-scale demand.

    .venv/bin/python benchmarks/planner.py [--rounds 3] [--per-day 100]

Builds, in memory, a year of demand at the pilot's scale (about 24,000 referrals a
year — the 48,000 bookings of two years the issue speaks of — spread over working
days and office hours, three subjects, both audiences) and the pilot's timetable
(six district centres of two desks each, 09:00–12:30 and 14:00–16:30 on weekdays,
two attendants, a closure here and there). Then it times what the page runs: the
replay of today's capacity and of a changed one (two desks more at one centre).

The bare baseline, in the same run: sorting the same demand and walking it once
against a flat list of seats (no offer rules, no holidays): the floor any replay
stands on. Aim (issue 12): the replay of a year in ≤ 2 s.
"""

import argparse
import random
import statistics
import sys
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.evaluation.figures import Period  # noqa: E402
from portal.planner.demand import Demand  # noqa: E402
from portal.planner.replay import SubjectRule, _day_slots, replay  # noqa: E402
from portal.planner.timetable import Closed, Hours, NewDesks, PlannedDesk, hypothetical  # noqa: E402
from portal.scheduling.calendar import is_working_day  # noqa: E402
from portal.scheduling.models import Audience  # noqa: E402

YEAR = Period(date(2025, 1, 1), date(2025, 12, 31))
SUBJECTS = {
    1: SubjectRule(30, Audience.BOTH),
    2: SubjectRule(30, Audience.CITIZEN),
    3: SubjectRule(30, Audience.COMPANY),
}
HOURS = ((time(9), time(12, 30)), (time(14), time(16, 30)))


def pilot_timetable() -> list[PlannedDesk]:
    desks = []
    for centre in range(1, 7):
        for n in (1, 2):
            desks.append(
                PlannedDesk(
                    key=f"desk-{centre}{n}",
                    name=f"Balcão {centre}.{n}",
                    centre_id=centre,
                    centre_name=f"Centro Distrital {centre}",
                    subject_ids=frozenset({1, 2, 3} if n == 1 else {1, 2}),
                    opening_hours=tuple(
                        Hours(day, opens, closes) for day in range(5) for opens, closes in HOURS
                    ),
                    closures=(Closed(date(2025, 3, 3 + centre), date(2025, 3, 4 + centre)),),
                    parallel_attendants=2,
                )
            )
    return desks


def year_of_demand(per_day: int, seed: int = 1) -> list[Demand]:
    draw = random.Random(seed)
    demand, day = [], YEAR.first
    while day <= YEAR.last:
        if is_working_day(day):
            for _n in range(draw.randint(per_day // 2, per_day * 3 // 2)):
                minute = draw.randint(8 * 60, 18 * 60)
                issued = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=UTC)
                subject = draw.choice((1, 1, 2, 3))
                audience = Audience.COMPANY if subject == 3 else Audience.CITIZEN
                demand.append(Demand(issued, subject, audience))
        day += timedelta(days=1)
    return demand


def bare_baseline(demand: list[Demand], seats: int) -> float:
    """Sort the demand and hand out seats in order, nothing else."""
    started = clock.perf_counter()
    ordered = sorted(demand, key=lambda item: item.issued_at)
    given = [index % seats for index, _item in enumerate(ordered)]
    assert len(given) == len(demand)
    return clock.perf_counter() - started


def cold(function):
    """Each round as the first question of a fresh process: no slots kept from before."""

    def run():
        _day_slots.cache_clear()
        return function()

    return run


def timed(function, rounds: int) -> tuple[float, object]:
    times, result = [], None
    for _round in range(rounds):
        started = clock.perf_counter()
        result = function()
        times.append(clock.perf_counter() - started)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--per-day", type=int, default=96, help="referrals a working day")
    arguments = parser.parse_args()

    demand = year_of_demand(arguments.per_day)
    today = pilot_timetable()
    changed = hypothetical(today, [NewDesks(1, "Centro Distrital 1", 2, 35, frozenset({1, 2}))])

    def page():
        return [replay(demand, desks, SUBJECTS, YEAR, 1, 15, seed=12) for desks in (today, changed)]

    baseline, _given = timed(lambda: bare_baseline(demand, 12 * 24), arguments.rounds)
    one, result = timed(cold(lambda: replay(demand, today, SUBJECTS, YEAR, 1, 15, seed=12)), 1)
    both, _results = timed(cold(page), arguments.rounds)
    print(f"demand: {len(demand)} referrals over {YEAR.first} to {YEAR.last}, {len(today)} desks")
    print(f"placed today: {len(result.sessions)}, without a time: {result.unplaced}")
    print(f"bare baseline (sort and hand out):       {baseline * 1000:8.1f} ms")
    print(f"replay, today's capacity:                {one * 1000:8.1f} ms")
    print(f"the page's two replays (today, changed): {both * 1000:8.1f} ms")
    print(f"ratio, the page's replays / baseline:    {both / baseline:8.1f}×")
    print(f"aim: a year replayed in ≤ 2 s (both): {'met' if both <= 2 else 'NOT met'}")
    return 0 if both <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
