"""Forms check shape (length, check digits); operations decide the rest."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, ValidationError

from portal.referrals import codes
from portal.referrals.identifiers import InvalidIdentifier, compact, validate_niss


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
        try:
            if len(number) == 9 and number.isdigit():
                return  # a company's NIPC; checked against the referral
            validate_niss(number)
        except InvalidIdentifier:
            raise ValidationError(
                _l("Check the NISS: it has 11 digits and the last one is a check digit.")
            ) from None


class ChooseSlotForm(FlaskForm):
    slot = IntegerField(
        _l("Time"), validators=[InputRequired(message=_l("Choose a time for your session."))]
    )


class ConfirmForm(FlaskForm):
    """A POST-only action with nothing to fill in but the CSRF token."""
