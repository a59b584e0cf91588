import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.dialects.postgresql import JSONB
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


# JSONB on PostgreSQL: it can be compared (the purge looks for entries not yet cleared).
DETAIL_VALUES_TYPE = JSON().with_variant(JSONB(), "postgresql")


class AuditEvent(db.Model):
    """One access to personal data by a member of staff (or an integration client), or
    (with neither) an event the portal itself recorded, such as a refused upload.

    Stored as codes, never as sentences, so the log reads in the language of whoever
    opens it: ``object_type`` and ``detail`` are codes and ``detail_values`` their
    values (portal.audit.labels turns them into text through the catalog).
    """

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
    # What happened, as a code from portal.audit.labels.DETAILS ("" for nothing more),
    # and its values: {"outcome": "attended"}, {"first": "2026-11-23", …}.
    detail: Mapped[str] = mapped_column(String(40), default="")
    detail_values: Mapped[dict] = mapped_column(DETAIL_VALUES_TYPE, default=dict)

    account = relationship("Account")
