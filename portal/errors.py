"""Error pages: translated, in the layout, never a stack trace — and never the WSGI
server's own page.

A database that is down, restarting or cutting connections answers 503 with
``Retry-After`` (a page in the person's language; JSON for the API), whether the
error came from a view, a hook or the commit at the request boundary. Whatever
escapes Flask itself (an error while tearing the request down) is caught by
``LastResort``, the outermost WSGI layer, which answers a minimal page prepared
in both languages when the app started: gunicorn never shows its own.
"""

import json
import logging
from html import escape

from flask import current_app, jsonify, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Request

from portal.extensions import db

log = logging.getLogger(__name__)

# The database could not be reached or stopped answering (down, restarting,
# connections cut, pool exhausted): worth trying again in a moment.
DATABASE_ERRORS = (OperationalError, InterfaceError, PoolTimeout)
RETRY_AFTER_SECONDS = 30

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
    503: (
        _l("The service is briefly unavailable"),
        _l(
            "We could not reach our records just now, so nothing was changed. "
            "Please try again in a minute."
        ),
    ),
}


API_PATHS = ("/api/", "/oauth/")


def _for_the_api() -> bool:
    """The integration API answers in JSON (its blueprint, or its paths when no view matched)."""
    return bool(request) and (request.blueprint == "api" or request.path.startswith(API_PATHS))


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
    if _for_the_api():
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


def _database_error(error: Exception) -> Exception | None:
    """The database error behind ``error`` (Flask wraps errors of the boundary's commit)."""
    original = getattr(error, "original_exception", None) or error
    return original if isinstance(original, DATABASE_ERRORS) else None


def _roll_back() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 — a dead connection; the pool replaces it
        log.warning("Rollback failed after an error", exc_info=True)


def handle_unavailable(error: Exception):
    """503 with Retry-After: the database is down or restarting. Nothing was changed."""
    _roll_back()
    current_app.logger.error("Database unavailable: %s", _database_error(error) or error)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if _for_the_api():
        body = {"error": "temporarily_unavailable", "message": str(MESSAGES[503][1])}
        return jsonify(body), 503, headers
    try:
        page, code = render_error(503)
    except Exception:  # noqa: BLE001 — the layout itself needed the database
        page, code = current_app.extensions["last_resort"].page(503), 503
    return page, code, headers


def handle_unexpected_error(error: Exception):
    if _database_error(error) is not None:
        return handle_unavailable(error)
    _roll_back()
    if isinstance(error, HTTPException) and not isinstance(error, InternalServerError):
        return handle_http_error(error)
    current_app.logger.exception("Unhandled error")
    if _for_the_api():
        return jsonify(error=str(MESSAGES[500][0])), 500
    return render_error(500)


class LastResort:
    """The outermost WSGI layer: whatever escapes the Flask app becomes our own page.

    Flask hands its errors to the handlers above; but an error raised while the
    request is torn down (the session closing on a dead connection) leaves the
    app after the response was started, and a WSGI server answers it with its
    own page. Here the start of the response is held back until the app has
    returned, so such an error can still be answered: 503 with Retry-After for
    the database, 500 otherwise, translated, in JSON for the API.
    """

    def __init__(self, wsgi_app, app):
        self.wsgi_app = wsgi_app
        self.cookie = app.config["LANGUAGE_COOKIE"]
        self.texts = {}
        with app.app_context():
            for language in app.config["LANGUAGES"]:
                with force_locale(language):
                    self.texts[language] = {
                        code: (str(title), str(message), _("Go to the start page"))
                        for code, (title, message) in MESSAGES.items()
                        if code in (500, 503)
                    }

    def __call__(self, environ, start_response):
        started = []

        def hold(status, headers, exc_info=None):
            started[:] = [(status, headers, exc_info)]
            return _no_write

        try:
            body = self.wsgi_app(environ, hold)
        except Exception as error:  # noqa: BLE001 — nothing may reach the server
            log.exception("Error outside the request's handlers")
            return self.answer(environ, start_response, error)
        if not started:
            return self.answer(environ, start_response, RuntimeError("no response started"))
        start_response(*started[0])
        return body

    def language(self, environ) -> str:
        asked = Request(environ)
        chosen = asked.args.get("lang", asked.cookies.get(self.cookie, ""))
        chosen = {"pt": "pt_PT", "pt-PT": "pt_PT"}.get(chosen, chosen)
        return chosen if chosen in self.texts else "pt_PT"

    def page(self, code: int, language: str = "pt_PT") -> str:
        title, message, start = (escape(text) for text in self.texts[language][code])
        lang = language.replace("_", "-")
        return (
            f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title></head><body><main><h1>{title}</h1><p>{message}</p>"
            f'<p><a href="/">{start}</a></p></main></body></html>'
        )

    def answer(self, environ, start_response, error):
        code = 503 if _database_error(error) is not None else 500
        language = self.language(environ)
        path = environ.get("PATH_INFO", "")
        headers = [("Cache-Control", "no-store")]
        if code == 503:
            headers.append(("Retry-After", str(RETRY_AFTER_SECONDS)))
        if path.startswith(API_PATHS):
            title, message, _start = self.texts[language][code]
            kind = "temporarily_unavailable" if code == 503 else "server_error"
            body = json.dumps({"error": kind, "message": message}).encode()
            headers.append(("Content-Type", "application/json"))
        else:
            body = self.page(code, language).encode()
            headers.append(("Content-Type", "text/html; charset=utf-8"))
        headers.append(("Content-Length", str(len(body))))
        status = "503 SERVICE UNAVAILABLE" if code == 503 else "500 INTERNAL SERVER ERROR"
        start_response(status, headers)
        return [body]


def _no_write(_data):
    raise RuntimeError("the portal never writes through start_response")


def init_app(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    for error in DATABASE_ERRORS:
        app.register_error_handler(error, handle_unavailable)
    app.register_error_handler(InternalServerError, handle_unexpected_error)
    app.register_error_handler(Exception, handle_unexpected_error)
    last_resort = LastResort(app.wsgi_app, app)
    app.extensions["last_resort"] = last_resort
    app.wsgi_app = last_resort
