"""Replaying referrals, in the order they were issued, against a timetable.

Each referral takes what the portal would have offered first: the earliest
start time in its booking window (``booking_window``) with a free seat at a
remote desk that attends its subject with slots long enough, and there the desk
the portal's desk rule picks (``scheduling.offers.candidate_slots``: fewest
bookings that day, then the lowest desk id; desks are in id order here, the
added ones last). Slots come from
``slot_times``, so weekends, the national holidays and the desks' closures are
the portal's own. Referrals issued at the same moment are taken in an order
drawn from ``seed``: the same inputs always give the same result.
"""

import random
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from portal.evaluation.figures import Period
from portal.planner.demand import Demand
from portal.planner.timetable import PlannedDesk
from portal.scheduling.calendar import add_working_days, lisbon_today
from portal.scheduling.models import Audience
from portal.scheduling.slots import booking_window, slot_times


@dataclass(frozen=True)
class SubjectRule:
    """What the offer needs to know of a subject."""

    session_minutes: int
    audience: Audience

    def serves(self, audience: Audience) -> bool:
        return self.audience in (Audience.BOTH, audience)


@dataclass
class Replayed:
    """Where each referral went, and the seats of the period."""

    sessions: list[tuple[datetime, datetime]] = field(default_factory=list)  # (issued, starts)
    unplaced: int = 0  # nothing free in the window: the person would have had no offer
    seats_offered: int = 0  # in slots starting within the period
    seats_taken: int = 0
    by_centre: dict[str, "Replayed"] = field(default_factory=dict)

    def centre(self, name: str) -> "Replayed":
        if name not in self.by_centre:
            self.by_centre[name] = Replayed()
        return self.by_centre[name]


@dataclass(frozen=True)
class _Shape:
    """What ``slot_times`` reads of a desk: desks alike share their days' slots."""

    opening_hours: tuple
    closures: tuple
    slot_minutes: int


@lru_cache(maxsize=100_000)
def _day_slots(shape: _Shape, day: date) -> tuple[datetime, ...]:
    # Most of a replay's time went into local-time conversions, the same for every
    # desk of the same hours and for today's and the changed timetable: kept here.
    return tuple(begins for begins, _ends in slot_times(shape, day))


class _Slots:
    """Every slot of the timetable over some days: start, desk, seats left."""

    def __init__(self, desks: Sequence[PlannedDesk], first: date, last: date):
        self.starts: list[datetime] = []
        self.desk: list[int] = []
        self.free: list[int] = []
        self.day: list[date] = []
        self.booked: dict[tuple[int, date], int] = {}  # (desk, Lisbon day): seats taken
        shapes = [_Shape(d.opening_hours, d.closures, d.slot_minutes) for d in desks]
        day = first
        while day <= last:
            for index, desk in enumerate(desks):
                for begins in _day_slots(shapes[index], day):
                    self.starts.append(begins)
                    self.desk.append(index)
                    self.free.append(desk.parallel_attendants)
                    self.day.append(day)
            day += timedelta(days=1)


class _Offer:
    """One subject's slots grouped by start time, full groups skipped (union-find)."""

    def __init__(self, slots: _Slots, desks: Sequence[PlannedDesk], eligible: set[int]):
        groups: dict[datetime, list[int]] = {}
        for index, starts in enumerate(slots.starts):
            if slots.desk[index] in eligible:
                groups.setdefault(starts, []).append(index)
        self.slots, self.desks = slots, desks
        self.starts = sorted(groups)
        self.groups = [groups[starts] for starts in self.starts]
        self.next = list(range(len(self.starts) + 1))

    def _open_from(self, group: int) -> int:
        root = group
        while self.next[root] != root:
            root = self.next[root]
        while self.next[group] != root:  # path compression
            self.next[group], group = root, self.next[group]
        return root

    def take(self, earliest: datetime, before: datetime) -> int | None:
        """Take a seat in the first slot with one, from ``earliest`` until ``before``."""
        slots = self.slots
        free, booked = slots.free, slots.booked
        group = self._open_from(bisect_left(self.starts, earliest))
        while group < len(self.starts) and self.starts[group] < before:
            open_slots = [slot for slot in self.groups[group] if free[slot] > 0]
            if open_slots:
                chosen = min(
                    open_slots,
                    key=lambda slot: (
                        booked.get((slots.desk[slot], slots.day[slot]), 0),
                        slots.desk[slot],
                    ),
                )
                free[chosen] -= 1
                key = (slots.desk[chosen], slots.day[chosen])
                booked[key] = booked.get(key, 0) + 1
                return chosen
            self.next[group] = group + 1  # full for good: seats are only ever taken
            group = self._open_from(group + 1)
        return None


def replay(
    demand: Sequence[Demand],
    desks: Sequence[PlannedDesk],
    subjects: dict[int, SubjectRule],
    period: Period,
    lead_days: int,
    horizon_days: int,
    seed: int = 0,
) -> Replayed:
    """Place every referral of ``demand`` in time order; see the module docstring."""
    draw = random.Random(seed)
    keys = [(item.issued_at, draw.random()) for item in demand]
    order = [demand[i] for i in sorted(range(len(demand)), key=keys.__getitem__)]
    days = [lisbon_today(item.issued_at) for item in order]
    first = min(days + [period.first])
    last = max(add_working_days(max(days + [period.first]), lead_days + horizon_days), period.last)
    slots = _Slots(desks, first, last)
    offers: dict[int, _Offer] = {}
    windows: dict[date, tuple[datetime, datetime]] = {}
    result = Replayed()
    for item, day in zip(order, days, strict=True):
        rule = subjects.get(item.subject_id)
        if rule is None or not rule.serves(item.audience):
            result.unplaced += 1
            continue
        if item.subject_id not in offers:
            eligible = {
                index
                for index, desk in enumerate(desks)
                if item.subject_id in desk.subject_ids and desk.slot_minutes >= rule.session_minutes
            }
            offers[item.subject_id] = _Offer(slots, desks, eligible)
        if day not in windows:
            windows[day] = booking_window(item.issued_at, lead_days, horizon_days)
        begins, ends = windows[day]
        chosen = offers[item.subject_id].take(max(begins, item.issued_at), ends)
        if chosen is None:
            result.unplaced += 1
            continue
        session = (item.issued_at, slots.starts[chosen])
        result.sessions.append(session)
        result.centre(desks[slots.desk[chosen]].centre_name).sessions.append(session)
    _count_seats(result, slots, desks, period)
    return result


def _count_seats(result: Replayed, slots: _Slots, desks, period: Period) -> None:
    begins, ends = period.bounds
    for index, starts in enumerate(slots.starts):
        if begins <= starts < ends:
            desk = desks[slots.desk[index]]
            taken = desk.parallel_attendants - slots.free[index]
            for tally in (result, result.centre(desk.centre_name)):
                tally.seats_offered += desk.parallel_attendants
                tally.seats_taken += taken
