"""Issuing reference codes and signing in with them."""

import hmac
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from portal.booking.models import Booking
from portal.extensions import db
from portal.referrals import codes
from portal.referrals.identifiers import (
    InvalidIdentifier,
    is_company_niss,
    validate_nipc,
    validate_niss,
)
from portal.referrals.models import Referral
from portal.scheduling.calendar import lisbon_today
from portal.scheduling.models import Audience, Subject

LANGUAGES = ("pt_PT", "en")


@dataclass
class ReferralRequest:
    subject_code: str
    niss: str
    email: str
    language: str = "pt_PT"
    nipc: str | None = None
    # The earliest in-person date the agent could have offered (optional).
    in_person_date: date | None = None
    issued_by_id: int | None = None


@dataclass
class InvalidReferral(Exception):
    """Field name → reason code; nothing was written."""

    errors: dict[str, str] = field(default_factory=dict)

    def __str__(self):
        return ", ".join(f"{name}: {reason}" for name, reason in self.errors.items())


def _check_identifiers(request: ReferralRequest, audience: Audience, errors: dict):
    niss = nipc = None
    try:
        niss = validate_niss(request.niss)
    except InvalidIdentifier as error:
        errors["niss"] = error.reason
    else:
        if audience is Audience.COMPANY and not is_company_niss(niss):
            errors["niss"] = "not_company"
        elif audience is Audience.CITIZEN and is_company_niss(niss):
            errors["niss"] = "company"
    if request.nipc:
        try:
            nipc = validate_nipc(request.nipc)
        except InvalidIdentifier as error:
            errors["nipc"] = error.reason
    return niss, nipc


def _check_contact(request: ReferralRequest, errors: dict) -> str | None:
    if request.language not in LANGUAGES:
        errors["language"] = "unknown"
    try:
        return validate_email(request.email, check_deliverability=False).normalized
    except EmailNotValidError:
        errors["email"] = "invalid"
        return None


def _validated(
    request: ReferralRequest, now: datetime
) -> tuple[Subject, Audience, str, str | None, str]:
    errors: dict[str, str] = {}
    if request.in_person_date and request.in_person_date < lisbon_today(now):
        errors["in_person_date"] = "past"
    audience = Audience.COMPANY if request.nipc else Audience.CITIZEN
    subject = db.session.scalar(
        select(Subject).where(Subject.code == request.subject_code, Subject.active.is_(True))
    )
    if subject is None:
        errors["subject"] = "unknown"
    elif not subject.serves(audience):
        errors["subject"] = "audience"
    niss, nipc = _check_identifiers(request, audience, errors)
    email = _check_contact(request, errors)
    if errors:
        raise InvalidReferral(errors)
    return subject, audience, niss, nipc, email


def issue_referral(request: ReferralRequest, now: datetime, valid_days: int) -> Referral:
    """Create a referral with a fresh code; raises InvalidReferral.

    The person is sent the code in writing, and reminded to book if it is still
    unused a few days before it expires (``notifications.codes``).
    """
    from portal import notifications

    subject, audience, niss, nipc, email = _validated(request, now)
    code = codes.generate()
    while db.session.scalar(select(Referral.id).where(Referral.code == code)) is not None:
        code = codes.generate()  # 2⁵⁵ codes: a collision is rare, but cheap to rule out
    referral = Referral(
        code=code,
        subject=subject,
        audience=audience,
        niss=niss,
        nipc=nipc,
        email=email,
        language=request.language,
        created_at=now,
        expires_at=now + timedelta(days=valid_days),
        in_person_date=request.in_person_date,
        issued_by_id=request.issued_by_id,
    )
    db.session.add(referral)
    db.session.flush()
    notifications.announce_code(referral, now)
    return referral


class NotVoidable(Exception):
    """The referral was already used up (attended, missed or voided)."""


def void_referral(referral: Referral, now: datetime) -> Booking | None:
    """Withdraw a code: it can no longer sign in; a booking it holds is released.

    The release is the booking transition VOID: the seat is freed, the Teams
    meeting deleted and, for a confirmed booking, the person told. The code
    e-mail or reminder to book not sent yet is dropped: a withdrawn code is not
    sent. Returns the booking released, if any.
    """
    from portal import notifications
    from portal.booking import transitions

    if referral.voided_at is not None:
        raise NotVoidable()
    released = referral.active_booking
    if released is not None:
        released = transitions.release(released, transitions.Action.VOID, now)
    referral.voided_at = referral.voided_at or now
    notifications.withdraw_code_messages(referral)
    db.session.flush()
    return released


def reissue_referral(referral: Referral, now: datetime, valid_days: int, issued_by_id=None):
    """Void a code and issue a new one with the same details (for a lost or misheard code).

    All or nothing: if the new code cannot be issued, the old one stays valid.
    """
    with db.session.begin_nested():
        return _reissue(referral, now, valid_days, issued_by_id)


def _reissue(referral: Referral, now: datetime, valid_days: int, issued_by_id) -> Referral:
    void_referral(referral, now)
    request = ReferralRequest(
        subject_code=referral.subject.code,
        niss=referral.niss,
        nipc=referral.nipc,
        email=referral.email,
        language=referral.language,
        in_person_date=referral.in_person_date,
        issued_by_id=issued_by_id,
    )
    replacement = issue_referral(request, now, valid_days)
    replacement.replaces_id = referral.id
    db.session.flush()
    return replacement


class SignInRefused(Exception):
    """Code and identifier do not match a referral (deliberately no more detail)."""


def _identifier_matches(referral: Referral, identifier: str) -> bool:
    candidates = [referral.niss] + ([referral.nipc] if referral.nipc else [])
    given = "".join(identifier.split())
    # Constant-time comparison: timing must not tell which part was wrong.
    return any(hmac.compare_digest(given.encode(), value.encode()) for value in candidates)


def find_referral(code: str, identifier: str) -> Referral:
    """The referral for an already-normalised code whose NISS (or NIPC) matches."""
    referral = db.session.scalar(select(Referral).where(Referral.code == code))
    if referral is None or not _identifier_matches(referral, identifier):
        raise SignInRefused()
    return referral
