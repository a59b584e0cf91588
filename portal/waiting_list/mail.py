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
from portal.waiting_list.services import OFFER_KIND, free_seats, leave_token

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


def _offer_of(message) -> WaitingListOffer:
    offer = db.session.scalar(
        select(WaitingListOffer).where(WaitingListOffer.message_id == message.id)
    )
    if offer is None:
        raise LookupError("a waiting_list_offer message needs its offer")
    return offer


def offer_facts(message, now: datetime) -> OfferFacts:
    offer = _offer_of(message)
    referral, slot, language = message.referral, offer.slot, message.language
    return OfferFacts(
        language=language,
        recipient=message.recipient,
        reference=referral.display_code,
        subject=referral.subject.name(language),
        starts_at=slot.starts_at,
        desk=slot.desk.name,
        centre=slot.desk.centre.name,
        earlier=offer.entry.wish == Wish.EARLIER,
        portal_url=portal_url(language),
        leave_url=public_url_for(
            "waiting_list.leave_by_link",
            token=leave_token(offer.entry),
            **language_arguments(language),
        ),
    )


def offer_still_open(message, now: datetime) -> Verdict:
    """Only while the person still waits, their code works and the seat is still free."""
    offer = _offer_of(message)
    referral = offer.entry.referral
    if not offer.entry.is_open or referral.is_pseudonymised:
        return DROP
    if referral.state(now) is not ReferralState.ACTIVE:
        return DROP
    if offer.slot.starts_at <= now or free_seats(offer.slot, now) == 0:
        return DROP
    return SEND
