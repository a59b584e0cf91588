import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import UTCDateTime, utcnow
from portal.enums import enum_column_type
from portal.extensions import db


class AuditAction(enum.StrEnum):
    VIEWED = "viewed"
    DOWNLOADED = "downloaded"
    CHANGED = "changed"
    # Something the portal turned away, such as an upload carrying malware.
    REFUSED = "refused"


class AuditEvent(db.Model):
    """One access to personal data by a member of staff (or an integration client), or
    (with neither) an event the portal itself recorded, such as a refused upload."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    # Set instead of account_id when an integration client acted.
    client_name: Mapped[str | None] = mapped_column(String(120))
    action: Mapped[AuditAction] = mapped_column(enum_column_type(AuditAction))
    # What was touched: e.g. "referral" 42, "booking" 7, "referral-list" (a search).
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column()
    summary: Mapped[str] = mapped_column(String(300), default="")

    account = relationship("Account")
