"""Managers: staff accounts (create, disable, enable) and the audit log."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from portal.accounts.models import Account, Role
from portal.accounts.operations import AccountError, create_account, set_active
from portal.audit.log import recent_events
from portal.audit.models import AuditAction
from portal.extensions import db
from portal.scheduling.models import Desk
from portal.staff import bp
from portal.staff.access import audit, roles_required
from portal.staff.forms.auth import ActionForm
from portal.staff.forms.manager import AccountForm

ACCOUNT_ERRORS = {
    ("email", "invalid"): _l("Enter an e-mail address in the format name@seg-social.pt."),
    ("email", "taken"): _l("There is already an account with this address."),
    ("desk", "required"): _l("Choose the desk of this member of desk staff."),
    ("desk", "not_allowed"): _l("Only desk staff are bound to a desk: choose no desk."),
}


@bp.route("/accounts")
@roles_required(Role.MANAGER)
def accounts():
    rows = db.session.scalars(select(Account).order_by(Account.role, Account.email)).all()
    return render_template("staff/accounts.html", accounts=rows, form=ActionForm())


@bp.route("/accounts/new", methods=["GET", "POST"])
@roles_required(Role.MANAGER)
def new_account():
    form = AccountForm()
    desks = db.session.scalars(select(Desk).order_by(Desk.name))
    form.desk_id.choices = [SelectChoice(0, _("No desk"))] + [
        SelectChoice(d.id, d.name) for d in desks
    ]
    if form.validate_on_submit():
        desk = db.session.get(Desk, form.desk_id.data) if form.desk_id.data else None
        try:
            account, password = create_account(
                form.email.data, form.role.data, desk=desk, name=form.name.data or ""
            )
        except AccountError as error:
            field = form.desk_id if error.field == "desk" else getattr(form, error.field)
            field.errors.append(ACCOUNT_ERRORS.get((error.field, error.reason), error.reason))
        else:
            audit(AuditAction.CHANGED, "account", account.id, "created")
            # Shown once, on this response only: never stored, never put in the session.
            return render_template("staff/account_created.html", account=account, password=password)
    return render_template("staff/new_account.html", form=form)


@bp.route("/accounts/<int:account_id>/active", methods=["POST"])
@roles_required(Role.MANAGER)
def toggle_account(account_id):
    account = db.session.get(Account, account_id) or abort(404)
    if ActionForm().validate_on_submit() and account.id != current_user.id:
        set_active(account, not account.active)
        audit(
            AuditAction.CHANGED, "account", account.id, "enabled" if account.active else "disabled"
        )
        flash(
            _("The account was enabled.") if account.active else _("The account was disabled."),
            "success",
        )
    return redirect(url_for("staff.accounts"))


@bp.route("/audit-log")
@roles_required(Role.MANAGER)
def audit_log():
    return render_template("staff/audit_log.html", events=recent_events())
