"""Composing a booking e-mail: plain text and HTML, in the recipient's language,
with the confirmation PDF and the calendar invite where they belong."""

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.i18n import clock_time, long_date
from portal.notifications.document import confirmation_pdf, pdf_filename
from portal.notifications.facts import BookingFacts, missing_documents
from portal.notifications.invite import calendar_invite
from portal.outbox.models import NEEDS_MEETING, MessageKind

WITH_PDF = {MessageKind.CONFIRMATION, MessageKind.RESCHEDULED}
INVITE_METHOD = {
    MessageKind.CONFIRMATION: "REQUEST",
    MessageKind.RESCHEDULED: "REQUEST",
    MessageKind.CANCELLED: "CANCEL",
    MessageKind.DESK_CLOSED: "CANCEL",
}


@dataclass(frozen=True)
class Envelope:
    """The outbox row's fixed parts, read before the worker's transaction ends."""

    kind: MessageKind
    recipient: str
    message_id: str


def subject_line(kind: MessageKind, facts: BookingFacts) -> str:
    when = {
        "date": long_date(facts.starts_at, facts.language),
        "time": clock_time(facts.starts_at, facts.language),
    }
    if kind == MessageKind.CONFIRMATION:
        return _("Video appointment booked: %(date)s at %(time)s (Lisbon time)", **when)
    if kind == MessageKind.RESCHEDULED:
        return _("Video appointment moved to %(date)s at %(time)s (Lisbon time)", **when)
    if kind in (MessageKind.CANCELLED, MessageKind.DESK_CLOSED):
        return _("Video appointment cancelled: %(date)s at %(time)s", **when)
    return _("Reminder: video appointment on %(date)s at %(time)s (Lisbon time)", **when)


def compose(
    envelope: Envelope, facts: BookingFacts, now: datetime, pdf: bytes | None = None
) -> EmailMessage:
    """The whole message, ready for SMTP. ``pdf``: the confirmation, for the kinds that
    carry it — the worker renders it once and keeps it with the message; without it,
    it is rendered here, in this process."""
    kind = envelope.kind
    with force_locale(facts.language):
        subject = subject_line(kind, facts)
        context = {
            "kind": str(kind),
            "facts": facts,
            "subject": subject,
            "with_attachments": kind in WITH_PDF,
            "missing": missing_documents(facts) if kind in NEEDS_MEETING else [],
        }
        text = render_template("email/message.txt", **context)
        html = render_template("email/message.html", **context)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = envelope.recipient
    message["Date"] = format_datetime(now)
    message["Message-ID"] = envelope.message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    if kind in WITH_PDF:
        message.add_attachment(
            pdf if pdf is not None else confirmation_pdf(facts),
            maintype="application",
            subtype="pdf",
            filename=pdf_filename(facts),
        )
    if kind in INVITE_METHOD:
        method = INVITE_METHOD[kind]
        message.add_attachment(
            calendar_invite(facts, method, now).decode("utf-8"),
            subtype="calendar",
            charset="utf-8",
            params={"method": method},
            filename="cancel.ics" if method == "CANCEL" else "invite.ics",
        )
    # After the parts: setting content replaces the Content-* headers.
    message["Content-Language"] = facts.language.replace("_", "-")
    return message
