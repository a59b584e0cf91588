"""JSON log lines, one per record, with personal data masked.

``PORTAL_LOG_FORMAT``: ``json`` (one object a line: time, level, logger,
message, request_id, and the traceback when there is one) or ``text`` (the
same fields for a person at a terminal). Both mask, in the message and the
traceback: NISS and NIPC numbers (11 and 9 digits), e-mail addresses and
document file names (names ending in .pdf, .jpg, .jpeg or .png, with or without
quotes around them). The masking is a filter on the portal's handler, so it
applies to every library's records too.
"""

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import TextIO

from flask import Flask
from flask.logging import default_handler

from portal.observability import request_id

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Whole numbers of 9 or 11 digits: a NIPC or a NISS (a phone number has 9 too).
NUMBER = re.compile(r"(?<![\w.])(?:\d{11}|\d{9})(?![\w.])")
DOCUMENT_EXTENSIONS = r"\.(?:pdf|jpe?g|png)"
# A quoted name may hold spaces ("Cartão de Cidadão.pdf"); an unquoted one may not.
QUOTED_DOCUMENT = re.compile(
    r"([\"'“‘«])[^\"'”’»\n]{0,255}" + DOCUMENT_EXTENSIONS + r"([\"'”’»])", re.IGNORECASE
)
BARE_DOCUMENT = re.compile(
    r"[^\s\"'“”‘’«»/\\=]{1,255}" + DOCUMENT_EXTENSIONS + r"\b", re.IGNORECASE
)
HANDLER_NAME = "portal"


def mask(text: str) -> str:
    text = EMAIL.sub("[e-mail]", text)
    text = QUOTED_DOCUMENT.sub(r"\1[document]\2", text)
    text = BARE_DOCUMENT.sub("[document]", text)
    return NUMBER.sub("[number]", text)


class MaskPersonalData(logging.Filter):
    """Replace the record's message (and traceback) by a masked copy.

    In place, on purpose: a handler that runs after this one sees it masked too.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            # Formatters use exc_text when it is set: the masked copy is what they print.
            record.exc_text = mask(record.exc_text)
        if not hasattr(record, "request_id"):
            record.request_id = request_id.current()
        return True


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "process": record.process,
        }
        if record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def portal_handler(log_format: str, stream: TextIO | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.addFilter(MaskPersonalData())
    handler.setFormatter(JsonLines() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    return handler


def install(
    log_format: str, stream: TextIO | None = None, level: int = logging.INFO
) -> logging.Handler:
    """Put the portal's handler on the root logger (replacing an earlier one)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
    handler = portal_handler(log_format, stream)
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    return handler


def init_app(app: Flask) -> None:
    log_format = app.config["LOG_FORMAT"] or (
        "text" if app.config["ENVIRONMENT"] == "development" else "json"
    )
    if log_format not in ("json", "text", "none"):
        from portal.config import ConfigurationError

        raise ConfigurationError("PORTAL_LOG_FORMAT must be json, text or none.")
    if log_format == "none":
        return  # the host application configures logging itself
    install(log_format)
    # Flask's own handler would print every app.logger line a second time, unmasked.
    app.logger.removeHandler(default_handler)
