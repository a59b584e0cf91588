"""Signing in with a reference code, with lockout against guessing."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, request
from flask_babel import gettext as _

from portal.clock import now
from portal.i18n import clock_time
from portal.observability.metrics import LOCKOUTS
from portal.referrals.models import Referral
from portal.referrals.operations import SignInRefused, find_referral


@dataclass
class SignInResult:
    referral: Referral | None = None
    error: str | None = None
    locked_until: datetime | None = None


def attempt(code: str, identifier: str) -> SignInResult:
    """Check a code and NISS/NIPC pair; wrong pairs all get the same message.

    The attempt is counted (against the code and the address) before the pair
    is checked, so a burst of guesses is cut off at the limit; a right pair is
    forgiven.
    """
    throttle = current_app.extensions["throttle"]
    keys = [throttle.key("code", code), throttle.key("address", request.remote_addr or "")]
    counted = throttle.attempt(keys, now())
    if not counted.allowed:
        LOCKOUTS.labels("citizen_code_or_address").inc()
        return SignInResult(
            error=locked_message(counted.locked_until), locked_until=counted.locked_until
        )
    try:
        referral = find_referral(code, identifier)
    except SignInRefused:
        return SignInResult(
            error=_("The reference code and the number do not match. Check both and try again.")
        )
    throttle.forgive(counted)
    return SignInResult(referral=referral)


def locked_message(until: datetime) -> str:
    return _(
        "Too many attempts. For your security, signing in is paused until %(time)s "
        "(Lisbon time). You can also call the phone line.",
        time=clock_time(until),
    )
