"""Forms of the documents step and the device check's self-declaration."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class UploadForm(FlaskForm):
    item = RadioField(
        _l("Which document is this?"),
        validators=[InputRequired(message=_l("Choose which document you are sending."))],
    )
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file to send."))])


class ReplaceForm(FlaskForm):
    file = FileField(
        _l("New file"), validators=[FileRequired(message=_l("Choose a file to send."))]
    )


def _answers():
    return [
        SelectChoice("yes", _l("Yes")),
        SelectChoice("no", _l("No")),
        SelectChoice("unsure", _l("I am not sure")),
    ]


def _question(label, message):
    return RadioField(label, choices=_answers(), validators=[InputRequired(message=message)])


class DeclarationForm(FlaskForm):
    """Without JavaScript, the person tells us about their equipment."""

    camera = _question(
        _l("Does the device you will use have a camera that works?"),
        _l("Tell us whether your camera works."),
    )
    microphone = _question(
        _l("Does it have a microphone that works?"),
        _l("Tell us whether your microphone works."),
    )
    speakers = _question(
        _l("Can you hear sound from it (speakers or headphones)?"),
        _l("Tell us whether you can hear sound."),
    )
    connection = _question(
        _l("Does it have a steady internet connection (for example home Wi-Fi)?"),
        _l("Tell us about your internet connection."),
    )
