"""Citizen journey: sign in → choose a time → review → confirm; then manage."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.booking import transitions
from portal.citizen import bp, sign_in
from portal.citizen.booking_messages import tell_refusal
from portal.citizen.forms import (
    BookingChangeForm,
    ChooseTimeForm,
    ConfirmForm,
    RepresentativeForm,
    SignInForm,
)
from portal.citizen.journey import (
    after_hold,
    booking_named,
    confirmed_booking,
    missing_step,
    next_step,
    referral_required,
    session_timeout,
    sign_out,
)
from portal.citizen.journey import sign_in as start_session
from portal.citizen.slot_pages import slot_page, times_for
from portal.clock import now
from portal.extensions import db
from portal.notifications.document import pdf_filename
from portal.notifications.facts import booking_facts
from portal.outbox.queue import rendered_pdf
from portal.referrals.companies import set_representative
from portal.referrals.models import ReferralState
from portal.scheduling.models import Slot
from portal.scheduling.offers import offer_window

bp.context_processor(session_timeout)


@bp.route("/", methods=["GET", "POST"])
def landing():
    form = SignInForm()
    errors, status = [], 200
    if form.validate_on_submit():
        result = sign_in.attempt(form.normalised_code, form.identifier.data)
        if result.referral is None:
            errors, status = [("code", result.error)], 429 if result.locked_until else 200
        else:
            state = result.referral.state(now())
            if state is not ReferralState.ACTIVE:
                return render_template(
                    "citizen/code_unusable.html", referral=result.referral, state=state
                )
            start_session(result.referral)
            return redirect(url_for(next_step(result.referral)))
    return (
        render_template("citizen/landing.html", form=form, errors=errors, page_errors=errors),
        status,
    )


@bp.route("/marcar/horarios", methods=["GET", "POST"])
@referral_required
def choose_slot(referral):
    if referral.active_booking and referral.active_booking.status == "confirmed":
        return redirect(url_for("citizen.reschedule"))
    form = ChooseTimeForm()
    if form.validate_on_submit():
        try:
            # The desk rule orders the desks with that time; the hold takes the first seat.
            transitions.hold(
                referral,
                times_for(referral, form.starts_at),
                now(),
                current_app.config["HOLD_MINUTES"],
                offer_window(),
            )
        except transitions.TimeGone as error:
            tell_refusal(error)
            return redirect(url_for("citizen.choose_slot"))
        except transitions.BookingError as error:
            tell_refusal(error, referral.latest_booking)
            return redirect(url_for(next_step(referral)))
        return redirect(url_for(after_hold(referral)))
    return slot_page(referral, form, "citizen/choose_slot.html")


@bp.route("/marcar/revisao")
@referral_required
def review(referral):
    booking = referral.active_booking
    if booking is None or booking.status != "held" or booking.hold_lapsed(now()):
        flash(
            _("Your reservation expired and the time was released. Please choose a time again."),
            "error",
        )
        return redirect(url_for("citizen.choose_slot"))
    if missing_step(referral):
        return redirect(url_for(missing_step(referral)))
    return render_template(
        "citizen/review.html",
        referral=referral,
        booking=booking,
        form=BookingChangeForm(),
    )


@bp.route("/marcar/representante", methods=["GET", "POST"])
@referral_required
def representative(referral):
    if not referral.is_company or referral.active_booking is None:
        abort(404)
    form = RepresentativeForm(obj=referral.representative)
    if form.validate_on_submit():
        set_representative(
            referral,
            form.company_name.data,
            form.full_name.data,
            form.capacity.data,
            form.email.data,
            form.phone.data,
        )
        held = referral.active_booking.status == "held"
        return redirect(url_for(after_hold(referral) if held else next_step(referral)))
    return render_template("citizen/representative.html", referral=referral, form=form)


EXTEND_RETURNS = {"documents": "citizen.documents", "device-check": "citizen.device_check"}


@bp.route("/marcar/prolongar", methods=["POST"])
@referral_required
def extend_hold(referral):
    booking = referral.active_booking or referral.latest_booking
    if booking is not None and ConfirmForm().validate_on_submit():
        try:
            transitions.extend_hold(booking, now(), current_app.config["HOLD_MINUTES"])
            flash(_("Your reservation was extended."), "success")
        except transitions.HoldRanOut:
            pass  # the page it returns to says the reservation ran out
        except transitions.BookingError as error:
            tell_refusal(error, booking)
            return redirect(url_for(next_step(referral)))
    # Back to the page the person was on, from a fixed list (never a free URL).
    back = EXTEND_RETURNS.get(request.form.get("back", ""), "citizen.review")
    return redirect(url_for(back))


@bp.route("/marcar/confirmar", methods=["POST"])
@referral_required
def confirm(referral):
    """Confirm the hold shown on the review page (the form names it)."""
    form = BookingChangeForm()
    if not form.validate_on_submit() or missing_step(referral):
        return redirect(url_for("citizen.review"))
    booking = None
    try:
        booking = booking_named(referral, form.booking.data, missing=transitions.HoldRanOut)
        transitions.confirm(booking, now())
    except transitions.AlreadyConfirmed as error:
        tell_refusal(error, booking)
        return redirect(url_for("citizen.confirmed"))
    except transitions.ChangedMeanwhile as error:
        tell_refusal(error)
        return redirect(url_for(next_step(referral)))
    except transitions.BookingError as error:
        tell_refusal(error, booking)
        return redirect(url_for("citizen.choose_slot"))
    return redirect(url_for("citizen.confirmed"))


@bp.route("/marcar/confirmada")
@referral_required
def confirmed(referral):
    booking = confirmed_booking(referral)
    return render_template("citizen/confirmed.html", referral=referral, booking=booking)


@bp.route("/a-minha-marcacao")
@referral_required
def my_booking(referral):
    booking = referral.active_booking or referral.latest_booking
    if booking is None or booking.status in ("held", "expired", "replaced"):
        return redirect(url_for(next_step(referral)))
    changeable = booking.status == "confirmed" and booking.slot.starts_at > now()
    return render_template(
        "citizen/my_booking.html", referral=referral, booking=booking, changeable=changeable
    )


@bp.route("/a-minha-marcacao/confirmacao.pdf")
@referral_required
def confirmation_document(referral):
    """The PDF the outbox worker rendered for the e-mail (the web process never
    renders one); until it has, a page that says it is being prepared."""
    booking = confirmed_booking(referral)
    pdf = rendered_pdf(booking)
    if pdf is None:
        page = render_template("citizen/confirmation_preparing.html", booking=booking)
        return page, 200, {"Cache-Control": "no-store", "Retry-After": "60"}
    facts = booking_facts(booking, referral.language)
    response = current_app.response_class(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{pdf_filename(facts)}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/a-minha-marcacao/reagendar", methods=["GET", "POST"])
@referral_required
def reschedule(referral):
    booking = confirmed_booking(referral)
    form = ChooseTimeForm()
    if form.validate_on_submit():
        return redirect(url_for("citizen.confirm_reschedule", horario=form.horario.data))
    return slot_page(referral, form, "citizen/reschedule.html", booking=booking)


@bp.route("/a-minha-marcacao/reagendar/confirmar", methods=["GET", "POST"])
@referral_required
def confirm_reschedule(referral):
    chosen = ChooseTimeForm(request.args, meta={"csrf": False})
    if not chosen.validate():
        return redirect(url_for("citizen.reschedule"))
    candidates = times_for(referral, chosen.starts_at, referral.active_booking)
    form = BookingChangeForm()
    if form.validate_on_submit():
        # Whatever happened since the page was shown, the transition says it.
        booking = None
        try:
            booking = booking_named(referral, form.booking.data)
            transitions.reschedule(booking, candidates, now(), offer_window(), form.version.data)
        except transitions.TimeGone as error:
            tell_refusal(error, attempted="move")
            return redirect(url_for("citizen.reschedule"))
        except transitions.BookingError as error:
            tell_refusal(error, booking, attempted="move")
            return redirect(url_for(next_step(referral)))
        flash(_("Your booking was moved to the new time."), "success")
        return redirect(url_for("citizen.my_booking"))
    current = confirmed_booking(referral)
    if not candidates:
        tell_refusal(transitions.TimeGone(), attempted="move")
        return redirect(url_for("citizen.reschedule"))
    # The desk the rule would give now; confirming applies the rule again.
    new_slot = db.session.get(Slot, candidates[0])
    return render_template(
        "citizen/confirm_reschedule.html", booking=current, new_slot=new_slot, form=form
    )


@bp.route("/a-minha-marcacao/cancelar", methods=["GET", "POST"])
@referral_required
def cancel(referral):
    form = BookingChangeForm()
    if form.validate_on_submit():
        booking = None
        try:
            booking = booking_named(referral, form.booking.data)
            transitions.cancel(booking, now(), form.version.data)
        except transitions.CancelledMeanwhile as error:
            tell_refusal(error, booking, attempted="cancel")
            return redirect(url_for(next_step(referral)))
        except transitions.BookingError as error:
            tell_refusal(error, booking, attempted="cancel")
            return redirect(url_for("citizen.my_booking"))
        return redirect(url_for("citizen.cancelled"))
    booking = confirmed_booking(referral)
    return render_template("citizen/cancel.html", booking=booking, form=form)


@bp.route("/a-minha-marcacao/cancelada")
@referral_required
def cancelled(referral):
    booking = referral.latest_booking
    if booking is None or booking.status != "cancelled":
        abort(404)
    return render_template("citizen/cancelled.html", referral=referral, booking=booking)


@bp.route("/sessao/prolongar", methods=["POST"])
@referral_required
def keep_session(referral):
    """Stay signed in: any request renews the session, this one only says so."""
    if request.headers.get("X-Requested-With") == "fetch":
        return "", 204  # portal.js asked in the background: the page stays as it is
    return redirect(url_for(next_step(referral)))


@bp.route("/sair", methods=["POST"])
def leave():
    if ConfirmForm().validate_on_submit():
        sign_out()
        flash(_("You have signed out."), "success")
    return redirect(url_for("citizen.landing"))
