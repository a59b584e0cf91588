"""What the desk sees beside each booking: documents, device check, join link.

Registered once at start-up through ``register_agenda_column``, so the agenda
itself knows nothing of documents, device checks or meetings.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.booking.agenda import register_agenda_column
from portal.device_check.labels import OUTCOME_LABELS
from portal.device_check.results import latest_check
from portal.documents.checklist import missing_items


def documents_column(bookings) -> dict[int, str]:
    values = {}
    for booking in bookings:
        missing = missing_items(booking)
        values[booking.id] = (
            _("Missing %(count)d", count=len(missing)) if missing else _("All received")
        )
    return values


def device_check_column(bookings) -> dict[int, str]:
    values = {}
    for booking in bookings:
        check = latest_check(booking.referral)
        if check is None:
            values[booking.id] = _("Not run")
        elif check.self_declared:
            values[booking.id] = _("%(outcome)s (declared)", outcome=OUTCOME_LABELS[check.overall])
        else:
            values[booking.id] = str(OUTCOME_LABELS[check.overall])
    return values


def join_link_column(bookings) -> dict[int, str]:
    values = {}
    for booking in bookings:
        meeting = booking.meeting
        ready = meeting is not None and meeting.ready_for(booking.sequence)
        values[booking.id] = _("Ready") if ready else _("Link pending")
    return values


def register_columns() -> None:
    register_agenda_column("documents", _l("Documents"), documents_column)
    register_agenda_column("device_check", _l("Device check"), device_check_column)
    register_agenda_column("join_link", _l("Teams link"), join_link_column)
