"""Managers: district centres and desks (timetable, attendants, subjects)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from portal.accounts.models import Role
from portal.extensions import db
from portal.scheduling.management import CodeTaken, save_centre, save_desk
from portal.scheduling.models import Desk, DistrictCentre, Subject
from portal.staff import bp
from portal.staff.access import roles_required
from portal.staff.forms.manager import CentreForm, DeskForm

MANAGER = Role.MANAGER
CODE_TAKEN = "This code is already used. Choose another."


def _get_or_404(model, row_id):
    if row_id is None:
        return None
    return db.session.get(model, row_id) or abort(404)


@bp.route("/centres")
@roles_required(MANAGER)
def centres():
    rows = db.session.scalars(select(DistrictCentre).order_by(DistrictCentre.name)).all()
    return render_template("staff/centres.html", centres=rows)


@bp.route("/centres/new", methods=["GET", "POST"], defaults={"centre_id": None})
@bp.route("/centres/<int:centre_id>", methods=["GET", "POST"])
@roles_required(MANAGER)
def edit_centre(centre_id):
    centre = _get_or_404(DistrictCentre, centre_id)
    form = CentreForm(obj=centre)
    if form.validate_on_submit():
        try:
            save_centre(centre, form.code.data, form.name.data)
        except CodeTaken:
            form.code.errors.append(_(CODE_TAKEN))
        else:
            flash(_("The district centre was saved."), "success")
            return redirect(url_for("staff.centres"))
    return render_template("staff/edit_centre.html", form=form, centre=centre)


@bp.route("/desks")
@roles_required(MANAGER)
def desks():
    rows = db.session.scalars(
        select(Desk).join(DistrictCentre).order_by(DistrictCentre.name, Desk.name)
    ).all()
    return render_template("staff/desks.html", desks=rows)


def _desk_form(desk) -> DeskForm:
    from portal.i18n import current_language

    form = DeskForm(obj=desk)
    centres = db.session.scalars(select(DistrictCentre).order_by(DistrictCentre.name))
    form.centre_id.choices = [SelectChoice(c.id, c.name) for c in centres]
    subjects = db.session.scalars(select(Subject).order_by(Subject.code))
    form.subjects.choices = [SelectChoice(s.id, s.name(current_language())) for s in subjects]
    if not form.is_submitted():
        form.subjects.data = [s.id for s in desk.subjects] if desk else []
        if desk:
            form.show_hours(desk)
        else:
            form.remote_enabled.data, form.parallel_attendants.data = True, 1
            form.slot_minutes.data = 30
    return form


@bp.route("/desks/new", methods=["GET", "POST"], defaults={"desk_id": None})
@bp.route("/desks/<int:desk_id>", methods=["GET", "POST"])
@roles_required(MANAGER)
def edit_desk(desk_id):
    desk = _get_or_404(Desk, desk_id)
    form = _desk_form(desk)
    if form.validate_on_submit():
        values = {
            name: getattr(form, name).data
            for name in ("code", "name", "centre_id", "remote_enabled")
            + ("parallel_attendants", "slot_minutes")
        }
        subjects = db.session.scalars(select(Subject).where(Subject.id.in_(form.subjects.data)))
        try:
            save_desk(desk, values, form.weekly_hours(), list(subjects))
        except CodeTaken:
            form.code.errors.append(_(CODE_TAKEN))
        else:
            flash(_("The desk was saved."), "success")
            return redirect(url_for("staff.desks"))
    return render_template("staff/edit_desk.html", form=form, desk=desk)
