from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.database import UTCDateTime
from portal.extensions import db


class SignInCounter(db.Model):
    """Sign-in attempts per key (a hashed code, address or e-mail) in the current window.

    One row per key, changed only by one atomic upsert (``service.DatabaseStore``):
    concurrent attempts each count, and none can slip between a read and a write.
    """

    __tablename__ = "sign_in_counters"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
