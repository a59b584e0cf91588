from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from portal.booking.models import Outcome
from portal.staff.forms.fields import ReasonableDateField

OUTCOMES = [
    SelectChoice(Outcome.ATTENDED.value, _l("Attended")),
    SelectChoice(Outcome.NO_SHOW.value, _l("Did not attend (no-show)")),
    SelectChoice(Outcome.REBOOKED_BY_PHONE.value, _l("Rebooked by phone")),
]


class OutcomeForm(FlaskForm):
    outcome = RadioField(
        _l("What happened"),
        choices=OUTCOMES,
        validators=[InputRequired(message=_l("Choose what happened."))],
    )
    note = TextAreaField(
        _l("Note (optional)"),
        validators=[Length(max=2000, message=_l("Use at most %(max)d characters."))],
    )


class ClosureForm(FlaskForm):
    starts_on = ReasonableDateField(
        _l("First day closed"),
        validators=[InputRequired(message=_l("Enter the first day of the closure."))],
    )
    ends_on = ReasonableDateField(
        _l("Last day closed"),
        validators=[InputRequired(message=_l("Enter the last day of the closure."))],
    )
    reason = StringField(
        _l("Reason"),
        validators=[
            InputRequired(message=_l("Enter the reason, for example a local holiday.")),
            Length(max=200, message=_l("Use at most %(max)d characters.")),
        ],
    )
