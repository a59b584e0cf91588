"""Desk staff: the agenda, a booking's page and its outcome, closures of the desk."""

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from portal.accounts.models import Role
from portal.audit.models import AuditAction
from portal.booking import transitions
from portal.booking.agenda import AGENDA_COLUMNS, agenda
from portal.clock import now
from portal.device_check.labels import CHECK_LABELS, OUTCOME_LABELS
from portal.device_check.results import latest_check
from portal.documents import storage
from portal.documents.checklist import checklist
from portal.documents.models import Document
from portal.extensions import db
from portal.scheduling.calendar import lisbon_today
from portal.scheduling.closures import InvalidClosure, close_desk, reopen_desk
from portal.scheduling.models import Closure, Desk
from portal.sessions.operations import end_sessions_of
from portal.staff import bp
from portal.staff.access import audit, own_desk_booking, roles_required
from portal.staff.forms.auth import ActionForm
from portal.staff.forms.desk import ClosureForm, OutcomeForm

NOT_YET = _l("This can be recorded only for a confirmed session whose time has come.")
CLOSURE_ERRORS = {
    "order": _l("The last day must be on or after the first day."),
    "past": _l("A closure cannot start in the past."),
}


@bp.route("/agenda", endpoint="agenda")
@roles_required(Role.DESK)
def agenda_page():
    today = lisbon_today(now())
    week = request.args.get("view") == "week"
    first = today - timedelta(days=today.weekday()) if week else today
    last = first + timedelta(days=6) if week else today
    days = agenda(current_user.desk_id, first, last)
    audit(AuditAction.VIEWED, "agenda", current_user.desk_id, "period", first=first, last=last)
    return render_template(
        "staff/agenda.html",
        days=days,
        week=week,
        first=first,
        last=last,
        columns=AGENDA_COLUMNS,
        desk=current_user.desk,
    )


@bp.route("/bookings/<int:booking_id>", methods=["GET", "POST"])
@roles_required(Role.DESK)
def booking(booking_id):
    booking = own_desk_booking(booking_id)
    form = OutcomeForm(obj=booking if booking.outcome else None)
    # The form is offered once the session's time has come; before that a desk
    # has nothing to record (a phone rebooking is the phone line's to make).
    started = booking.slot.starts_at <= now()
    if form.validate_on_submit():
        if not started:
            form.outcome.errors.append(str(NOT_YET))
        elif recorded := _record_outcome(booking, form):
            return recorded
    audit(AuditAction.VIEWED, "booking", booking.id)
    return _booking_page(booking, form, started)


def _record_outcome(booking, form):
    """Record the outcome and redirect, or put the refusal on the form (returns None)."""
    try:
        transitions.record_outcome(
            booking, form.outcome.data, form.note.data or "", now(), current_user.id
        )
    except transitions.CancelledMeanwhile:
        form.outcome.errors.append(
            _("This booking was cancelled meanwhile, so nothing was recorded.")
        )
    except transitions.BookingError:
        form.outcome.errors.append(str(NOT_YET))
    else:
        end_sessions_of(booking.referral)  # the booking's life is over
        audit(AuditAction.CHANGED, "booking", booking.id, "outcome", outcome=form.outcome.data)
        flash(_("The outcome was recorded."), "success")
        return redirect(url_for("staff.booking", booking_id=booking.id))
    return None


def _booking_page(booking, form, started: bool):
    return render_template(
        "staff/booking.html",
        booking=booking,
        form=form,
        started=started,
        checklist=checklist(booking.referral),
        device_check=latest_check(booking.referral),
        outcome_labels=OUTCOME_LABELS,
        check_labels=CHECK_LABELS,
    )


@bp.route("/bookings/<int:booking_id>/documents/<int:document_id>", endpoint="booking_document")
@roles_required(Role.DESK)
def booking_document(booking_id, document_id):
    """A person's file, for the desk that will attend them; every download is logged."""
    booking = own_desk_booking(booking_id)
    document = db.session.get(Document, document_id)
    if document is None or document.referral_id != booking.referral_id or document.purged_at:
        abort(404)
    audit(AuditAction.DOWNLOADED, "document", document.id, "of-booking", booking=booking.id)
    return storage.attachment_response(document)


def _closable_desk(desk_id: int) -> Desk:
    desk = db.session.get(Desk, desk_id)
    if desk is None or (current_user.role == Role.DESK and desk.id != current_user.desk_id):
        abort(404)
    return desk


@bp.route("/desks/<int:desk_id>/closures/new", methods=["GET", "POST"])
@roles_required(Role.DESK, Role.MANAGER)
def new_closure(desk_id):
    desk = _closable_desk(desk_id)
    form = ClosureForm()
    if form.validate_on_submit():
        try:
            result = close_desk(
                desk,
                form.starts_on.data,
                form.ends_on.data,
                form.reason.data,
                now(),
                current_app.config["REFERRAL_VALID_DAYS"],
            )
        except InvalidClosure as error:
            getattr(form, error.field).errors.append(CLOSURE_ERRORS[error.reason])
        else:
            audit(AuditAction.CHANGED, "desk", desk.id, "closure", closure=result.closure.id)
            flash(
                ngettext(
                    "The desk is closed on those days. %(num)d booking was cancelled "
                    "and the person can choose another time with the same code.",
                    "The desk is closed on those days. %(num)d bookings were cancelled "
                    "and the people can choose another time with the same code.",
                    len(result.released),
                ),
                "success",
            )
            return redirect(url_for("staff.closures", desk_id=desk.id))
    return render_template("staff/new_closure.html", desk=desk, form=form)


@bp.route("/desks/<int:desk_id>/closures")
@roles_required(Role.DESK, Role.MANAGER)
def closures(desk_id):
    desk = _closable_desk(desk_id)
    return render_template("staff/closures.html", desk=desk, today=lisbon_today(now()))


@bp.route("/desks/<int:desk_id>/closures/<int:closure_id>/remove", methods=["POST"])
@roles_required(Role.DESK, Role.MANAGER)
def remove_closure(desk_id, closure_id):
    """The desk attends those days after all: its times are offered again."""
    desk = _closable_desk(desk_id)
    closure = db.session.get(Closure, closure_id)
    if closure is None or closure.desk_id != desk.id:
        abort(404)
    if ActionForm().validate_on_submit():
        reopen_desk(closure, now())
        audit(AuditAction.CHANGED, "desk", desk.id, "closure-removed", closure=closure_id)
        flash(_("The closure was removed and the desk's times are offered again."), "success")
    return redirect(url_for("staff.closures", desk_id=desk.id))
