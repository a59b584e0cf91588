"""One id per request, from the proxy's ``X-Request-ID`` or made here.

It is returned in the response's ``X-Request-ID``, written on every log line, and
stored on the outbox messages the request writes, so the worker's lines about
sending them carry it too. An incoming id is used only if it is short and plain
(letters, digits and ``.-_:``): anything else is replaced, never logged as given.
"""

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask, Response, request

HEADER = "X-Request-ID"
MAX_LENGTH = 64
VALID = re.compile(rf"[A-Za-z0-9._:-]{{1,{MAX_LENGTH}}}")

_current: ContextVar[str | None] = ContextVar("request_id", default=None)


def current() -> str | None:
    """The id of the request (or outbox work) being handled; None outside both."""
    return _current.get()


def accepted(value: str | None) -> str:
    """The incoming id if it is valid, else a new one."""
    if value and VALID.fullmatch(value):
        return value
    return uuid.uuid4().hex


@contextmanager
def working_for(value: str | None) -> Iterator[None]:
    """Log as part of the request ``value`` (outbox work written by that request)."""
    token = _current.set(value)
    try:
        yield
    finally:
        _current.reset(token)


def _start() -> None:
    _current.set(accepted(request.headers.get(HEADER)))


def _answer(response: Response) -> Response:
    value = current()
    if value:
        response.headers[HEADER] = value
    return response


def _end(_error: BaseException | None = None) -> None:
    _current.set(None)


def init_app(app: Flask) -> None:
    # First of the before_request hooks, so every later line carries the id.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_answer)
    app.teardown_request(_end)
