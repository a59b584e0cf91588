"""Composing an e-mail: plain text, HTML and, for invites, the calendar, in the
recipient's language, with the attachments its kind declares (``kinds``).

The message is ``multipart/mixed``: first a ``multipart/alternative`` of the
text, the HTML and (for invites and cancellations) the ``text/calendar`` part
with its method — the part that makes Outlook show an invitation rather than a
file — then the confirmation PDF and the same calendar as an ``.ics`` file.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app, render_template
from flask_babel import force_locale

from portal.links import public_url_for
from portal.notifications.document import confirmation_pdf, pdf_filename
from portal.notifications.facts import language_arguments
from portal.notifications.invite import calendar_invite, invite_filename
from portal.notifications.kinds import Kind, kind_of

_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Envelope:
    """The outbox row's fixed parts, read before the worker's transaction ends."""

    kind: str
    recipient: str
    message_id: str


def render_subject(kind: Kind, context: dict) -> str:
    """The ``subject`` block of the kind's text template, on one line."""
    template = current_app.jinja_env.get_template(kind.text_template)
    block = template.blocks.get("subject")
    if block is None:
        raise LookupError(f"{kind.text_template} has no subject block")
    values = dict(context)
    current_app.update_template_context(values)
    return " ".join("".join(block(template.new_context(values))).split())


def _plain(text: str) -> str:
    """Templates stay readable; the text part gets no trailing spaces or runs of blank lines."""
    lines = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return _BLANK_LINES.sub("\n\n", lines) + "\n"


def render_parts(kind: Kind, facts) -> tuple[str, str, str]:
    """Subject, text and HTML of one message, in the current locale."""
    context = {
        "facts": facts,
        "kind": kind,
        "privacy_url": public_url_for(
            "citizen.privacy_notice", **language_arguments(facts.language)
        ),
    }
    subject = render_subject(kind, context)
    text = render_template(kind.text_template, subject=subject, **context)
    html = render_template(kind.html_template, subject=subject, **context)
    return subject, _plain(text), html


def compose(envelope: Envelope, facts, now: datetime, pdf: bytes | None = None) -> EmailMessage:
    """The whole message, ready for SMTP. ``pdf``: the confirmation, for the kinds that
    carry it — the worker renders it once and keeps it with the message; without it,
    it is rendered here, in this process."""
    kind = kind_of(envelope.kind)
    with force_locale(facts.language):
        subject, text, html = render_parts(kind, facts)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = envelope.recipient
    message["Date"] = format_datetime(now)
    message["Message-ID"] = envelope.message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    invite = calendar_invite(facts, kind.invite, now) if kind.invite else None
    if invite is not None:
        message.add_alternative(
            invite.decode("utf-8"), subtype="calendar", params={"method": kind.invite}
        )
    if kind.pdf:
        message.add_attachment(
            pdf if pdf is not None else confirmation_pdf(facts),
            maintype="application",
            subtype="pdf",
            filename=pdf_filename(facts),
        )
    if invite is not None:
        # The same calendar as a file, for clients that ignore the part above. Typed
        # application/ics, as Google Calendar's own invitations do, so that a client
        # reading every text/calendar part does not show the invitation twice.
        message.add_attachment(
            invite,
            maintype="application",
            subtype="ics",
            filename=invite_filename(kind.invite, facts.language),
        )
    # After the parts: setting content replaces the Content-* headers.
    message["Content-Language"] = facts.language.replace("_", "-")
    return message
