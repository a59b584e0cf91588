"""The staff navigation, by role."""

from flask_babel import lazy_gettext as _l

from portal.accounts.models import Role

LINKS = {
    Role.PHONE_LINE: [
        ("staff.new_referral", _l("Issue a code")),
        ("staff.referrals", _l("Recent codes")),
    ],
    Role.DESK: [("staff.agenda", _l("Agenda"))],
    Role.MANAGER: [
        ("staff.evaluation", _l("Evaluation")),
        ("staff.planner", _l("What if…?")),
        ("staff.centres", _l("District centres")),
        ("staff.desks", _l("Desks")),
        ("staff.subjects", _l("Subjects")),
        ("staff.accounts", _l("Staff accounts")),
        ("staff.audit_log", _l("Audit log")),
    ],
}


ROLE_LABELS = {
    Role.PHONE_LINE: _l("Phone line agent"),
    Role.DESK: _l("Desk staff"),
    Role.MANAGER: _l("Manager"),
}
AUDIT_ACTION_LABELS = {
    "viewed": _l("Viewed"),
    "downloaded": _l("Downloaded"),
    "changed": _l("Changed"),
    "refused": _l("Refused"),
}


def role_label(role) -> str:
    return str(ROLE_LABELS[Role(role)])


def audit_action_label(action) -> str:
    return str(AUDIT_ACTION_LABELS[str(action)])


def staff_navigation(role) -> list:
    return LINKS.get(Role(role), [])


def init_app(app) -> None:
    from portal.audit.labels import detail_label, object_label
    from portal.staff import session, sso

    session.init_app(app)
    sso.init_app(app)
    app.jinja_env.globals.update(
        staff_navigation=staff_navigation,
        role_label=role_label,
        audit_action_label=audit_action_label,
        audit_object_label=object_label,
        audit_detail_label=detail_label,
    )
