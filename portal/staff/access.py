"""Who may open which staff page: one role list per view, checked before it runs."""

from functools import wraps

from flask import abort
from flask_login import current_user

from portal.accounts.models import Role
from portal.booking.models import Booking
from portal.extensions import db


def roles_required(*roles: Role):
    """Let only signed-in staff with one of ``roles`` through (403 for the others).

    Signing in itself is checked for the whole blueprint in ``session``; the
    roles are kept on the view so a test can prove that every view has some.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated or current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapper.staff_roles = roles
        return wrapper

    return decorator


def own_desk_booking(booking_id: int) -> Booking:
    """A booking of the signed-in desk's own agenda; any other id is simply not found."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.slot.desk_id != current_user.desk_id:
        abort(404)
    return booking


def audit(action, object_type: str, object_id: int | None = None, detail: str = "", **values):
    """Record that the signed-in member of staff touched personal data (see audit.log)."""
    from portal.audit.log import record
    from portal.clock import now

    record(now(), action, object_type, object_id, detail, account=current_user, **values)
