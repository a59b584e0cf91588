"""The calendar invite (RFC 5545/5546) attached to confirmation and change e-mails.

The UID is the booking's for its whole life; SEQUENCE is the booking's
sequence, raised on every change, so calendars replace the old event; a
cancellation is METHOD:CANCEL with STATUS:CANCELLED and the same UID.
"""

from datetime import date, datetime
from email.utils import parseaddr

from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event, vCalAddress

from portal.links import public_hostname
from portal.notifications.facts import BookingFacts
from portal.scheduling.calendar import LISBON

PRODID = "-//Seguranca Social//Atendimento por videoconferencia//PT"


def invite_uid(booking_id: int) -> str:
    domain = public_hostname()
    return f"booking-{booking_id}@{domain}"


def _address(email: str, name: str | None = None, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = name
    address.params.update(params)
    return address


def calendar_invite(facts: BookingFacts, method: str, now: datetime) -> bytes:
    """``method`` is REQUEST (new or moved) or CANCEL."""
    organizer_name, organizer_email = parseaddr(facts.organizer_email)
    with force_locale(facts.language):
        summary = _("Video appointment with Segurança Social: %(subject)s", subject=facts.subject)
        lines = [
            _("Reference code: %(code)s", code=facts.reference),
            _("Desk: %(desk)s, %(centre)s", desk=facts.desk, centre=facts.centre),
        ]
        if facts.join_url:
            lines.append(_("Join the video session: %(url)s", url=facts.join_url))
        lines.append(_("To change or cancel: %(url)s", url=facts.manage_url))
        location = facts.join_url or _("Microsoft Teams (the link will follow by e-mail)")
    event = Event.new(
        uid=invite_uid(facts.booking_id),
        sequence=facts.sequence,
        stamp=now,
        start=facts.starts_at.astimezone(LISBON),
        end=facts.ends_at.astimezone(LISBON),
        summary=summary,
        description="\n".join(lines),
        location=location,
        url=facts.join_url,
        status="CANCELLED" if method == "CANCEL" else "CONFIRMED",
        organizer=_address(organizer_email, organizer_name or None),
        attendees=[
            _address(
                facts.recipient,
                ROLE="REQ-PARTICIPANT",
                PARTSTAT="NEEDS-ACTION",
                RSVP="FALSE",
            )
        ],
    )
    calendar = Calendar.new(prodid=PRODID, method=method, subcomponents=[event])
    # VTIMEZONE rules for the appointment's year only, not 1970–2038.
    year = facts.starts_at.year
    calendar.add_missing_timezones(
        first_date=date(year - 1, 1, 1), last_date=date(year + 1, 12, 31)
    )
    return calendar.to_ical()
