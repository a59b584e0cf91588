"""Signing staff in with e-mail and password, with lockout against guessing."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _

from portal.accounts.models import Account
from portal.accounts.operations import authenticate
from portal.clock import now
from portal.i18n import clock_time


@dataclass
class StaffSignIn:
    account: Account | None = None
    error: str | None = None
    locked_until: datetime | None = None


def attempt(email: str, password: str) -> StaffSignIn:
    """Check an e-mail and password; every failure gets the same message.

    Failures are counted per e-mail address only: staff share an office
    address, and one colleague's typos must not lock the others out.
    """
    throttle = current_app.extensions["throttle"]
    keys = [throttle.key("staff-email", email.strip().lower())]
    counted = throttle.attempt(keys, now())  # counted before the password is checked
    if not counted.allowed:
        message = _(
            "Too many attempts. For your security, signing in with this address is paused "
            "until %(time)s (Lisbon time).",
            time=clock_time(counted.locked_until),
        )
        return StaffSignIn(error=message, locked_until=counted.locked_until)
    account = authenticate(email, password)
    if account is None:
        return StaffSignIn(error=_("The e-mail address or the password is not right."))
    throttle.forgive(counted)  # a right password does not count
    return StaffSignIn(account=account)
