"""Why a booking change was refused. Views turn each into its own truthful message."""


class BookingError(Exception):
    """Base of the reasons a booking change is refused; nothing was changed."""


class TimeGone(BookingError):
    """No seat is left at that time (or the time cannot be booked at all)."""


class HoldRanOut(BookingError):
    """The reservation ran out (or was released) before the person confirmed."""


class AlreadyConfirmed(BookingError):
    """The booking is confirmed already (a second click, another window)."""


class CancelledMeanwhile(BookingError):
    """The booking was cancelled between the page and the click."""


class ChangedMeanwhile(BookingError):
    """The booking changed (moved, replaced) between the page and the click."""


class NotChangeable(BookingError):
    """The booking's state does not allow this (the session has begun, it is over…)."""
