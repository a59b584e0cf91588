"""The current time, replaceable in one place (tests move it to expire holds)."""

from datetime import datetime

from flask import current_app

from portal.database import utcnow


def now() -> datetime:
    return current_app.extensions.get("clock", utcnow)()
