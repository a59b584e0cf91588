"""Creating, disabling and authenticating staff accounts. Callers commit."""

import secrets
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from portal.accounts.models import Account, Role, new_session_token
from portal.extensions import db
from portal.scheduling.models import Desk

MIN_PASSWORD_LENGTH = 12
_DUMMY_HASHES: dict[str, str] = {}


class AccountError(ValueError):
    """Field name → reason code; nothing was written."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


def _method() -> str:
    return current_app.config["PASSWORD_HASH_METHOD"]


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_method())


def _dummy_hash() -> str:
    """Checked when the e-mail is unknown, so that takes as long as a wrong password."""
    method = _method()
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_hex(16), method=method)
    return _DUMMY_HASHES[method]


def generate_password() -> str:
    return secrets.token_urlsafe(12)  # 16 characters, 96 bits


def normalise_email(text: str) -> str:
    """The one canonical form of a staff address, used to store, find and count it.

    ``email_validator``'s normalised form (Unicode NFC; the domain mapped by IDNA
    UTS-46, so full-width letters and ``xn--`` spellings become the same name),
    in lower case. Raises AccountError for text that is not an address.
    """
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except (EmailNotValidError, UnicodeError, ValueError):
        raise AccountError("email", "invalid") from None


def canonical_email(text: str) -> str | None:
    """``normalise_email``, or None when the text is not an address at all."""
    try:
        return normalise_email(text)
    except AccountError:
        return None


def find_by_email(email: str) -> Account | None:
    """The account with this address, however it is spelled (case, width, IDNA)."""
    canonical = canonical_email(email)
    if canonical is None:
        return None
    return db.session.scalar(select(Account).where(func.lower(Account.email) == canonical))


def create_account(
    email: str,
    role: Role | str,
    desk: Desk | None = None,
    password: str | None = None,
    name: str = "",
) -> tuple[Account, str]:
    """A new active account; returns it with its password (generated when not given)."""
    email = normalise_email(email)
    role = Role(role)
    if find_by_email(email) is not None:
        raise AccountError("email", "taken")
    if (role is Role.DESK) != (desk is not None):
        raise AccountError("desk", "required" if role is Role.DESK else "not_allowed")
    password = password or generate_password()
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password", "short")
    account = Account(
        email=email,
        name=" ".join(name.split()),
        role=role,
        desk=desk,
        password_hash=hash_password(password),
        active=True,
    )
    db.session.add(account)
    db.session.flush()
    return account, password


def set_active(account: Account, active: bool) -> None:
    """Enable or disable an account; disabling ends its sessions at once."""
    account.active = active
    account.session_token = new_session_token()
    db.session.flush()


def end_sessions(account: Account) -> None:
    """Sign the account out everywhere (its session cookies stop working)."""
    account.session_token = new_session_token()
    db.session.flush()


def authenticate(email: str, password: str) -> Account | None:
    """The active account with this e-mail and password, or None (no detail why)."""
    account = find_by_email(email)
    stored = account.password_hash if account and account.password_hash else _dummy_hash()
    matches = check_password_hash(stored, password)
    if account is None or not account.active or not account.password_hash or not matches:
        return None
    return account


def record_sign_in(account: Account, now: datetime) -> None:
    account.last_sign_in_at = now
    db.session.flush()


def account_for_session(token: str) -> Account | None:
    if not token:
        return None
    return db.session.scalar(
        select(Account).where(Account.session_token == token, Account.active.is_(True))
    )
