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
        ("staff.centres", _l("District centres")),
        ("staff.desks", _l("Desks")),
        ("staff.subjects", _l("Subjects")),
        ("staff.accounts", _l("Staff accounts")),
        ("staff.audit_log", _l("Audit log")),
    ],
}


def staff_navigation(role) -> list:
    return LINKS.get(Role(role), [])


def init_app(app) -> None:
    from portal.staff import session, sso

    session.init_app(app)
    sso.init_app(app)
    app.jinja_env.globals.update(staff_navigation=staff_navigation)
