"""Development conveniences: the local mailbox (/dev/mail) and the placeholder page
that stands in for a Teams meeting with the local meeting provider.

Both exist only with PORTAL_ENVIRONMENT=development (404 otherwise, even where a
demonstration server uses the local meeting provider); the meeting page also
needs the local provider.
"""

from flask import Blueprint

bp = Blueprint("dev", __name__, template_folder="templates", url_prefix="/dev")

from portal.dev import views  # noqa: E402,F401
