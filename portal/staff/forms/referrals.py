from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from portal.scheduling.models import Audience
from portal.staff.forms.fields import ReasonableDateField

AUDIENCES = [
    SelectChoice(Audience.CITIZEN.value, _l("A person (citizen)")),
    SelectChoice(Audience.COMPANY.value, _l("A company, through its representative")),
]
LANGUAGES = [SelectChoice("pt_PT", _l("Portuguese")), SelectChoice("en", _l("English"))]

# Operation reason codes → what the agent reads next to the field.
REASONS = {
    ("subject", "unknown"): _l("Choose a subject."),
    ("subject", "audience"): _l("This subject is not open to this kind of caller."),
    ("niss", "format"): _l("The NISS has 11 digits."),
    ("niss", "check"): _l("Check the NISS: the last digit does not match."),
    ("niss", "company"): _l("This NISS is a company's (starts with 2): choose a company."),
    ("niss", "not_company"): _l("For a company, enter the company's NISS (starts with 2)."),
    ("nipc", "format"): _l("The NIPC has 9 digits."),
    ("nipc", "check"): _l("Check the NIPC: the last digit does not match."),
    ("nipc", "person"): _l("This is a person's NIF, not a company's NIPC."),
    ("email", "invalid"): _l("Enter an e-mail address in the format name@example.pt."),
    ("language", "unknown"): _l("Choose a language."),
    ("in_person_date", "past"): _l("The in-person date cannot be in the past."),
}


class IssueReferralForm(FlaskForm):
    subject = SelectField(
        _l("Subject"), validators=[InputRequired(message=_l("Choose a subject."))]
    )
    audience = RadioField(
        _l("Who is calling"),
        choices=AUDIENCES,
        default=Audience.CITIZEN.value,
        validators=[InputRequired(message=_l("Choose who is calling."))],
    )
    niss = StringField(
        _l("NISS"),
        validators=[InputRequired(message=_l("Enter the NISS (for a company, the company's)."))],
    )
    nipc = StringField(_l("NIPC (companies only)"))
    email = EmailField(
        _l("E-mail address"),
        validators=[InputRequired(message=_l("Enter the e-mail address for the confirmation."))],
    )
    language = RadioField(_l("Language for messages"), choices=LANGUAGES, default="pt_PT")
    in_person_date = ReasonableDateField(
        _l("Earliest in-person appointment you could offer (optional)"),
        validators=[Optional()],
    )

    def validate_nipc(self, field):
        company = self.audience.data == Audience.COMPANY.value
        if company and not (field.data or "").strip():
            raise ValidationError(_l("Enter the company's NIPC."))
        if not company and (field.data or "").strip():
            raise ValidationError(_l("Leave the NIPC empty for a person, or choose a company."))

    def add_operation_errors(self, errors: dict) -> None:
        for name, reason in errors.items():
            getattr(self, name).errors.append(REASONS.get((name, reason), reason))


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(_l("Code, NISS, NIPC or e-mail"), validators=[Optional()])
