"""The planner's question: a period of recorded demand and a changed capacity.

Asked with GET (it changes nothing, and a plan's address can be kept or shared),
so the form carries no CSRF token. Every number is bounded: a year of demand at
most, and changes a centre could actually make.
"""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional, StopValidation
from wtforms.widgets import TextInput

from portal.staff.forms.fields import ReasonableDateField
from portal.staff.forms.manager import MultiCheckboxField

LONGEST_PERIOD = timedelta(days=366)
NONE = 0  # "no change" in the selects


class WholeNumberField(IntegerField):
    """An integer field that says only "not a number" when it is not one.

    A text input (with ``inputmode="numeric"`` in the template), as GOV.UK advises:
    it can show back exactly what was typed, which type="number" cannot.
    """

    widget = TextInput()

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


def _bounded(label, most: int):
    return WholeNumberField(
        label,
        default=0,
        validators=[
            Optional(),
            NumberRange(min=0, max=most, message=_l("Enter a number from 0 to %(max)d.")),
        ],
    )


class PlannerForm(FlaskForm):
    class Meta:
        csrf = False

    first = ReasonableDateField(
        _l("Demand from"),
        validators=[InputRequired(message=_l("Enter the first day of the period."))],
    )
    last = ReasonableDateField(
        _l("Demand until"),
        validators=[InputRequired(message=_l("Enter the last day of the period."))],
    )
    new_desks_centre = SelectField(_l("Add desks to the district centre"), coerce=int, default=NONE)
    new_desks = _bounded(_l("How many desks"), 20)
    new_desks_hours = _bounded(_l("Weekly hours of each new desk"), 50)
    new_desks_subjects = MultiCheckboxField(
        _l("Subjects the new desks attend"), coerce=int, validators=[Optional()]
    )
    more_hours_desk = SelectField(_l("Open a desk longer"), coerce=int, default=NONE)
    more_hours = _bounded(_l("Weekly hours added"), 40)
    enabled_subject = SelectField(_l("Subject"), coerce=int, default=NONE)
    enabled_on = MultiCheckboxField(
        _l("Desks that would attend it"), coerce=int, validators=[Optional()]
    )

    def offer(self, centres, desks, subjects, language: str) -> None:
        """The choices: centres, desks and subjects as they are today."""
        none = [(NONE, _l("No change"))]
        self.new_desks_centre.choices = none + [(c.id, c.name) for c in centres]
        self.more_hours_desk.choices = none + [(d.id, d.name) for d in desks]
        self.enabled_subject.choices = none + [(s.id, s.name(language)) for s in subjects]
        self.new_desks_subjects.choices = [(s.id, s.name(language)) for s in subjects]
        self.enabled_on.choices = [(d.id, d.name) for d in desks]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.first.data and self.last.data:
            if self.last.data < self.first.data:
                self.last.errors.append(_l("The last day must be on or after the first day."))
                valid = False
            elif self.last.data - self.first.data >= LONGEST_PERIOD:
                self.last.errors.append(_l("Choose a period of at most a year."))
                valid = False
        # A change asked for without saying where: once its numbers are themselves valid.
        wanted = [
            (
                (self.new_desks, self.new_desks_hours),
                self.new_desks_centre,
                _l("Choose the district centre that gets the new desks."),
            ),
            ((self.more_hours,), self.more_hours_desk, _l("Choose the desk to open longer.")),
            (
                (self.enabled_on,),
                self.enabled_subject,
                _l("Choose the subject those desks would attend."),
            ),
        ]
        for fields, select, message in wanted:
            if any(f.errors for f in fields) or not all(f.data for f in fields):
                continue
            if select.data == NONE and not select.errors:
                select.errors = [*select.errors, message]
                valid = False
        return valid
