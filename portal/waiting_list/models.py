import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import UTCDateTime
from portal.enums import enum_column_type
from portal.extensions import db


class Wish(enum.StrEnum):
    ANY_TIME = "any_time"  # no time was free: any time that suits
    EARLIER = "earlier"  # a confirmed booking: a time earlier than it


class EndReason(enum.StrEnum):
    LEFT = "left"  # the person left the list
    BOOKED = "booked"  # held a time, or moved to an earlier one
    CODE_ENDED = "code_ended"  # the code expired, was used up or withdrawn


_OPEN = text("ended_at IS NULL")


class WaitingListEntry(db.Model):
    """A person waiting for a seat: one open entry per referral (a unique index
    decides, so a form sent twice writes one)."""

    __tablename__ = "waiting_list_entries"
    __table_args__ = (
        Index(
            "uq_waiting_list_entries_open",
            "referral_id",
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    wish: Mapped[Wish] = mapped_column(enum_column_type(Wish))
    # The session is wanted before this day (Lisbon date), if the person said so.
    before: Mapped[date | None] = mapped_column(Date)
    # For an "earlier" wish: the start of the booking the person had when asking.
    booked_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[EndReason | None] = mapped_column(enum_column_type(EndReason))

    referral = relationship("Referral")

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class WaitingListOffer(db.Model):
    """One e-mail telling a waiting person of a free seat. At most one per referral
    per Lisbon day (a unique constraint decides, whatever the race)."""

    __tablename__ = "waiting_list_offers"
    __table_args__ = (UniqueConstraint("referral_id", "offered_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("waiting_list_entries.id"), index=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    # None once a closure deleted the slot (the offer still counts in the evaluation).
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("slots.id", ondelete="SET NULL"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id"), index=True)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    offered_on: Mapped[date] = mapped_column(Date)

    entry = relationship("WaitingListEntry")
    slot = relationship("Slot")
