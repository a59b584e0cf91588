from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import InputRequired


class SignInForm(FlaskForm):
    email = EmailField(
        _l("Work e-mail address"),
        validators=[InputRequired(message=_l("Enter your work e-mail address."))],
    )
    password = PasswordField(
        _l("Password"), validators=[InputRequired(message=_l("Enter your password."))]
    )
    next = HiddenField()


class ActionForm(FlaskForm):
    """A POST-only action with nothing to fill in but the CSRF token."""
