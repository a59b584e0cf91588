"""Forms check shape (length, check digits); operations decide the rest."""

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, RadioField, StringField, TelField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from portal.referrals import codes
from portal.referrals.companies import InvalidContact, normalise_email, normalise_phone
from portal.referrals.identifiers import (
    InvalidIdentifier,
    compact,
    validate_nipc,
    validate_niss,
)
from portal.referrals.labels import CAPACITY_LABELS
from portal.scheduling.calendar import reasonable_date


class SignInForm(FlaskForm):
    code = StringField(
        _l("Reference code"),
        validators=[InputRequired(message=_l("Enter the reference code the phone line gave you."))],
    )
    identifier = StringField(
        _l("Social security number (NISS)"),
        validators=[InputRequired(message=_l("Enter your social security number (NISS)."))],
    )

    def validate_code(self, field):
        try:
            self.normalised_code = codes.normalise(field.data)
        except codes.InvalidCode:
            raise ValidationError(
                _l(
                    "Check the reference code: it has 12 letters and digits, "
                    "like ABCD-EFGH-JKMN, and one of them seems to be mistyped."
                )
            ) from None

    def validate_identifier(self, field):
        number = compact(field.data)
        if len(number) == 9:
            _check_nipc(number)
            return
        try:
            validate_niss(number)
        except InvalidIdentifier:
            raise ValidationError(
                _l("Check the NISS: it has 11 digits and the last one is a check digit.")
            ) from None


def _check_nipc(number: str) -> None:
    """Nine digits: a company's NIPC — or a person's NIF typed by mistake."""
    try:
        validate_nipc(number)
    except InvalidIdentifier as error:
        if error.reason == "person":
            raise ValidationError(
                _l(
                    "This is a person's tax number (NIF). People sign in with their NISS "
                    "(11 digits); companies with the company's NIPC or NISS."
                )
            ) from None
        raise ValidationError(
            _l("Check the NIPC: it has 9 digits and the last one is a check digit.")
        ) from None


class ChooseTimeForm(FlaskForm):
    """A start time (UTC, ISO 8601), not a slot: the server picks the desk."""

    horario = StringField(
        _l("Time"), validators=[InputRequired(message=_l("Choose a time for your session."))]
    )

    def validate_horario(self, field):
        try:
            starts_at = datetime.fromisoformat(field.data.strip())
        except ValueError:
            starts_at = None
        if starts_at is None or starts_at.tzinfo is None or not reasonable_date(starts_at):
            raise ValidationError(_l("Choose one of the times shown."))
        self.starts_at = starts_at.astimezone(UTC)


class ConfirmForm(FlaskForm):
    """A POST-only action with nothing to fill in but the CSRF token."""


class BookingChangeForm(FlaskForm):
    """Confirm, move or cancel a booking: the page names the booking and the version
    (``sequence``) the person saw, so a change made meanwhile is not overridden."""

    booking = IntegerField(validators=[Optional()], widget=HiddenInput())
    version = IntegerField(validators=[Optional()], widget=HiddenInput())


class RepresentativeForm(FlaskForm):
    company_name = StringField(
        _l("Company name"),
        validators=[
            InputRequired(message=_l("Enter the company's name.")),
            Length(max=200, message=_l("Use at most %(max)d characters.")),
        ],
    )
    full_name = StringField(
        _l("Your full name"),
        validators=[
            InputRequired(message=_l("Enter the full name of who will attend.")),
            Length(max=200, message=_l("Use at most %(max)d characters.")),
        ],
    )
    capacity = RadioField(
        _l("You attend as"),
        choices=[SelectChoice(value, label) for value, label in CAPACITY_LABELS.items()],
        validators=[InputRequired(message=_l("Choose in what capacity you attend."))],
    )
    email = EmailField(
        _l("Your e-mail address"),
        validators=[InputRequired(message=_l("Enter an e-mail address for the confirmation."))],
    )
    phone = TelField(
        _l("Your phone number"),
        validators=[
            InputRequired(message=_l("Enter a phone number where the desk can reach you."))
        ],
    )

    def validate_email(self, field):
        try:
            normalise_email(field.data)
        except InvalidContact:
            raise ValidationError(
                _l("Enter an e-mail address in the format name@example.pt.")
            ) from None

    def validate_phone(self, field):
        try:
            normalise_phone(field.data)
        except InvalidContact:
            raise ValidationError(
                _l(
                    "Enter a phone number such as 912 345 678, or with the country code, "
                    "such as +34 612 345 678."
                )
            ) from None
