"""Staff sessions: Flask-Login, renewed at sign-in, ended after inactivity.

The citizen side keeps its referral in the same signed cookie under another
key; neither side reads the other's key, and signing in on either side starts
from an empty session.
"""

from urllib.parse import urlparse

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal.accounts.models import Account, Role
from portal.accounts.operations import account_for_session, end_sessions, record_sign_in
from portal.clock import now
from portal.extensions import login_manager
from portal.staff import bp

SEEN_KEY = "staff_seen_at"
PUBLIC_ENDPOINTS = {"staff.sign_in", "staff.sso_start", "staff.sso_callback"}
HOME = {
    Role.PHONE_LINE: "staff.new_referral",
    Role.DESK: "staff.agenda",
    Role.MANAGER: "staff.evaluation",
}


def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(account_for_session)
    login_manager.session_protection = "basic"


def start_session(account: Account) -> None:
    session.clear()  # nothing from before signing in survives (fixation)
    login_user(account, remember=False)
    session.permanent = True
    session[SEEN_KEY] = now().timestamp()
    record_sign_in(account, now())


def finish_session() -> None:
    if current_user.is_authenticated:
        end_sessions(current_user._get_current_object())
    logout_user()
    session.clear()


def safe_next(target: str | None) -> str | None:
    """Only our own staff pages: never redirect to another site."""
    if not target:
        return None
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not parsed.path.startswith("/staff/"):
        return None
    return target


def _idle_too_long() -> bool:
    seen = session.get(SEEN_KEY)
    limit = current_app.config["STAFF_IDLE_MINUTES"] * 60
    return seen is None or now().timestamp() - seen > limit


@bp.before_request
def require_signed_in_staff():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("staff.sign_in", next=_next_for(request)))
    if _idle_too_long():
        logout_user()
        session.clear()
        flash(_("Your session ended after a period of inactivity. Please sign in again."), "info")
        return redirect(url_for("staff.sign_in", next=_next_for(request)))
    session[SEEN_KEY] = now().timestamp()
    return None


def _next_for(req) -> str | None:
    return req.full_path.rstrip("?") if req.method == "GET" else None
