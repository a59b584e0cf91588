"""Forms of the manager's pages. Field parsers return plain values for the operations."""

import re
from datetime import time

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.accounts.models import Role
from portal.scheduling.models import Audience

CODE = [
    InputRequired(message=_l("Enter a code.")),
    Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", message=_l("Use lower-case letters, digits and hyphens.")),
    Length(max=40, message=_l("Use at most %(max)d characters.")),
]
WEEKDAYS = [_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday")]
_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*$")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def name_field(label, message):
    return StringField(
        label,
        validators=[
            InputRequired(message=message),
            Length(max=120, message=_l("Use at most %(max)d characters.")),
        ],
    )


class CentreForm(FlaskForm):
    code = StringField(_l("Code"), validators=CODE)
    name = name_field(_l("Name"), _l("Enter the district centre's name."))


def parse_intervals(text: str) -> list[tuple[time, time]]:
    """'09:00-12:30, 14:00-16:30' → [(09:00, 12:30), (14:00, 16:30)]; ValueError if wrong."""
    intervals = []
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        match = _INTERVAL.match(part)
        if not match:
            raise ValueError(part)
        h1, m1, h2, m2 = map(int, match.groups())
        opens, closes = time(h1, m1), time(h2, m2)
        if closes <= opens:
            raise ValueError(part)
        intervals.append((opens, closes))
    return intervals


class HoursField(StringField):
    def pre_validate(self, form):
        try:
            self.intervals = parse_intervals(self.data)
        except ValueError:
            raise ValidationError(
                _l("Write the hours like 09:00-12:30, 14:00-16:30 (closing after opening).")
            ) from None


class DeskForm(FlaskForm):
    code = StringField(_l("Code"), validators=CODE)
    name = name_field(_l("Name"), _l("Enter the desk's name."))
    centre_id = SelectField(_l("District centre"), coerce=int)
    remote_enabled = BooleanField(_l("Attends by video (offered to callers)"))
    parallel_attendants = IntegerField(
        _l("Attendants at the same time"),
        validators=[
            InputRequired(message=_l("Enter how many attendants serve at the same time.")),
            NumberRange(min=1, max=20, message=_l("Enter a number from 1 to 20.")),
        ],
    )
    slot_minutes = IntegerField(
        _l("Minutes per session"),
        validators=[
            InputRequired(message=_l("Enter the length of a session in minutes.")),
            NumberRange(min=10, max=120, message=_l("Enter a number from 10 to 120.")),
        ],
    )
    subjects = MultiCheckboxField(_l("Subjects served"), coerce=int, validators=[Optional()])
    monday = HoursField(WEEKDAYS[0])
    tuesday = HoursField(WEEKDAYS[1])
    wednesday = HoursField(WEEKDAYS[2])
    thursday = HoursField(WEEKDAYS[3])
    friday = HoursField(WEEKDAYS[4])

    DAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday")

    def weekly_hours(self) -> dict[int, list[tuple[time, time]]]:
        return {day: getattr(self, name).intervals for day, name in enumerate(self.DAY_FIELDS)}

    def show_hours(self, desk) -> None:
        for day, name in enumerate(self.DAY_FIELDS):
            intervals = [h for h in desk.opening_hours if h.weekday == day]
            getattr(self, name).data = ", ".join(
                f"{h.opens:%H:%M}-{h.closes:%H:%M}" for h in intervals
            )


AUDIENCES = [
    SelectChoice(Audience.CITIZEN.value, _l("Citizens")),
    SelectChoice(Audience.COMPANY.value, _l("Companies")),
    SelectChoice(Audience.BOTH.value, _l("Citizens and companies")),
]


def parse_checklist(text: str) -> list[tuple[str, str, bool]]:
    """One document per line: 'Portuguese | English', ending '| optional' if not required."""
    items = []
    for line in filter(None, (line.strip() for line in (text or "").splitlines())):
        parts = [part.strip() for part in line.split("|")]
        optional = len(parts) == 3 and parts[2].lower() in ("optional", "opcional")
        if len(parts) not in (2, 3) or not all(parts[:2]) or (len(parts) == 3 and not optional):
            raise ValueError(line)
        if max(len(parts[0]), len(parts[1])) > 200:
            raise ValueError(line)
        items.append((parts[0], parts[1], not optional))
    return items


def checklist_text(items) -> str:
    return "\n".join(
        f"{i.label_pt} | {i.label_en}" + ("" if i.required else " | optional") for i in items
    )


class ChecklistField(TextAreaField):
    def process_data(self, value):
        # From the subject (obj=): its list of items, shown as the text the manager edits;
        # a POST without the field then keeps the checklist instead of failing.
        self.data = value if value is None or isinstance(value, str) else checklist_text(value)

    def pre_validate(self, form):
        try:
            self.items = parse_checklist(self.data)
        except ValueError as error:
            raise ValidationError(
                _l(
                    "Write each document on its own line as “Portuguese | English”, adding "
                    "“| optional” when it is not required (check: %(line)s).",
                    line=str(error)[:60],
                )
            ) from None

    def show(self, subject) -> None:
        self.data = checklist_text(subject.checklist)


class SubjectForm(FlaskForm):
    code = StringField(_l("Code"), validators=CODE)
    name_pt = name_field(_l("Name in Portuguese"), _l("Enter the name in Portuguese."))
    name_en = name_field(_l("Name in English"), _l("Enter the name in English."))
    audience = RadioField(_l("Open to"), choices=AUDIENCES, default=Audience.CITIZEN.value)
    session_minutes = IntegerField(
        _l("Minutes per session"),
        validators=[
            InputRequired(message=_l("Enter the length of a session in minutes.")),
            NumberRange(min=10, max=120, message=_l("Enter a number from 10 to 120.")),
        ],
    )
    active = BooleanField(_l("Open for new codes"), default=True)
    checklist = ChecklistField(_l("Documents to prepare"))


ROLES = [
    SelectChoice(Role.PHONE_LINE.value, _l("Phone line agent")),
    SelectChoice(Role.DESK.value, _l("Desk staff")),
    SelectChoice(Role.MANAGER.value, _l("Manager")),
]


class AccountForm(FlaskForm):
    email = EmailField(
        _l("Work e-mail address"),
        validators=[InputRequired(message=_l("Enter the work e-mail address."))],
    )
    name = StringField(_l("Full name"), validators=[Length(max=120)])
    role = RadioField(
        _l("Role"), choices=ROLES, validators=[InputRequired(message=_l("Choose a role."))]
    )
    desk_id = SelectField(_l("Desk (desk staff only)"), coerce=int)
