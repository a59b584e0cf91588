"""The integration API for the phone line's systems: OAuth2 client credentials, JSON."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from portal.api import views  # noqa: E402,F401
