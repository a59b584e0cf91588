"""The facts of a booking, or of a reference code, as one person reads them,
gathered once from the database.

E-mails, the PDF and the calendar invite are rendered from these plain values,
so rendering needs no database (the worker reads, commits, then renders).
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from portal.device_check.labels import CHECK_LABELS, OUTCOME_LABELS
from portal.device_check.results import latest_check
from portal.documents.checklist import OTHER_KEY
from portal.documents.checklist import checklist as documents_checklist
from portal.links import public_url_for
from portal.referrals.labels import capacity_label
from portal.scheduling.offers import earliest_offered
from portal.scheduling.slots import booking_window


def language_arguments(language: str) -> dict:
    """Query arguments that open a portal page in ``language`` (Portuguese is the default)."""
    return {"lang": "en"} if language.startswith("en") else {}


def portal_url(language: str) -> str:
    """The start page, in the person's language. Never a code or a NISS in a link: they
    would end up in logs, browser history and the mail provider's link scanner."""
    return public_url_for("citizen.landing", **language_arguments(language))


@dataclass(frozen=True)
class Company:
    name: str
    nipc: str
    representative: str
    capacity: str
    phone: str


@dataclass(frozen=True)
class BookingFacts:
    booking_id: int
    sequence: int
    status: str
    language: str
    reference: str
    subject: str
    starts_at: datetime
    ends_at: datetime
    desk: str
    centre: str
    recipient: str
    manage_url: str
    join_url: str | None = None
    join_meeting_id: str | None = None
    passcode: str | None = None
    # (label, required, received) for each item of the subject's checklist.
    checklist: list[tuple[str, bool, bool]] = field(default_factory=list)
    company: Company | None = None
    device_check: str | None = None
    organizer_email: str = ""
    # The calendar event's UID (the booking's, for its whole life).
    invite_uid: str = ""

    @property
    def missing(self) -> list[str]:
        """Labels of required documents not received yet."""
        return missing_documents(self)


def booking_facts(booking, language: str | None = None) -> BookingFacts:
    """Everything shown about the booking, in ``language`` (the referral's by default)."""
    referral = booking.referral
    language = language or referral.language
    slot = booking.slot
    meeting = booking.meeting
    ready = meeting is not None and meeting.ready_for(booking.sequence)
    with force_locale(language):
        checklist = [
            (entry.label(language), entry.required, entry.received)
            for entry in documents_checklist(referral)
            if entry.key != OTHER_KEY or entry.received
        ]
        company = None
        person = referral.representative
        device_check = _device_check(referral)
        if referral.is_company:
            company = Company(
                name=person.company_name if person else "",
                nipc=referral.nipc or "",
                representative=person.full_name if person else "",
                capacity=capacity_label(person.capacity) if person else "",
                phone=person.phone if person else "",
            )
    return BookingFacts(
        booking_id=booking.id,
        sequence=booking.sequence,
        status=str(booking.status),
        language=language,
        reference=referral.display_code,
        subject=referral.subject.name(language),
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        desk=slot.desk.name,
        centre=slot.desk.centre.name,
        recipient=referral.contact_email,
        manage_url=portal_url(language),
        join_url=meeting.join_url if ready else None,
        join_meeting_id=meeting.join_meeting_id if ready else None,
        passcode=meeting.passcode if ready else None,
        checklist=checklist,
        company=company,
        device_check=device_check,
        organizer_email=current_app.config["MAIL_DEFAULT_SENDER"],
        invite_uid=booking.invite_uid,
    )


def _device_check(referral) -> str | None:
    """The latest device check in one line, in the current locale; None if never run."""
    check = latest_check(referral)
    if check is None:
        return None
    parts = [
        f"{CHECK_LABELS[name]}: {OUTCOME_LABELS[outcome]}"
        for name, outcome in check.outcomes().items()
        if outcome is not None
    ]
    overall = OUTCOME_LABELS[check.overall]
    summary = _("%(overall)s (%(details)s)", overall=overall, details=", ".join(parts))
    if check.self_declared:
        return _("%(summary)s, as declared by the person", summary=summary)
    return summary


def missing_documents(facts: BookingFacts) -> list[str]:
    """Labels of required documents not received yet."""
    return [label for label, required, received in facts.checklist if required and not received]


@dataclass(frozen=True)
class ReferralFacts:
    """A reference code as its person reads about it: the code e-mail, the reminder to book."""

    referral_id: int
    language: str
    reference: str  # grouped for reading: 7KQ2-M9XD-4HRB
    subject: str
    is_company: bool
    expires_at: datetime
    recipient: str
    portal_url: str
    # The earliest time offered when the message was written (None: nothing free then).
    earliest: datetime | None
    # (label, required) for each document of the subject's checklist.
    checklist: list[tuple[str, bool]] = field(default_factory=list)


def referral_facts(referral, now: datetime, language: str | None = None) -> ReferralFacts:
    """What the person needs to book with their code, in ``language`` (the referral's)."""
    language = language or referral.language
    config = current_app.config
    window = booking_window(
        now, config["BOOKING_LEAD_WORKING_DAYS"], config["BOOKING_HORIZON_WORKING_DAYS"]
    )
    earliest = earliest_offered(referral.subject, referral.audience, window, now)
    with force_locale(language):
        checklist = [
            (entry.label(language), entry.required)
            for entry in documents_checklist(referral)
            if entry.key != OTHER_KEY
        ]
    return ReferralFacts(
        referral_id=referral.id,
        language=language,
        reference=referral.display_code,
        subject=referral.subject.name(language),
        is_company=referral.is_company,
        expires_at=referral.expires_at,
        recipient=referral.contact_email,
        portal_url=portal_url(language),
        earliest=earliest.starts_at if earliest else None,
        checklist=checklist,
    )
