"""Building waiting people and reading the offers they were sent."""

from datetime import timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.outbox.models import OutboxMessage
from portal.scheduling.models import Slot
from portal.waiting_list import services
from portal.waiting_list.models import WaitingListOffer
from tests.factories import create_referral


def waiting(world, clock, before=None, **referral_values):
    """A new person, joined (any time) now; the clock moves on a minute so order is clear."""
    referral = create_referral(world.subject, clock.now, **referral_values)
    services.join(referral, before, clock.now)
    db.session.commit()
    clock.advance(minutes=1)
    return referral


def offers_to(referral) -> list[WaitingListOffer]:
    db.session.expire_all()
    return db.session.scalars(
        select(WaitingListOffer)
        .where(WaitingListOffer.referral_id == referral.id)
        .order_by(WaitingListOffer.id)
    ).all()


def offer_messages(referral) -> list[OutboxMessage]:
    return db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.referral_id == referral.id,
            OutboxMessage.kind == services.OFFER_KIND,
        )
    ).all()


def first_slot(world, now, days_ahead=2, desk=0) -> Slot:
    return db.session.scalars(
        select(Slot)
        .where(
            Slot.desk_id == world.desks[desk].id,
            Slot.starts_at >= now + timedelta(days=days_ahead),
        )
        .order_by(Slot.starts_at)
    ).first()
