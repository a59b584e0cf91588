"""The calendar invite (iCalendar, RFC 5545; iTIP methods, RFC 5546).

The UID is the booking's own random one (``Booking.invite_uid``, a UUID) for its
whole life, and SEQUENCE the booking's sequence, raised on every change, so a
calendar replaces the event it holds. A cancellation is METHOD:CANCEL with the
same UID, a higher SEQUENCE and STATUS:CANCELLED; it carries no join link (the
meeting is deleted).
"""

from datetime import date, datetime
from email.utils import parseaddr
from typing import TYPE_CHECKING

from flask_babel import force_locale, pgettext
from flask_babel import gettext as _

from portal.notifications.facts import BookingFacts
from portal.scheduling.calendar import LISBON

if TYPE_CHECKING:
    from icalendar import vCalAddress

PRODID = "-//Seguranca Social//Atendimento por videoconferencia//PT"


def _address(email: str, name: str | None = None, **params) -> "vCalAddress":
    from icalendar import vCalAddress

    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = name
    address.params.update(params)
    return address


def invite_filename(method: str, language: str) -> str:
    """The attachment's name, in the person's language (plain ASCII: any client shows it)."""
    with force_locale(language):
        if method == "CANCEL":
            # I18N: file name of the calendar cancellation attached to the e-mail; ASCII only.
            return pgettext("file name", "cancellation.ics")
        # I18N: file name of the calendar invitation attached to the e-mail; ASCII only.
        return pgettext("file name", "appointment.ics")


def _texts(facts: BookingFacts, method: str) -> tuple[str, str, str | None]:
    """Summary, description and location, in the current locale."""
    summary = _("Video appointment with Segurança Social: %(subject)s", subject=facts.subject)
    reference = _("Reference code: %(code)s", code=facts.reference)
    desk = _("Desk: %(desk)s, %(centre)s", desk=facts.desk, centre=facts.centre)
    if method == "CANCEL":
        summary = _("Cancelled: %(summary)s", summary=summary)
        lines = [
            _("This video appointment is cancelled. The link to join it no longer works."),
            reference,
            _("To book another time, or for help: %(url)s", url=facts.manage_url),
        ]
        return summary, "\n".join(lines), None
    lines = [reference, desk]
    if facts.join_url:
        lines.append(_("Join the video session: %(url)s", url=facts.join_url))
    lines.append(_("To change or cancel: %(url)s", url=facts.manage_url))
    location = facts.join_url or _("Microsoft Teams (the link will follow by e-mail)")
    return summary, "\n".join(lines), location


def calendar_invite(facts: BookingFacts, method: str, now: datetime) -> bytes:
    """``method`` is REQUEST (new or moved) or CANCEL."""
    # Imported here: only the outbox worker (and previews) write invitations.
    from icalendar import Calendar, Event

    organizer_name, organizer_email = parseaddr(facts.organizer_email)
    cancel = method == "CANCEL"
    with force_locale(facts.language):
        summary, description, location = _texts(facts, method)
    event = Event.new(
        uid=facts.invite_uid,
        sequence=facts.sequence,
        stamp=now,
        start=facts.starts_at.astimezone(LISBON),
        end=facts.ends_at.astimezone(LISBON),
        summary=summary,
        description=description,
        location=location,
        url=None if cancel else facts.join_url,
        status="CANCELLED" if cancel else "CONFIRMED",
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
