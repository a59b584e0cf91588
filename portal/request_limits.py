"""Request size limits per view: forms are small, document uploads are not.

The limit must be known before Flask-WTF reads the form for its CSRF check
(which runs before any view code), so the request decides it from the matched
view: a view marked with ``@body_limit(...)`` accepts that much; every other
view keeps ``MAX_CONTENT_LENGTH``. Over the limit, werkzeug answers 413.

``refuse_impossible_input`` runs before every view: input no form or client of
ours can send (NUL bytes, JSON nested deeper than any payload we read, headers
longer than any browser sends) gets the translated 400 page, never a 500.
"""

from flask import Request, current_app, request
from werkzeug.exceptions import BadRequest


def body_limit(limit_from_config):
    """Mark a view as accepting bodies up to ``limit_from_config(app.config)`` bytes."""

    def decorate(view):
        view.body_limit = limit_from_config
        return view

    return decorate


class PortalRequest(Request):
    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is not None:
            return self._max_content_length
        if current_app and self.url_rule is not None:
            view = current_app.view_functions.get(self.url_rule.endpoint)
            limit = getattr(view, "body_limit", None)
            if limit is not None:
                return limit(current_app.config)
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


# Input no real form, browser or client sends; refused with a 400 before any view.
MAX_HEADER_BYTES = 8 * 1024
MAX_JSON_DEPTH = 20


class ImpossibleInput(BadRequest):
    """A request that cannot be valid: answered with the translated 400 page (or JSON)."""


def _unusable_text(text: str) -> bool:
    """NUL (which PostgreSQL cannot store), or a lone surrogate (not Unicode text)."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _json_refusal(value) -> str | None:
    """Why a parsed JSON document cannot be valid input, or None (iteratively: no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return "JSON nested too deeply"
        if isinstance(item, str) and _unusable_text(item):
            return "NUL or invalid character in JSON text"
        if isinstance(item, dict):
            if any(_unusable_text(key) for key in item):
                return "NUL or invalid character in a JSON key"
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return None


def refuse_impossible_input() -> None:
    """Before any view: over-long headers, NUL bytes in the path, query or form fields, and
    JSON that is too deep or carries NUL, end in a 400 here rather than a 500 later."""
    for name, value in request.headers.items():
        if len(name) + len(value) > MAX_HEADER_BYTES:
            raise ImpossibleInput(f"header {name[:40]} too long")
    if _unusable_text(request.path):
        raise ImpossibleInput("NUL in the path")
    for fields in (request.args, request.form):
        for key, value in fields.items(multi=True):
            if _unusable_text(key) or _unusable_text(value):
                raise ImpossibleInput("NUL in a field")
    if request.is_json and request.content_length != 0:
        try:
            document = request.get_json(silent=True)
        except RecursionError:
            raise ImpossibleInput("JSON nested too deeply") from None
        reason = _json_refusal(document)
        if reason:
            raise ImpossibleInput(reason)


def init_app(app) -> None:
    app.before_request(refuse_impossible_input)
