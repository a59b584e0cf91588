from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import Optional


class JoinForm(FlaskForm):
    """The e-mail comes from the referral (shown, not typed); only a date is asked."""

    before = DateField(_l("I need the session before (optional)"), validators=[Optional()])


# What the services' refusals say to the person.
WISH_ERRORS = {
    "past": _l("The date must be in the future."),
    "too_soon": _l("No session can be booked that soon: choose a later date."),
    "after_expiry": _l("Your reference code can be used until %(date)s: choose a date up to then."),
    "after_booking": _l("Your session is already before that date: choose an earlier date."),
}
INVALID_DATE = _l("Enter the date as year, month and day, for example 2027-01-15.")
