"""Recorded demand and what it was given, read from the database in one query each.

*Demand* is the referrals issued in the period that led to a session (a booking
confirmed, attended or a no-show): the codes never used took no seat, so a
replay that booked them too would not be comparing like with like. The recorded
figures are these same referrals' sessions, and the seats published in the period.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from portal.booking.models import Booking
from portal.evaluation.figures import KEPT, Period
from portal.extensions import db
from portal.referrals.models import Referral
from portal.scheduling.models import Audience, Desk, Slot


@dataclass(frozen=True)
class Demand:
    """One referral to place: when it was issued, for what, and for whom."""

    issued_at: datetime
    subject_id: int
    audience: Audience


@dataclass(frozen=True)
class Recorded:
    """The referrals of the period, and what they were actually given."""

    demand: list[Demand]  # in the order they were issued
    sessions: list[tuple[datetime, datetime]]  # (issued at, session starts at), in time order
    seats_offered: int  # seats published in the period, at remote desks
    seats_taken: int  # of them, taken by the period's referrals


def _kept_sessions(period: Period):
    begins, ends = period.bounds
    return (
        select(Referral.created_at, Referral.subject_id, Referral.audience, Slot.starts_at)
        .join(Booking, Booking.referral_id == Referral.id)
        .join(Slot, Slot.id == Booking.slot_id)
        .where(
            Referral.created_at >= begins,
            Referral.created_at < ends,
            Booking.status.in_(KEPT),
        )
        .order_by(Referral.created_at, Referral.id)
    )


def recorded(period: Period) -> Recorded:
    """The period's demand and what it was given: the figures a replay of today's
    capacity must reproduce. Two queries: the sessions, and the seats published."""
    begins, ends = period.bounds
    rows = db.session.execute(_kept_sessions(period)).all()
    offered = db.session.scalar(
        select(func.coalesce(func.sum(Slot.capacity), 0))
        .join(Desk, Desk.id == Slot.desk_id)
        .where(Slot.starts_at >= begins, Slot.starts_at < ends, Desk.remote_enabled.is_(True))
    )
    return Recorded(
        demand=[Demand(row.created_at, row.subject_id, Audience(row.audience)) for row in rows],
        sessions=[(row.created_at, row.starts_at) for row in rows],
        seats_offered=int(offered),
        seats_taken=sum(1 for row in rows if begins <= row.starts_at < ends),
    )
