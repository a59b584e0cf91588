"""Signing in with a reference code, with lockout against guessing."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, request
from flask_babel import gettext as _

from portal.clock import now
from portal.i18n import clock_time
from portal.referrals.models import Referral
from portal.referrals.operations import SignInRefused, find_referral


@dataclass
class SignInResult:
    referral: Referral | None = None
    error: str | None = None
    locked_until: datetime | None = None


def attempt(code: str, identifier: str) -> SignInResult:
    """Check a code and NISS/NIPC pair; wrong pairs all get the same message."""
    throttle = current_app.extensions["throttle"]
    moment = now()
    keys = [throttle.key("code", code), throttle.key("address", request.remote_addr or "")]
    locked_until = throttle.locked_until(keys, moment)
    if locked_until is not None:
        return SignInResult(error=locked_message(locked_until), locked_until=locked_until)
    try:
        return SignInResult(referral=find_referral(code, identifier))
    except SignInRefused:
        throttle.record_failure(keys, moment)
        return SignInResult(
            error=_("The reference code and the number do not match. Check both and try again.")
        )


def locked_message(until: datetime) -> str:
    return _(
        "Too many attempts. For your security, signing in is paused until %(time)s "
        "(Lisbon time). You can also call the phone line.",
        time=clock_time(until),
    )
