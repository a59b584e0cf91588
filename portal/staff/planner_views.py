"""Managers: the expansion planner ("E se…?"), what a changed capacity would have given."""

from datetime import timedelta

from flask import render_template, request
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from portal.accounts.models import Role
from portal.clock import now
from portal.evaluation.figures import NATIONAL_AVERAGE_DAYS, Period
from portal.extensions import db
from portal.i18n import current_language
from portal.planner import results
from portal.planner.timetable import MoreHours, MoreSubjects, NewDesks
from portal.scheduling.calendar import lisbon_today
from portal.scheduling.models import Desk, DistrictCentre, Subject
from portal.staff import bp
from portal.staff.access import roles_required
from portal.staff.forms.planner import NONE, PlannerForm


def _changes(form: PlannerForm, centres: dict[int, str], subjects) -> list:
    """The form's answers as timetable changes (the ones left at "no change" dropped)."""
    changes = []
    if form.new_desks_centre.data != NONE and form.new_desks.data and form.new_desks_hours.data:
        chosen = form.new_desks_subjects.data or [subject.id for subject in subjects]
        changes.append(
            NewDesks(
                form.new_desks_centre.data,
                centres[form.new_desks_centre.data],
                form.new_desks.data,
                form.new_desks_hours.data,
                frozenset(chosen),
            )
        )
    if form.more_hours_desk.data != NONE and form.more_hours.data:
        changes.append(MoreHours(f"desk-{form.more_hours_desk.data}", form.more_hours.data))
    if form.enabled_subject.data != NONE and form.enabled_on.data:
        keys = frozenset(f"desk-{desk_id}" for desk_id in form.enabled_on.data)
        changes.append(MoreSubjects(form.enabled_subject.data, keys))
    return changes


def _described(changes, desks, subjects) -> list[str]:
    """Each change in words, for the results (and their printout)."""
    desk_names = {f"desk-{desk.id}": desk.name for desk in desks}
    subject_names = {subject.id: subject.name(current_language()) for subject in subjects}
    words = []
    for change in changes:
        if isinstance(change, NewDesks):
            words.append(
                ngettext(
                    "%(num)d desk more at %(centre)s, open %(hours)d hours a week",
                    "%(num)d desks more at %(centre)s, each open %(hours)d hours a week",
                    change.count,
                    centre=change.centre_name,
                    hours=change.weekly_hours,
                )
            )
        elif isinstance(change, MoreHours):
            words.append(
                ngettext(
                    "%(desk)s open %(num)d hour a week longer",
                    "%(desk)s open %(num)d hours a week longer",
                    int(change.weekly_hours),
                    desk=desk_names[change.desk_key],
                )
            )
        else:
            names = sorted(desk_names[key] for key in change.desk_keys)
            words.append(
                _(
                    "%(subject)s also attended at %(desks)s",
                    subject=subject_names.get(change.subject_id, ""),
                    desks=", ".join(names),
                )
            )
    return words


def number(value, pattern: str = "#,##0.0") -> str:
    return "—" if value is None else format_decimal(value, format=pattern)


@bp.route("/planner")
@roles_required(Role.MANAGER)
def planner():
    centres = db.session.scalars(select(DistrictCentre).order_by(DistrictCentre.name)).all()
    desks = db.session.scalars(
        select(Desk).where(Desk.remote_enabled.is_(True)).order_by(Desk.name)
    ).all()
    subjects = db.session.scalars(
        select(Subject).where(Subject.active.is_(True)).order_by(Subject.code)
    ).all()
    asked = "first" in request.args
    form = PlannerForm(request.args if asked else None)
    form.offer(centres, desks, subjects, current_language())
    if not asked:
        today = lisbon_today(now())
        form.first.data, form.last.data = today - timedelta(days=91), today - timedelta(days=1)
    plan, described = None, []
    if asked and form.validate():
        changes = _changes(form, {c.id: c.name for c in centres}, subjects)
        plan = results.plan(Period(form.first.data, form.last.data), changes)
        described = _described(changes, desks, subjects)
    return render_template(
        "staff/planner.html",
        form=form,
        plan=plan,
        changes=described,
        number=number,
        seed=results.SEED,
        national=NATIONAL_AVERAGE_DAYS,
        tolerance_days=results.TOLERANCE_DAYS,
        tolerance_points=results.TOLERANCE_POINTS,
    )
