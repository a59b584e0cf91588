"""The waiting list in the pilot's evaluation: offers sent and the bookings that followed."""

from dataclasses import dataclass

from sqlalchemy import func, select

from portal.booking.models import Booking
from portal.extensions import db
from portal.waiting_list.models import WaitingListOffer


@dataclass(frozen=True)
class OfferFigures:
    offers: int  # offer e-mails written in the period
    bookings: int  # bookings confirmed that a person made after an offer in the period


def offer_figures(period) -> OfferFigures:
    """``period`` has ``bounds`` (UTC start, end), as ``evaluation.figures.Period``.

    A booking "followed" an offer when the same referral's booking was created
    after that offer (and was confirmed); each booking counts once.
    """
    begins, ends = period.bounds
    in_period = (WaitingListOffer.offered_at >= begins, WaitingListOffer.offered_at < ends)
    offers = db.session.scalar(select(func.count()).select_from(WaitingListOffer).where(*in_period))
    first_offer = (
        select(WaitingListOffer.referral_id, func.min(WaitingListOffer.offered_at).label("at"))
        .where(*in_period)
        .group_by(WaitingListOffer.referral_id)
        .subquery()
    )
    bookings = db.session.scalar(
        select(func.count(func.distinct(Booking.id)))
        .join(first_offer, first_offer.c.referral_id == Booking.referral_id)
        .where(Booking.created_at >= first_offer.c.at, Booking.confirmed_at.is_not(None))
    )
    return OfferFigures(offers or 0, bookings or 0)


def waiting_by_subject(now) -> list[tuple[object, int, object]]:
    """(subject, people waiting, waiting since) for the phone line; codes still usable."""
    from portal.referrals.models import Referral
    from portal.scheduling.models import Subject
    from portal.waiting_list.models import WaitingListEntry, Wish

    usable = (
        Referral.voided_at.is_(None),
        Referral.cancelled_at.is_(None),
        (Referral.expires_at > now) | (WaitingListEntry.wish == Wish.EARLIER),
    )
    rows = db.session.execute(
        select(Subject, func.count(WaitingListEntry.id), func.min(WaitingListEntry.created_at))
        .join(Referral, Referral.subject_id == Subject.id)
        .join(WaitingListEntry, WaitingListEntry.referral_id == Referral.id)
        .where(WaitingListEntry.ended_at.is_(None), *usable)
        .group_by(Subject.id)
        .order_by(Subject.code)
    ).all()
    return [(subject, count, since) for subject, count, since in rows]
