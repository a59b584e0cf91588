"""The figures the planner shows: days from referral to session, and utilisation.

Days are counted as the evaluation counts them: the session's date minus the
referral's date, both in Lisbon. The 90th percentile interpolates between the
closest ranks (the inclusive method, as PostgreSQL's ``percentile_cont``).
"""

import statistics
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from portal.evaluation.figures import NATIONAL_AVERAGE_DAYS, Period
from portal.extensions import db
from portal.planner.demand import recorded
from portal.planner.replay import Replayed, SubjectRule, replay
from portal.planner.timetable import hypothetical, todays_timetable
from portal.scheduling.calendar import to_lisbon
from portal.scheduling.models import Subject

# How close the replay of today's capacity must come to what was recorded. People
# do not all take the first time offered, and slots published before a change
# of hours keep their old times, so the two differ a little; more than this and
# the replay is not to be trusted for this period (the page says so).
TOLERANCE_DAYS = 0.5
TOLERANCE_POINTS = 2.0  # utilisation, in percentage points
SEED = 12  # the tie-break's seed: the same question always gets the same answer


@dataclass(frozen=True)
class Figures:
    sessions: int
    unplaced: int
    mean: float | None
    median: float | None
    p90: float | None
    seats_offered: int
    seats_taken: int

    @property
    def utilisation(self) -> float | None:
        """Seats taken over seats offered in the period, in percent."""
        return 100 * self.seats_taken / self.seats_offered if self.seats_offered else None

    @property
    def against_national(self) -> float | None:
        return None if self.mean is None else self.mean - NATIONAL_AVERAGE_DAYS


def waiting_days(sessions: list[tuple[datetime, datetime]]) -> list[int]:
    return [
        (to_lisbon(starts).date() - to_lisbon(issued).date()).days for issued, starts in sessions
    ]


def percentile_90(values: list[int]) -> float:
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def figures(sessions, unplaced: int, seats_offered: int, seats_taken: int) -> Figures:
    days = waiting_days(sessions)
    if not days:
        return Figures(0, unplaced, None, None, None, seats_offered, seats_taken)
    return Figures(
        len(days),
        unplaced,
        statistics.fmean(days),
        float(statistics.median(days)),
        percentile_90(days),
        seats_offered,
        seats_taken,
    )


def of_replay(replayed: Replayed) -> Figures:
    return figures(
        replayed.sessions, replayed.unplaced, replayed.seats_offered, replayed.seats_taken
    )


def within_tolerance(recorded_figures: Figures, replayed: Figures) -> bool:
    """Whether the replay of today's capacity reproduces the recorded figures."""
    pairs = [
        (recorded_figures.mean, replayed.mean, TOLERANCE_DAYS),
        (recorded_figures.median, replayed.median, TOLERANCE_DAYS),
        (recorded_figures.p90, replayed.p90, TOLERANCE_DAYS),
        (recorded_figures.utilisation, replayed.utilisation, TOLERANCE_POINTS),
    ]
    for expected, found, tolerance in pairs:
        if (expected is None) != (found is None):
            return False
        if expected is not None and abs(expected - found) > tolerance:
            return False
    return True


@dataclass(frozen=True)
class Plan:
    period: Period
    recorded: Figures
    today: Figures
    planned: Figures
    reproduces: bool  # today's replay within tolerance of the recorded figures
    centres: list[tuple[str, Figures, Figures]]  # name, today, planned


def subject_rules() -> dict[int, SubjectRule]:
    rows = db.session.execute(select(Subject.id, Subject.session_minutes, Subject.audience))
    return {id_: SubjectRule(minutes, audience) for id_, minutes, audience in rows}


def plan(period: Period, changes, seed: int = SEED) -> Plan:
    """Recorded figures, today's capacity replayed, and the changed capacity replayed."""
    config = current_app.config
    window = config["BOOKING_LEAD_WORKING_DAYS"], config["BOOKING_HORIZON_WORKING_DAYS"]
    history = recorded(period)
    rules = subject_rules()
    today = todays_timetable()
    replays = [
        replay(history.demand, desks, rules, period, *window, seed=seed)
        for desks in (today, hypothetical(today, changes))
    ]
    recorded_figures = figures(history.sessions, 0, history.seats_offered, history.seats_taken)
    today_figures, planned_figures = (of_replay(r) for r in replays)
    names = sorted(set(replays[0].by_centre) | set(replays[1].by_centre))
    empty = Replayed()
    centres = [
        (
            name,
            of_replay(replays[0].by_centre.get(name, empty)),
            of_replay(replays[1].by_centre.get(name, empty)),
        )
        for name in names
    ]
    return Plan(
        period,
        recorded_figures,
        today_figures,
        planned_figures,
        within_tolerance(recorded_figures, today_figures),
        centres,
    )
