"""The signed-in referral and where the person should be in the journey."""

from functools import wraps

from flask import abort, current_app, flash, g, redirect, session, url_for
from flask_babel import gettext as _

from portal.booking import errors
from portal.booking.models import Booking, BookingStatus, CancelReason
from portal.clock import now
from portal.extensions import db
from portal.referrals.models import Referral
from portal.sessions import operations as sessions

# The cookie holds the token of a session kept on the server (portal.sessions).
SESSION_KEY = "citizen_session"


def sign_in(referral: Referral) -> None:
    # A fresh session at sign-in: nothing from before survives (session fixation).
    session.clear()
    lifetime = current_app.permanent_session_lifetime
    session[SESSION_KEY] = sessions.start_session(referral, now(), lifetime)
    session.permanent = True


def sign_out() -> None:
    """End the session on the server (a copied cookie stops working too), then the cookie."""
    sessions.end_session(session.get(SESSION_KEY))
    session.clear()


def signed_in_referral() -> Referral | None:
    """The referral of this request's live session (checked on the server), or None."""
    if "signed_in_referral" not in g:
        referral = sessions.session_referral(session.get(SESSION_KEY), now())
        if referral is None:
            session.pop(SESSION_KEY, None)
        g.signed_in_referral = referral
    return g.signed_in_referral


def session_timeout() -> dict:
    """For signed-in pages: when the session ends if nothing more is done (WCAG 2.2.1).

    Every request renews the session, so it ends one lifetime after this page.
    """
    if SESSION_KEY not in session:
        return {}
    lifetime = current_app.permanent_session_lifetime
    return {"session_ends": {"seconds": int(lifetime.total_seconds())}}


def referral_required(view):
    """Pass the signed-in referral to the view, or send the person to sign in."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        referral = signed_in_referral()
        if referral is None:
            flash(_("Please sign in again with your reference code."), "info")
            return redirect(url_for("citizen.landing"))
        return view(referral, *args, **kwargs)

    return wrapper


def next_step(referral: Referral) -> str:
    """The endpoint that continues this referral's journey."""
    booking = referral.active_booking or referral.latest_booking
    if booking is None or booking.status == BookingStatus.EXPIRED:
        return "citizen.choose_slot"
    if (
        booking.status == BookingStatus.CANCELLED
        and booking.cancelled_reason == CancelReason.CLOSURE
    ):
        return "citizen.choose_slot"  # the desk closed: the code books another time
    if booking.status == BookingStatus.HELD:
        return "citizen.choose_slot" if booking.hold_lapsed(now()) else "citizen.review"
    return "citizen.my_booking"


def missing_step(referral: Referral) -> str | None:
    """A step that must be done before confirming: companies say who attends for them."""
    if referral.is_company and referral.representative is None:
        return "citizen.representative"
    return None


def after_hold(referral: Referral) -> str:
    """After choosing a time: [representative →] documents → review (documents can wait)."""
    return missing_step(referral) or "citizen.documents"


def preparing_booking(referral: Referral):
    """The booking whose documents and device check can still change, or None.

    A hold still running, or a confirmed booking whose session has not started.
    """
    booking = referral.active_booking
    if booking is None:
        return None
    if booking.status == BookingStatus.HELD:
        return None if booking.hold_lapsed(now()) else booking
    return booking if booking.slot.starts_at > now() else None


def preparing_booking_required(view):
    """Pass the referral and its booking in preparation, or send the person on."""

    @wraps(view)
    def wrapper(referral, *args, **kwargs):
        booking = preparing_booking(referral)
        if booking is None:
            flash(
                _("Documents and the equipment check can be changed until the session starts."),
                "info",
            )
            return redirect(url_for(next_step(referral)))
        return view(referral, booking, *args, **kwargs)

    return referral_required(wrapper)


def booking_named(referral: Referral, booking_id: int | None, missing=errors.NotChangeable):
    """The booking a form names, or (no name) the referral's latest.

    A named booking that is gone or is not this referral's raises
    ChangedMeanwhile; no booking at all raises ``missing``.
    """
    if booking_id is None:
        booking = referral.active_booking or referral.latest_booking
        if booking is None:
            raise missing()
        return booking
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.referral_id != referral.id:
        raise errors.ChangedMeanwhile()
    return booking


def confirmed_booking(referral: Referral):
    """The confirmed booking a page is about; without one, the page the person needs."""
    booking = referral.active_booking
    if booking is None or booking.status != BookingStatus.CONFIRMED:
        abort(redirect(url_for(next_step(referral))))
    return booking
