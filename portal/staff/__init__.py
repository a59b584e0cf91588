"""Pages for staff: the phone line, the desks and the managers, under /staff."""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates")

from portal.staff import (  # noqa: E402,F401
    auth_views,
    desk_views,
    evaluation_views,
    manager_places,
    manager_staff,
    manager_subjects,
    planner_views,
    referral_views,
    session,
)
