"""Signing in and out (password, or Entra ID when configured)."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.staff import bp, sign_in
from portal.staff.forms.auth import ActionForm, SignInForm
from portal.staff.session import HOME, finish_session, safe_next, start_session
from portal.staff.sso import account_for_claims, entra_client, sso_configured


@bp.route("/sign-in", methods=["GET", "POST"], endpoint="sign_in")
def sign_in_page():
    form = SignInForm()
    if not form.is_submitted():
        form.next.data = safe_next(request.args.get("next"))
    errors, status = [], 200
    if form.validate_on_submit():
        result = sign_in.attempt(form.email.data, form.password.data)
        if result.account is None:
            errors, status = [("email", result.error)], 429 if result.locked_until else 200
        else:
            start_session(result.account)
            target = safe_next(form.next.data) or url_for(HOME[result.account.role])
            return redirect(target)
    return (
        render_template(
            "staff/sign_in.html",
            form=form,
            errors=errors,
            page_errors=errors,
            sso=sso_configured(current_app.config),
        ),
        status,
    )


@bp.route("/")
def home():
    return redirect(url_for(HOME[current_user.role]))


home.staff_roles = ("any signed-in role",)


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    if ActionForm().validate_on_submit():
        finish_session()
        flash(_("You have signed out."), "success")
    return redirect(url_for("staff.sign_in"))


sign_out.staff_roles = ("any signed-in role",)


@bp.route("/sso/start", methods=["POST"])
def sso_start():
    if not sso_configured(current_app.config) or not ActionForm().validate_on_submit():
        return redirect(url_for("staff.sign_in"))
    return entra_client(current_app).authorize_redirect(
        url_for("staff.sso_callback", _external=True)
    )


@bp.route("/sso/callback")
def sso_callback():
    if not sso_configured(current_app.config):
        return redirect(url_for("staff.sign_in"))
    from authlib.integrations.base_client.errors import OAuthError

    try:
        token = entra_client(current_app).authorize_access_token()
    except OAuthError:
        token = {}
    account = account_for_claims(token.get("userinfo") or {})
    if account is None:
        flash(_("There is no active staff account for this Microsoft account."), "error")
        return redirect(url_for("staff.sign_in"))
    start_session(account)
    return redirect(url_for(HOME[account.role]))
