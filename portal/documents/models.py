import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import UTCDateTime, utcnow
from portal.enums import enum_column_type
from portal.extensions import db


class DocumentPurpose(enum.StrEnum):
    """What an upload is for: an item of the subject's checklist, the mandate, or other."""

    CHECKLIST = "checklist"
    MANDATE = "mandate"
    OTHER = "other"


class Document(db.Model):
    """A file a person sent for their case, kept outside the web root.

    Documents belong to the referral (the person's case) rather than to one
    booking row: a hold that lapses or is replaced by another time must not
    lose what the person already sent. ``purged_at`` records that the file was
    deleted after the appointment; the row stays as the record of it.
    """

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    purpose: Mapped[DocumentPurpose] = mapped_column(enum_column_type(DocumentPurpose))
    checklist_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("checklist_items.id", ondelete="SET NULL"), index=True
    )
    # Generated name of the file in the documents directory; never from the person.
    stored_name: Mapped[str] = mapped_column(String(32), unique=True)
    # The name the person gave, cleaned, for display only.
    display_name: Mapped[str] = mapped_column(String(160))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    referral = relationship("Referral")
    checklist_item = relationship("ChecklistItem")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
