import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import UTCDateTime, utcnow
from portal.enums import enum_column_type
from portal.extensions import db


class MessageKind(enum.StrEnum):
    CONFIRMATION = "confirmation"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"
    REMINDER = "reminder"
    # The desk closed on the day: the session is off, the code still works.
    DESK_CLOSED = "desk_closed"


# These carry the join link, so they wait until the meeting has caught up.
NEEDS_MEETING = {MessageKind.CONFIRMATION, MessageKind.RESCHEDULED, MessageKind.REMINDER}


class MessageStatus(enum.StrEnum):
    PENDING = "pending"  # to be sent at due_at (possibly again, after an error)
    SENT = "sent"
    FAILED = "failed"  # given up after OUTBOX_MAX_ATTEMPTS: a person must look
    SUPERSEDED = "superseded"  # a later change made it obsolete before it went out


class OutboxMessage(db.Model):
    """An e-mail about a booking, written in the same transaction as the change.

    The content is rendered when it is sent, in the recipient's language; the
    Message-ID is fixed here, so every retry is the same message to mail clients.
    A worker owns a row while ``lease_until`` is in the future (see outbox.queue).
    """

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    kind: Mapped[MessageKind] = mapped_column(enum_column_type(MessageKind))
    booking_sequence: Mapped[int] = mapped_column(Integer)
    recipient: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(8))
    message_id: Mapped[str] = mapped_column(String(250), unique=True)
    status: Mapped[MessageStatus] = mapped_column(enum_column_type(MessageStatus), index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_token: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    booking = relationship("Booking")
