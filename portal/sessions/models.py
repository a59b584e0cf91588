from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import UTCDateTime
from portal.extensions import db


class CitizenSession(db.Model):
    """One signed-in session of a person with their reference code.

    The session cookie holds a random token; this row holds its SHA-256 digest.
    A cookie is only good while its row exists: signing out, the phone line
    withdrawing or re-issuing the code, the desk recording the outcome, or the code
    expiring delete the row, so a copy of the cookie taken before is useless after.
    """

    __tablename__ = "citizen_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Refreshed at most once a minute; sessions unseen for longer than a session
    # lasts are deleted when someone next signs in.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    referral = relationship("Referral")
