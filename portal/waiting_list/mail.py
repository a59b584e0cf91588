"""The offer e-mail ("a time is free"): what it says, and whether it still applies.

Registered as the kind ``waiting_list_offer`` in ``portal.notifications.kinds``.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from portal.extensions import db
from portal.links import public_url_for
from portal.notifications.facts import language_arguments, portal_url
from portal.notifications.kinds import DROP, SEND, Verdict
from portal.referrals.models import ReferralState
from portal.waiting_list.models import WaitingListOffer, Wish
from portal.waiting_list.services import OFFER_KIND, free_seats, leave_token, serializer

__all__ = ["OFFER_KIND", "offer_facts", "offer_still_open"]


@dataclass(frozen=True)
class OfferFacts:
    language: str
    recipient: str
    reference: str
    subject: str
    starts_at: datetime
    desk: str
    centre: str
    earlier: bool  # the person has a booking and asked for an earlier time
    portal_url: str
    leave_url: str


def _offer_of(message) -> WaitingListOffer | None:
    if message.id is None:
        return None  # a preview of an unsaved message (tests of every kind, previews)
    return db.session.scalar(
        select(WaitingListOffer).where(WaitingListOffer.message_id == message.id)
    )


def offer_facts(message, now: datetime) -> OfferFacts:
    offer = _offer_of(message)
    referral, language = message.referral, message.language
    if offer is not None:
        slot, earlier, token = (
            offer.slot,
            offer.entry.wish == Wish.EARLIER,
            leave_token(offer.entry),
        )
    else:  # a preview: the booking's time, or else the referral's first slot
        slot = message.booking.slot if message.booking is not None else _any_slot(referral)
        earlier, token = message.booking is not None, serializer().dumps(0)
    return OfferFacts(
        language=language,
        recipient=message.recipient,
        reference=referral.display_code,
        subject=referral.subject.name(language),
        starts_at=slot.starts_at,
        desk=slot.desk.name,
        centre=slot.desk.centre.name,
        earlier=earlier,
        portal_url=portal_url(language),
        leave_url=public_url_for(
            "waiting_list.leave_by_link", token=token, **language_arguments(language)
        ),
    )


def _any_slot(referral):
    from portal.scheduling.models import Slot, desk_subjects

    return db.session.scalar(
        select(Slot)
        .join(desk_subjects, desk_subjects.c.desk_id == Slot.desk_id)
        .where(desk_subjects.c.subject_id == referral.subject_id)
        .order_by(Slot.starts_at)
        .limit(1)
    )


def offer_still_open(message, now: datetime) -> Verdict:
    """Only while the person still waits, their code works and the seat is still free."""
    offer = _offer_of(message)
    if offer is None or offer.slot is None:
        return DROP
    referral = offer.entry.referral
    if not offer.entry.is_open or referral.is_pseudonymised:
        return DROP
    if referral.state(now) is not ReferralState.ACTIVE:
        return DROP
    if offer.slot.starts_at <= now or free_seats(offer.slot, now) == 0:
        return DROP
    return SEND
