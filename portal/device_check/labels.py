"""How device-check outcomes and checks read to people (pages, e-mail, PDF)."""

from flask_babel import lazy_gettext as _l

from portal.device_check.models import Outcome

OUTCOME_LABELS = {
    Outcome.PASSED: _l("Passed"),
    Outcome.WARNING: _l("Warning"),
    Outcome.FAILED: _l("Failed"),
}
CHECK_LABELS = {
    "camera": _l("Camera"),
    "microphone": _l("Microphone"),
    "speakers": _l("Speakers or headphones"),
    "network": _l("Connection"),
    "browser": _l("Browser"),
}
