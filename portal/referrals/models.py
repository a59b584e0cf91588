import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.booking.models import ACTIVE_STATUSES, Booking
from portal.database import UTCDateTime, utcnow
from portal.enums import enum_column_type
from portal.extensions import db
from portal.referrals.codes import display
from portal.scheduling.models import Audience


class ReferralState(enum.StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    VOIDED = "voided"


class Referral(db.Model):
    """What the phone line gives a caller: a code bound to a subject and a person."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id"), index=True)
    audience: Mapped[Audience] = mapped_column(enum_column_type(Audience))
    niss: Mapped[str] = mapped_column(String(11), index=True)
    nipc: Mapped[str | None] = mapped_column(String(9), index=True)
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8), default="pt_PT")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Withdrawn by the phone line (mistake, or replaced by a re-issued code).
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The earliest in-person appointment the agent could offer: the pilot's gain.
    in_person_date: Mapped[date | None] = mapped_column(Date)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    # Set on the new referral when a code is re-issued.
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"))
    # When storage limitation removed what identified the person (portal.privacy).
    pseudonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    subject = relationship("Subject")
    issued_by = relationship("Account")
    representative = relationship("Representative", back_populates="referral", uselist=False)
    bookings: Mapped[list[Booking]] = relationship(back_populates="referral", order_by="Booking.id")

    @property
    def is_pseudonymised(self) -> bool:
        return self.pseudonymised_at is not None

    @property
    def is_company(self) -> bool:
        return self.audience == Audience.COMPANY

    @property
    def contact_email(self) -> str:
        """Where messages go: the company's representative once known."""
        return self.representative.email if self.representative else self.email

    @property
    def display_code(self) -> str:
        return display(self.code)

    @property
    def active_booking(self) -> Booking | None:
        return next((b for b in self.bookings if b.status in ACTIVE_STATUSES), None)

    @property
    def latest_booking(self) -> Booking | None:
        return self.bookings[-1] if self.bookings else None

    def state(self, now: datetime) -> ReferralState:
        """Whether the code can still be used to book (or manage its booking)."""
        if self.voided_at is not None:
            return ReferralState.VOIDED
        if self.cancelled_at is not None:
            return ReferralState.CANCELLED
        booking = self.active_booking
        if booking is not None and booking.status == "confirmed":
            return ReferralState.ACTIVE  # a booked code stays usable until the session
        if now >= self.expires_at:
            return ReferralState.EXPIRED
        return ReferralState.ACTIVE
