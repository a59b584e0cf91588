"""Finding referrals for the phone line's list and search."""

import contextlib

from sqlalchemy import func, or_, select

from portal.extensions import db
from portal.referrals import codes
from portal.referrals.identifiers import compact
from portal.referrals.models import Referral


def recent_referrals(search: str | None = None, limit: int = 50) -> list[Referral]:
    """Newest first; ``search`` matches a code (typed loosely), a NISS, a NIPC or an e-mail."""
    query = select(Referral).order_by(Referral.created_at.desc(), Referral.id.desc()).limit(limit)
    text = (search or "").strip()
    if text:
        conditions = [func.lower(Referral.email) == text.lower()]
        with contextlib.suppress(codes.InvalidCode):
            conditions.append(Referral.code == codes.normalise(text))
        digits = compact(text)
        if digits.isdigit():
            conditions += [Referral.niss == digits, Referral.nipc == digits]
        query = query.where(or_(*conditions))
    return list(db.session.scalars(query))
