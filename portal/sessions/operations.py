"""Starting, finding and ending citizens' sessions. They flush; the caller commits."""

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.referrals.models import Referral, ReferralState
from portal.sessions.models import CitizenSession

# last_seen_at is written at most this often (not on every request).
TOUCH_INTERVAL = timedelta(minutes=1)
# States of a code in which its sessions end at their next request.
ENDED = (ReferralState.VOIDED, ReferralState.EXPIRED)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(referral: Referral, now: datetime, lifetime: timedelta) -> str:
    """A new session for the referral; returns the token for the cookie.

    Sessions of anyone that have not been seen for longer than ``lifetime`` (their
    cookies have expired) are deleted on the way.
    """
    db.session.execute(
        delete(CitizenSession).where(CitizenSession.last_seen_at < now - lifetime - TOUCH_INTERVAL)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        CitizenSession(
            token_hash=_digest(token), referral_id=referral.id, started_at=now, last_seen_at=now
        )
    )
    db.session.flush()
    return token


@cache
def _session_by_token():
    """One round trip for what every signed-in page reads next: the referral, its
    bookings (its state, the journey's next step) and its subject.

    Built once, on first use (every model is mapped by then), as every request runs
    it. Booking changes lock and reload the referral themselves
    (portal.booking.transitions).
    """
    return (
        select(CitizenSession)
        .where(CitizenSession.token_hash == bindparam("token_hash"))
        .options(
            joinedload(CitizenSession.referral).options(
                joinedload(Referral.bookings), joinedload(Referral.subject)
            )
        )
    )


def session_referral(token: str | None, now: datetime) -> Referral | None:
    """The referral whose live session this token is, or None.

    None when the session was ended (signed out, case over), or never existed.
    A code that was withdrawn or has expired ends all its sessions here. A cancelled
    one does not: the person still reads what happened (a second click in another
    window is told the booking was cancelled) until they sign out or the session
    times out; the code itself can no longer sign in.
    """
    if not token:
        return None
    row = (
        db.session.execute(_session_by_token(), {"token_hash": _digest(token)})
        .unique()
        .scalar_one_or_none()
    )
    if row is None:
        return None
    referral = row.referral
    if referral.state(now) in ENDED:
        end_sessions_of(referral)
        return None
    if row.last_seen_at <= now - TOUCH_INTERVAL:
        row.last_seen_at = now
        db.session.flush()
    return referral


def end_session(token: str | None) -> None:
    """Sign out: this session's cookie, and every copy of it, stops working."""
    if token:
        db.session.execute(
            delete(CitizenSession).where(CitizenSession.token_hash == _digest(token))
        )
        db.session.flush()


def end_sessions_of(referral: Referral) -> int:
    """End every session of the referral (its case is over); returns how many."""
    result = db.session.execute(
        delete(CitizenSession).where(CitizenSession.referral_id == referral.id)
    )
    db.session.flush()
    return result.rowcount
