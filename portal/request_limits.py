"""Request size limits per view: forms are small, document uploads are not.

The limit must be known before Flask-WTF reads the form for its CSRF check
(which runs before any view code), so the request decides it from the matched
view: a view marked with ``@body_limit(...)`` accepts that much; every other
view keeps ``MAX_CONTENT_LENGTH``. Over the limit, werkzeug answers 413.
"""

from flask import Request, current_app


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
