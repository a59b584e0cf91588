"""A desk's agenda: its bookings by day, with columns other features can add.

Each row is the booking plus ``extras``: one value per registered agenda
column. Features built elsewhere (documents received/missing, device check,
join link) call ``register_agenda_column`` with a function that takes all the
bookings shown (a day's or a week's) and returns ``{booking_id: text}``; the
agenda page shows every registered column, in order, without knowing about them.

A column answers with one query for all the bookings it is given, never one
per booking: the week's agenda is a fixed number of statements however full it
is. The bookings come with their slot, referral, subject and representative
loaded, in the one query that finds them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.booking.models import Booking, BookingStatus
from portal.extensions import db
from portal.referrals.models import Referral
from portal.scheduling.calendar import lisbon_to_utc, to_lisbon
from portal.scheduling.models import Slot

# Shown on the agenda: what is booked, and what happened to it afterwards.
AGENDA_STATUSES = (
    BookingStatus.CONFIRMED,
    BookingStatus.ATTENDED,
    BookingStatus.NO_SHOW,
)


@dataclass(frozen=True)
class AgendaColumn:
    key: str
    label: object  # a lazy string
    values: Callable[[list[Booking]], dict[int, str]]


AGENDA_COLUMNS: list[AgendaColumn] = []


def register_agenda_column(key: str, label, values) -> None:
    """Add (or replace) a column of the agenda; see the module docstring."""
    AGENDA_COLUMNS[:] = [column for column in AGENDA_COLUMNS if column.key != key]
    AGENDA_COLUMNS.append(AgendaColumn(key, label, values))


@dataclass
class AgendaRow:
    booking: Booking
    extras: dict[str, str] = field(default_factory=dict)

    @property
    def starts_at(self) -> datetime:
        return self.booking.slot.starts_at


def agenda(desk_id: int, first_day: date, last_day: date) -> list[tuple[date, list[AgendaRow]]]:
    """The desk's bookings from ``first_day`` to ``last_day`` (Lisbon days), by day."""
    begins = lisbon_to_utc(first_day, datetime.min.time())
    ends = lisbon_to_utc(last_day + timedelta(days=1), datetime.min.time())
    bookings = list(
        db.session.scalars(
            select(Booking)
            .join(Slot, Slot.id == Booking.slot_id)
            .where(
                Slot.desk_id == desk_id,
                Slot.starts_at >= begins,
                Slot.starts_at < ends,
                Booking.status.in_(AGENDA_STATUSES),
            )
            .options(
                joinedload(Booking.slot),
                joinedload(Booking.referral).joinedload(Referral.subject),
                joinedload(Booking.referral).joinedload(Referral.representative),
            )
            .order_by(Slot.starts_at, Booking.seat)
        )
    )
    extras = {column.key: column.values(bookings) for column in AGENDA_COLUMNS}
    days: dict[date, list[AgendaRow]] = {}
    for booking in bookings:
        row = AgendaRow(
            booking, {key: values.get(booking.id, "") for key, values in extras.items()}
        )
        days.setdefault(to_lisbon(booking.slot.starts_at).date(), []).append(row)
    return list(days.items())
