"""Every kind of e-mail the portal sends, registered in one place.

A kind is one registration here plus its two templates:

- ``portal/templates/email/<name>.txt``: a ``subject`` block and the plain-text
  body (extending ``email/layout.txt``);
- ``portal/templates/email/<name>.html``: the HTML body (extending
  ``email/layout.html``).

Both are rendered in the recipient's language (``force_locale``) with ``facts``
(what ``facts`` below gathered), ``subject`` and ``kind``. The registration says
what the message carries and when it may go:

- ``facts(message, now)``: reads from the database what the templates show
  (``BookingFacts``, ``ReferralFacts``, or a feature's own). The worker calls it
  before its transaction ends; rendering then needs no database;
- ``needs_meeting``: the message carries the join link, so it waits until the
  booking's meeting has caught up with the message's version, and is dropped if
  the booking is no longer confirmed when its turn comes;
- ``pdf``: the confirmation PDF is attached (rendered once by the worker, kept for
  retries and for the booking page's download);
- ``invite``: ``"REQUEST"`` or ``"CANCEL"``: the calendar invite goes as a
  ``text/calendar`` part beside the text and HTML (what makes Outlook show an
  invitation) and as an ``.ics`` attachment named in the person's language;
- ``check(message, now)``: whether the message still applies when it is due:
  ``SEND``, ``DROP`` (marked superseded) or ``Wait(until, reason)``.

docs/development.md ("Adding a kind of e-mail") walks through one.
"""

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app

from portal.outbox.models import KIND_LENGTH, MessageKind

INVITE_METHODS = ("REQUEST", "CANCEL")
NAME = re.compile(r"[a-z][a-z0-9_]*")
WAITING_FOR_MEETING = "waiting for the meeting link"


class Verdict:
    """What to do with a message that is due (see ``Kind.verdict``)."""


SEND = Verdict()
DROP = Verdict()


@dataclass(frozen=True)
class Wait(Verdict):
    until: datetime
    reason: str


@dataclass(frozen=True)
class Kind:
    name: str
    facts: Callable[[Any, datetime], Any]
    needs_meeting: bool = False
    pdf: bool = False
    invite: str | None = None
    check: Callable[[Any, datetime], Verdict] | None = None

    @property
    def text_template(self) -> str:
        return f"email/{self.name}.txt"

    @property
    def html_template(self) -> str:
        return f"email/{self.name}.html"

    def verdict(self, message, now: datetime) -> Verdict:
        """Send the message now, drop it, or let it wait (not counted as an attempt)."""
        if self.needs_meeting:
            verdict = _meeting_verdict(message, now)
            if verdict is not SEND:
                return verdict
        return self.check(message, now) if self.check is not None else SEND


_KINDS: dict[str, Kind] = {}


def register(
    name: str,
    facts: Callable[[Any, datetime], Any],
    *,
    needs_meeting: bool = False,
    pdf: bool = False,
    invite: str | None = None,
    check: Callable[[Any, datetime], Verdict] | None = None,
) -> Kind:
    """Declare a kind of e-mail (at import time); its templates are named after it."""
    if name in _KINDS:
        raise ValueError(f"the e-mail kind {name!r} is already registered")
    if len(name) > KIND_LENGTH or not NAME.fullmatch(name):
        raise ValueError(f"an e-mail kind is a short snake_case name, not {name!r}")
    if invite not in (None, *INVITE_METHODS):
        raise ValueError(f"invite must be one of {INVITE_METHODS}, not {invite!r}")
    kind = Kind(str(name), facts, needs_meeting, pdf, invite, check)
    _KINDS[kind.name] = kind
    return kind


def kind_of(name: str) -> Kind:
    try:
        return _KINDS[str(name)]
    except KeyError:
        raise LookupError(f"no e-mail is registered for the kind {name!r}") from None


def registered() -> list[Kind]:
    return list(_KINDS.values())


# The portal's own kinds ------------------------------------------------------------


def _meeting_verdict(message, now: datetime) -> Verdict:
    from portal.booking.models import BookingStatus

    booking = message.booking
    if booking is None or booking.status != BookingStatus.CONFIRMED:
        return DROP
    if booking.meeting is None or not booking.meeting.ready_for(message.booking_sequence):
        retry_at = now + timedelta(seconds=current_app.config["OUTBOX_POLL_SECONDS"])
        return Wait(retry_at, WAITING_FOR_MEETING)
    return SEND


def about_booking(message, now: datetime):
    """The booking as it is now, told as the version the message announces."""
    from portal.notifications.facts import booking_facts

    if message.booking is None:
        raise LookupError(f"a {message.kind} message needs a booking")
    facts = booking_facts(message.booking, message.language)
    return dataclasses.replace(
        facts, sequence=message.booking_sequence, recipient=message.recipient
    )


def about_referral(message, now: datetime):
    from portal.notifications.facts import referral_facts

    facts = referral_facts(message.referral, now, message.language)
    return dataclasses.replace(facts, recipient=message.recipient)


def _register_portal_kinds() -> None:
    from portal.notifications import codes
    from portal.waiting_list import mail as waiting_list

    register(
        MessageKind.CONFIRMATION, about_booking, needs_meeting=True, pdf=True, invite="REQUEST"
    )
    register(MessageKind.RESCHEDULED, about_booking, needs_meeting=True, pdf=True, invite="REQUEST")
    register(MessageKind.REMINDER, about_booking, needs_meeting=True)
    register(MessageKind.CANCELLED, about_booking, invite="CANCEL")
    register(MessageKind.DESK_CLOSED, about_booking, invite="CANCEL")
    register(MessageKind.CODE_ISSUED, about_referral, check=codes.code_still_wanted)
    register(MessageKind.REMINDER_TO_BOOK, about_referral, check=codes.reminder_still_wanted)
    register(waiting_list.OFFER_KIND, waiting_list.offer_facts, check=waiting_list.offer_still_open)


_register_portal_kinds()
