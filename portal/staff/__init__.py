"""Pages for staff: the phone line, the desks and the managers, under /staff."""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates")

from portal.staff import auth_views, desk_views, referral_views, session  # noqa: E402,F401
