"""Signing staff in with e-mail and password, with lockout against guessing."""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, request
from flask_babel import gettext as _

from portal.accounts.models import Account
from portal.accounts.operations import authenticate, canonical_email
from portal.clock import now
from portal.i18n import clock_time
from portal.observability.metrics import LOCKOUTS
from portal.throttling.service import Throttle, throttle_with_limit


@dataclass
class StaffSignIn:
    account: Account | None = None
    error: str | None = None
    locked_until: datetime | None = None


def account_key(throttle: Throttle, email: str) -> str:
    """One counter per account: the address in the canonical form accounts are stored in.

    ``USER@Demo.PT``, ``user@demo.ｐｔ`` (full-width letters) and an ``xn--`` domain
    all count against the same account. Text that is no address at all matches no
    account; it is counted as typed (trimmed, lower case).
    """
    return throttle.key("staff-email", canonical_email(email) or " ".join(email.split()).lower())


def address_throttle() -> Throttle:
    """Attempts per source address: a higher limit than per account, since staff in one
    office share an address and one colleague's typos must not lock the others out;
    yet one machine trying many accounts is stopped."""
    return throttle_with_limit(current_app.config["STAFF_SIGN_IN_MAX_FAILURES_PER_ADDRESS"])


def attempt(email: str, password: str) -> StaffSignIn:
    """Check an e-mail and password; every failure gets the same message.

    The attempt is counted before the password is checked, first against the source
    address (a network that is paused counts nothing against the accounts it tries),
    then against the account; a right password is forgiven on both.
    """
    throttle, by_address = current_app.extensions["throttle"], address_throttle()
    moment = now()
    from_address = by_address.attempt(
        [by_address.key("staff-address", request.remote_addr or "")], moment
    )
    if not from_address.allowed:
        LOCKOUTS.labels("staff_address").inc()
        message = _(
            "Too many attempts from this network. For your security, signing in from it is "
            "paused until %(time)s (Lisbon time).",
            time=clock_time(from_address.locked_until),
        )
        return StaffSignIn(error=message, locked_until=from_address.locked_until)
    counted = throttle.attempt([account_key(throttle, email)], moment)
    if not counted.allowed:
        LOCKOUTS.labels("staff_account").inc()
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
    by_address.forgive(from_address)
    return StaffSignIn(account=account)
