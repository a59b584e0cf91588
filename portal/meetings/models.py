import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import UTCDateTime
from portal.enums import enum_column_type
from portal.extensions import Model


class MeetingStatus(enum.StrEnum):
    PENDING = "pending"  # the provider has not yet caught up with the booking
    READY = "ready"  # the meeting matches the booking's current time
    CANCELLED = "cancelled"  # deleted (or never created) after the booking was cancelled
    FAILED = "failed"  # refused by the provider; needs a person (see last_error)


class Meeting(Model):
    """The video meeting of one booking, as the provider last confirmed it.

    ``synced_sequence`` is the booking's ``sequence`` the provider has seen:
    while it is behind, the meeting is pending and messages that carry the link
    wait for it. A Teams meeting exists only under its organizer, who cannot be
    changed: ``organizer_id`` (the Entra object id) says whose it is, so it is
    moved and deleted there; a booking moved to a desk with another organizer
    gets a new meeting (``generation`` + 1) and the old one is deleted.
    """

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), unique=True)
    provider: Mapped[str] = mapped_column(String(20))
    status: Mapped[MeetingStatus] = mapped_column(enum_column_type(MeetingStatus), index=True)
    external_id: Mapped[str | None] = mapped_column(String(300))  # the provider's meeting id
    # Who owns the meeting at the provider (set when it is created).
    organizer_id: Mapped[str | None] = mapped_column(String(254))
    # How many times the meeting was replaced (a move to another organizer).
    generation: Mapped[int] = mapped_column(Integer, default=0)
    join_url: Mapped[str | None] = mapped_column(Text)
    join_meeting_id: Mapped[str | None] = mapped_column(String(40))
    passcode: Mapped[str | None] = mapped_column(String(40))
    synced_sequence: Mapped[int] = mapped_column(Integer, default=-1)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    booking = relationship("Booking", back_populates="meeting")

    def ready_for(self, sequence: int) -> bool:
        """Whether the link can be sent for this version of the booking."""
        return (
            self.status == MeetingStatus.READY
            and self.synced_sequence >= sequence
            and bool(self.join_url)
        )


class ProviderStatus(Model):
    """What the worker knows about the meeting provider as a whole.

    A refused credential (``problem``) or Graph's throttling pauses every
    meeting until ``paused_until``; e-mails that need no meeting go on.
    """

    __tablename__ = "meeting_provider_status"

    provider: Mapped[str] = mapped_column(String(20), primary_key=True)
    problem: Mapped[str | None] = mapped_column(Text)
    problem_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
