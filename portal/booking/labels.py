"""How booking statuses read to people."""

from flask_babel import lazy_gettext as _l

from portal.booking.models import BookingStatus

STATUS_LABELS = {
    BookingStatus.HELD: _l("Reserved, not yet confirmed"),
    BookingStatus.CONFIRMED: _l("Confirmed"),
    BookingStatus.CANCELLED: _l("Cancelled"),
    BookingStatus.ATTENDED: _l("Attended"),
    BookingStatus.NO_SHOW: _l("Missed"),
    BookingStatus.EXPIRED: _l("Reservation expired"),
    BookingStatus.REPLACED: _l("Reservation replaced by another time"),
}


def status_label(status) -> str:
    return str(STATUS_LABELS[BookingStatus(status)])
