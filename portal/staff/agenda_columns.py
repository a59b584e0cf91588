"""What the desk sees beside each booking: documents, device check, join link.

Registered once at start-up through ``register_agenda_column``, so the agenda
itself knows nothing of documents, device checks or meetings. Each column is
given all the bookings shown and asks the database once for all of them.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.booking.agenda import register_agenda_column
from portal.device_check.labels import OUTCOME_LABELS
from portal.device_check.results import latest_checks
from portal.documents.checklist import missing_counts
from portal.extensions import db
from portal.meetings.models import Meeting


def documents_column(bookings) -> dict[int, str]:
    missing = missing_counts({booking.referral for booking in bookings})
    return {
        booking.id: (
            _("Missing %(count)d", count=missing[booking.referral_id])
            if missing.get(booking.referral_id)
            else _("All received")
        )
        for booking in bookings
    }


def device_check_column(bookings) -> dict[int, str]:
    checks = latest_checks({booking.referral_id for booking in bookings})
    values = {}
    for booking in bookings:
        check = checks.get(booking.referral_id)
        if check is None:
            values[booking.id] = _("Not run")
        elif check.self_declared:
            values[booking.id] = _("%(outcome)s (declared)", outcome=OUTCOME_LABELS[check.overall])
        else:
            values[booking.id] = str(OUTCOME_LABELS[check.overall])
    return values


def join_link_column(bookings) -> dict[int, str]:
    ids = [booking.id for booking in bookings]
    meetings = (
        {
            m.booking_id: m
            for m in db.session.scalars(select(Meeting).where(Meeting.booking_id.in_(ids)))
        }
        if ids
        else {}
    )
    values = {}
    for booking in bookings:
        meeting = meetings.get(booking.id)
        ready = meeting is not None and meeting.ready_for(booking.sequence)
        values[booking.id] = _("Ready") if ready else _("Link pending")
    return values


def register_columns() -> None:
    register_agenda_column("documents", _l("Documents"), documents_column)
    register_agenda_column("device_check", _l("Device check"), device_check_column)
    register_agenda_column("join_link", _l("Teams link"), join_link_column)
