import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import UTCDateTime, utcnow
from portal.enums import enum_column_type
from portal.extensions import db


class BookingStatus(enum.StrEnum):
    HELD = "held"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    EXPIRED = "expired"  # the hold ran out
    REPLACED = "replaced"  # the person held another time instead


class CancelReason(enum.StrEnum):
    """Who or what ended a booking (every cancelled booking has one)."""

    PERSON = "person"  # the person cancelled it in the portal
    PHONE_LINE = "phone_line"  # the phone line withdrew (voided) the code
    CLOSURE = "closure"  # the desk closed that day; the code books another time
    REBOOKED_BY_PHONE = "rebooked_by_phone"  # the desk recorded it was rebooked by phone


class Outcome(enum.StrEnum):
    """What the desk recorded after the session time."""

    ATTENDED = "attended"
    NO_SHOW = "no_show"
    REBOOKED_BY_PHONE = "rebooked_by_phone"


def new_invite_uid() -> str:
    """A calendar UID nobody can guess or derive from the booking (RFC 7986: a UUID)."""
    return str(uuid.uuid4())


ACTIVE_STATUSES = (BookingStatus.HELD, BookingStatus.CONFIRMED)
_ACTIVE = text("status IN ('held', 'confirmed')")


class Booking(db.Model):
    """A seat in a slot for one referral.

    Two partial unique indexes make overbooking impossible in the database
    itself, whatever the application does: an active (held or confirmed)
    booking owns seat N of its slot alone, and a referral has at most one
    active booking.
    """

    __tablename__ = "bookings"
    __table_args__ = (
        Index(
            "uq_bookings_active_seat",
            "slot_id",
            "seat",
            unique=True,
            sqlite_where=_ACTIVE,
            postgresql_where=_ACTIVE,
        ),
        Index(
            "uq_bookings_active_referral",
            "referral_id",
            unique=True,
            sqlite_where=_ACTIVE,
            postgresql_where=_ACTIVE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id"), index=True)
    seat: Mapped[int] = mapped_column(Integer)
    status: Mapped[BookingStatus] = mapped_column(enum_column_type(BookingStatus), index=True)
    held_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Raised on every change the person is told about (calendar SEQUENCE).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    # The calendar event's UID, the same in every invite and cancellation of the booking.
    invite_uid: Mapped[str] = mapped_column(String(36), unique=True, default=new_invite_uid)
    # Recorded by the desk: what happened, a note, who and when.
    outcome: Mapped[Outcome | None] = mapped_column(enum_column_type(Outcome))
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    # Why the booking was cancelled (set with status cancelled, never otherwise).
    cancelled_reason: Mapped[CancelReason | None] = mapped_column(enum_column_type(CancelReason))

    referral = relationship("Referral", back_populates="bookings")
    slot = relationship("Slot")
    meeting = relationship("Meeting", back_populates="booking", uselist=False)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def hold_lapsed(self, now: datetime) -> bool:
        return self.status == BookingStatus.HELD and self.held_until <= now

    @staticmethod
    def takes_a_seat(now: datetime):
        """SQL condition: the booking holds its seat at ``now`` (confirmed, or held and
        not lapsed) — what counts against a slot's capacity when offering it."""
        return Booking.status.in_(ACTIVE_STATUSES) & (
            Booking.held_until.is_(None) | (Booking.held_until > now)
        )
