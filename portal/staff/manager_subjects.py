"""Managers: subjects, their names, audience, length and document checklist."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.accounts.models import Role
from portal.extensions import db
from portal.scheduling.management import CodeTaken, save_subject
from portal.scheduling.models import Subject
from portal.staff import bp
from portal.staff.access import roles_required
from portal.staff.forms.manager import SubjectForm
from portal.staff.manager_places import CODE_TAKEN, _get_or_404


@bp.route("/subjects")
@roles_required(Role.MANAGER)
def subjects():
    rows = db.session.scalars(select(Subject).order_by(Subject.code)).all()
    return render_template("staff/subjects.html", subjects=rows)


@bp.route("/subjects/new", methods=["GET", "POST"], defaults={"subject_id": None})
@bp.route("/subjects/<int:subject_id>", methods=["GET", "POST"])
@roles_required(Role.MANAGER)
def edit_subject(subject_id):
    subject = _get_or_404(Subject, subject_id)
    form = SubjectForm(obj=subject)
    if subject and not form.is_submitted():
        form.checklist.show(subject)
    if form.validate_on_submit():
        values = {
            name: getattr(form, name).data
            for name in ("code", "name_pt", "name_en", "audience", "session_minutes", "active")
        }
        try:
            save_subject(subject, values, form.checklist.items)
        except CodeTaken:
            form.code.errors.append(_(CODE_TAKEN))
        else:
            flash(_("The subject was saved."), "success")
            return redirect(url_for("staff.subjects"))
    return render_template("staff/edit_subject.html", form=form, subject=subject)
