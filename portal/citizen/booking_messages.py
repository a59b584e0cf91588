"""What the person is told when a change of their booking was refused: the truth.

Each typed error of ``portal.booking.errors`` has its own message; the booking,
read again after the refusal, says what happened meanwhile.
"""

from flask import flash
from flask_babel import gettext as _

from portal.booking import errors
from portal.booking.models import BookingStatus, CancelReason
from portal.i18n import clock_time, long_date


def tell_refusal(error: errors.BookingError, booking=None, attempted: str = "") -> None:
    """Flash the message for ``error``; ``attempted``: "move" or "cancel" for those."""
    if isinstance(error, errors.HoldRanOut):
        flash(
            _("Your reservation expired and the time was released. Please choose a time again."),
            "error",
        )
    elif isinstance(error, errors.AlreadyConfirmed):
        flash(_("Your booking is already confirmed: nothing more is needed."), "info")
    elif isinstance(error, errors.CancelledMeanwhile):
        flash(_cancelled_meanwhile(booking, attempted), "error")
    elif isinstance(error, errors.ChangedMeanwhile):
        flash(_changed_meanwhile(booking, attempted), "error")
    elif isinstance(error, errors.TimeGone):
        if attempted == "move":
            flash(
                _("Sorry, that time is no longer available. Your booking was not changed."),
                "error",
            )
        else:
            flash(_("Sorry, that time is no longer available. Please choose another."), "error")
    elif attempted == "cancel":
        flash(
            _("This booking can no longer be cancelled here. Please call the phone line."),
            "error",
        )
    else:
        flash(_("This booking can no longer be changed here. Please call the phone line."), "error")


def _cancelled_meanwhile(booking, attempted: str) -> str:
    reason = booking.cancelled_reason if booking is not None else None
    if reason == CancelReason.CLOSURE:
        return _(
            "The desk closed on that day, so this booking was cancelled meanwhile. "
            "Please choose another time with the same code."
        )
    if attempted == "cancel" and reason == CancelReason.PERSON:
        return _("This booking was already cancelled.")
    if attempted == "move":
        return _("This booking was cancelled meanwhile, so it could not be moved.")
    return _("This booking was cancelled meanwhile.")


def _changed_meanwhile(booking, attempted: str) -> str:
    if booking is None or booking.status != BookingStatus.CONFIRMED:
        return _(
            "Your reservation changed in another window. Check the time shown before confirming."
        )
    when = {"date": long_date(booking.slot.starts_at), "time": clock_time(booking.slot.starts_at)}
    if attempted == "cancel":
        return _(
            "Your booking was changed meanwhile: it is now on %(date)s at %(time)s (Lisbon "
            "time). It was not cancelled; if you still want to cancel it, do so again.",
            **when,
        )
    return _(
        "Your booking was changed meanwhile: it is now on %(date)s at %(time)s (Lisbon time). "
        "It was not moved again.",
        **when,
    )
