"""The phone-line console: issue a code during the call, find, void or re-issue one."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from portal.accounts.models import Role
from portal.audit.models import AuditAction
from portal.clock import now
from portal.extensions import db
from portal.notifications.codes import CannotResend, can_resend, code_messages, resend_code
from portal.referrals.models import Referral
from portal.referrals.operations import (
    InvalidReferral,
    NotVoidable,
    ReferralRequest,
    issue_referral,
    reissue_referral,
    void_referral,
)
from portal.referrals.queries import recent_referrals
from portal.scheduling.calendar import to_lisbon
from portal.scheduling.models import Subject
from portal.scheduling.offers import earliest_offered, offer_window
from portal.sessions.operations import end_sessions_of
from portal.staff import bp
from portal.staff.access import audit, roles_required
from portal.staff.forms.auth import ActionForm
from portal.staff.forms.referrals import IssueReferralForm, SearchForm
from portal.waiting_list.figures import waiting_by_subject

PHONE_LINE = Role.PHONE_LINE


def _subject_choices(language: str):
    subjects = db.session.scalars(
        select(Subject).where(Subject.active.is_(True)).order_by(Subject.name_pt)
    )
    return [SelectChoice("", _("Choose a subject"))] + [
        SelectChoice(s.code, s.name(language)) for s in subjects
    ]


def _referral_or_404(referral_id: int) -> Referral:
    return db.session.get(Referral, referral_id) or abort(404)


@bp.route("/referrals/new", methods=["GET", "POST"])
@roles_required(PHONE_LINE)
def new_referral():
    from portal.i18n import current_language

    form = IssueReferralForm()
    form.subject.choices = _subject_choices(current_language())
    if form.validate_on_submit():
        try:
            referral = issue_referral(_request_from(form), now(), _valid_days())
        except InvalidReferral as error:
            form.add_operation_errors(error.errors)
        else:
            audit(AuditAction.CHANGED, "referral", referral.id, "issued")
            return redirect(url_for("staff.referral", referral_id=referral.id))
    return render_template("staff/new_referral.html", form=form)


def _request_from(form) -> ReferralRequest:
    return ReferralRequest(
        subject_code=form.subject.data,
        niss=form.niss.data,
        nipc=form.nipc.data or None,
        email=form.email.data,
        language=form.language.data,
        in_person_date=form.in_person_date.data,
        issued_by_id=current_user.id,
    )


def _valid_days() -> int:
    return current_app.config["REFERRAL_VALID_DAYS"]


@bp.route("/referrals/<int:referral_id>")
@roles_required(PHONE_LINE)
def referral(referral_id):
    referral = _referral_or_404(referral_id)
    moment = now()
    earliest = earliest_offered(referral.subject, referral.audience, offer_window(), moment)
    gain = None
    if earliest and referral.in_person_date:
        gain = (referral.in_person_date - to_lisbon(earliest.starts_at).date()).days
    audit(AuditAction.VIEWED, "referral", referral.id)
    return render_template(
        "staff/referral.html",
        referral=referral,
        state=referral.state(moment),
        earliest=earliest,
        gain=gain,
        mail=code_messages(referral),
        can_resend=can_resend(referral, moment),
        form=ActionForm(),
    )


@bp.route("/referrals/<int:referral_id>/resend-code", methods=["POST"])
@roles_required(PHONE_LINE)
def resend(referral_id):
    """Send the code e-mail again (the caller did not get it, or lost it)."""
    referral = _referral_or_404(referral_id)
    if ActionForm().validate_on_submit():
        try:
            message = resend_code(referral, now())
        except CannotResend:
            flash(_("This code can no longer be used to book, so it was not sent."), "error")
        else:
            if message is None:
                flash(_("The e-mail with the code is already waiting to be sent."), "info")
            else:
                audit(AuditAction.CHANGED, "referral", referral.id, "code-resent")
                flash(_("The code will be sent again in a few moments."), "success")
    return redirect(url_for("staff.referral", referral_id=referral.id))


@bp.route("/referrals")
@roles_required(PHONE_LINE)
def referrals():
    form = SearchForm(request.args)
    found = recent_referrals(form.q.data)
    query = form.q.data or None
    audit(AuditAction.VIEWED, "referral-list", None, "searched" if query else "listed", query=query)
    return render_template(
        "staff/referrals.html",
        form=form,
        referrals=found,
        now=now(),
        waiting=waiting_by_subject(now()),
    )


@bp.route("/referrals/<int:referral_id>/void", methods=["GET", "POST"])
@roles_required(PHONE_LINE)
def void(referral_id):
    referral = _referral_or_404(referral_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            void_referral(referral, now())
        except NotVoidable:
            flash(_("This code was already withdrawn."), "error")
        else:
            end_sessions_of(referral)  # whoever is signed in with it is signed out
            audit(AuditAction.CHANGED, "referral", referral.id, "voided")
            flash(_("The code was withdrawn: it can no longer be used."), "success")
        return redirect(url_for("staff.referral", referral_id=referral.id))
    return render_template("staff/void.html", referral=referral, form=form, reissue=False)


@bp.route("/referrals/<int:referral_id>/reissue", methods=["GET", "POST"])
@roles_required(PHONE_LINE)
def reissue(referral_id):
    referral = _referral_or_404(referral_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            replacement = reissue_referral(referral, now(), _valid_days(), current_user.id)
        except (NotVoidable, InvalidReferral):
            flash(_("This code cannot be re-issued. Issue a new one instead."), "error")
            return redirect(url_for("staff.referral", referral_id=referral.id))
        end_sessions_of(referral)
        audit(AuditAction.CHANGED, "referral", referral.id, "reissued", replacement=replacement.id)
        flash(_("A new code was issued and the old one withdrawn."), "success")
        return redirect(url_for("staff.referral", referral_id=replacement.id))
    return render_template("staff/void.html", referral=referral, form=form, reissue=True)
