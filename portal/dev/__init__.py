"""Development conveniences: the local mailbox (/dev/mail) and the placeholder page
that stands in for a Teams meeting with the local meeting provider.

The mailbox exists only with PORTAL_ENVIRONMENT=development (404 otherwise);
the meeting page only while the local provider is in use.
"""

from flask import Blueprint

bp = Blueprint("dev", __name__, template_folder="templates", url_prefix="/dev")

from portal.dev import views  # noqa: E402,F401
