"""Error pages: translated, in the layout, never a stack trace."""

from flask import current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.extensions import db

# The database could not be reached or stopped answering (down, restarting,
# connections cut, pool exhausted): worth trying again in a moment.
DATABASE_ERRORS = (OperationalError, InterfaceError, PoolTimeout)

MESSAGES = {
    400: (_l("The request could not be understood"), _l("Please go back and try again.")),
    403: (_l("Access denied"), _l("You do not have permission to open this page.")),
    404: (
        _l("Page not found"),
        _l("Check the address. If you followed a link, it may be out of date."),
    ),
    405: (
        _l("Action not allowed"),
        _l("This page cannot be used that way. Go back and try again."),
    ),
    413: (
        _l("What you sent is too large"),
        _l("Nothing was lost: go back and send smaller files, or fewer at a time."),
    ),
    429: (
        _l("Too many attempts"),
        _l("For your security, please wait a few minutes before trying again."),
    ),
    500: (
        _l("Sorry, something went wrong on our side"),
        _l("Please try again in a few minutes. If it keeps happening, call the phone line."),
    ),
}


def render_error(code: int, title=None, message=None):
    default_title, default_message = MESSAGES.get(code, MESSAGES[500])
    page = render_template(
        "errors/error.html",
        status=code,
        title=title or default_title,
        message=message or default_message,
    )
    return page, code


def _api_error(error: HTTPException):
    """The integration API answers in JSON, Authlib's OAuth errors as they are."""
    if hasattr(error, "body"):
        return error.get_response()
    code = error.code if error.code in MESSAGES else 500
    return jsonify(error=str(MESSAGES[code][0])), code


def handle_http_error(error: HTTPException):
    if request and request.blueprint == "api":
        return _api_error(error)
    page, code = render_error(error.code if error.code in MESSAGES else 500)
    # Keep headers the status needs, such as Allow on a 405.
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    return page, code, headers


def handle_csrf_error(_error: CSRFError):
    return render_error(
        400,
        _l("Your session expired"),
        _l(
            "For your security, forms expire after a while. Go back, reload the page and try again."
        ),
    )


def handle_unexpected_error(error: Exception):
    db.session.rollback()
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    current_app.logger.exception("Unhandled error")
    if request and request.blueprint == "api":
        return jsonify(error=str(MESSAGES[500][0])), 500
    return render_error(500)


def init_app(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_unexpected_error)
    app.register_error_handler(Exception, handle_unexpected_error)
