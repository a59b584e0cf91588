import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.database import UTCDateTime, utcnow
from portal.enums import enum_column_type
from portal.extensions import Model


class MessageKind(enum.StrEnum):
    """The kinds of e-mail the portal itself sends (``portal.notifications.kinds``
    registers each one: its templates and what it carries). The column is plain
    text, so a kind registered elsewhere needs no change here."""

    CONFIRMATION = "confirmation"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"
    REMINDER = "reminder"
    # The desk closed on the day: the session is off, the code still works.
    DESK_CLOSED = "desk_closed"
    # About the referral alone: the code in writing, and one reminder to book.
    CODE_ISSUED = "code_issued"
    REMINDER_TO_BOOK = "reminder_to_book"


KIND_LENGTH = 40
# What the person's calendar holds: one message per version of a booking (its ``sequence``).
VERSION_KINDS = (
    MessageKind.CONFIRMATION,
    MessageKind.RESCHEDULED,
    MessageKind.CANCELLED,
    MessageKind.DESK_CLOSED,
)
_PENDING_VERSION = text(
    "kind IN ('confirmation', 'rescheduled', 'cancelled', 'desk_closed') AND status = 'pending'"
)
_PENDING_REMINDER = text("kind = 'reminder' AND status = 'pending'")
_PENDING_CODE = text("kind = 'code_issued' AND status = 'pending'")
_REMINDER_TO_BOOK = text("kind = 'reminder_to_book'")


class MessageStatus(enum.StrEnum):
    PENDING = "pending"  # to be sent at due_at (possibly again, after an error)
    SENT = "sent"
    FAILED = "failed"  # given up after OUTBOX_MAX_ATTEMPTS: a person must look
    SUPERSEDED = "superseded"  # a later change made it obsolete before it went out


class OutboxMessage(Model):
    """An e-mail to a person about their referral and, usually, its booking.

    Written in the same transaction as the change it announces. The content is
    rendered when it is first sent, in the recipient's language; the PDF is kept
    with the row, so a retry sends the same document and the person downloads it. The
    Message-ID is fixed here, so every retry is the same message to mail clients.
    A worker owns a row while ``lease_until`` is in the future (see outbox.queue).

    Unique indexes make the effects idempotent whatever the code does: at most
    one pending confirmation, change or cancellation per version
    (``booking_sequence``) of a booking, at most one pending reminder; per
    referral, at most one code e-mail waiting to be sent (a resend clicked twice
    writes one) and one reminder to book, ever.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index(
            "uq_outbox_messages_pending_version",
            "booking_id",
            "booking_sequence",
            unique=True,
            sqlite_where=_PENDING_VERSION,
            postgresql_where=_PENDING_VERSION,
        ),
        Index(
            "uq_outbox_messages_pending_reminder",
            "booking_id",
            unique=True,
            sqlite_where=_PENDING_REMINDER,
            postgresql_where=_PENDING_REMINDER,
        ),
        Index(
            "uq_outbox_messages_pending_code",
            "referral_id",
            unique=True,
            sqlite_where=_PENDING_CODE,
            postgresql_where=_PENDING_CODE,
        ),
        Index(
            "uq_outbox_messages_reminder_to_book",
            "referral_id",
            unique=True,
            sqlite_where=_REMINDER_TO_BOOK,
            postgresql_where=_REMINDER_TO_BOOK,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    # None for messages about the referral alone (a code issued, a waiting-list offer).
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"), index=True)
    # A registered kind (MessageKind or one a feature registers).
    kind: Mapped[str] = mapped_column(String(KIND_LENGTH))
    booking_sequence: Mapped[int | None] = mapped_column(Integer)
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
    # The PDF rendered for the first attempt: a retry sends the same one, and once sent
    # it is what the person downloads from their booking's page (the newest is kept).
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # The request that wrote the message (X-Request-ID): the worker's log lines about
    # it carry the same id. None when written outside a request (a command, the worker).
    request_id: Mapped[str | None] = mapped_column(String(64))

    referral = relationship("Referral")
    booking = relationship("Booking")
