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
from portal.throttling.service import throttle_with_limit


@dataclass
class SignInResult:
    referral: Referral | None = None
    error: str | None = None
    locked_until: datetime | None = None


def attempt(code: str, identifier: str) -> SignInResult:
    """Check a code and NISS/NIPC pair; wrong pairs all get the same message.

    The attempt is counted before the pair is checked, so a burst of guesses is
    cut off at the limit: first against the source address (a higher limit, since
    people behind one carrier NAT share it; a paused address counts nothing against
    the codes it tries), then against the code. A right pair is forgiven on both.
    """
    throttle = current_app.extensions["throttle"]
    by_address = throttle_with_limit(current_app.config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"])
    moment = now()
    from_address = by_address.attempt(
        [by_address.key("address", request.remote_addr or "")], moment
    )
    if not from_address.allowed:
        LOCKOUTS.labels("citizen_address").inc()
        return SignInResult(
            error=_(
                "Too many attempts from this network. For your security, signing in from it "
                "is paused until %(time)s (Lisbon time).",
                time=clock_time(from_address.locked_until),
            ),
            locked_until=from_address.locked_until,
        )
    counted = throttle.attempt([throttle.key("code", code)], moment)
    if not counted.allowed:
        LOCKOUTS.labels("citizen_code").inc()
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
    by_address.forgive(from_address)
    return SignInResult(referral=referral)


def locked_message(until: datetime) -> str:
    return _(
        "Too many attempts. For your security, signing in is paused until %(time)s "
        "(Lisbon time). You can also call the phone line.",
        time=clock_time(until),
    )
