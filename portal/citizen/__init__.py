"""The citizen's (and company representative's) pages: the only public blueprint."""

from flask import Blueprint

bp = Blueprint("citizen", __name__, template_folder="templates")

from portal.citizen import accessibility, views  # noqa: E402,F401
