"""Joining and leaving the waiting list: from the journey's pages, or the e-mail's link."""

from types import SimpleNamespace

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal.citizen.forms import ConfirmForm
from portal.citizen.journey import next_step, referral_required, signed_in_referral
from portal.clock import now
from portal.i18n import day_heading
from portal.scheduling.calendar import to_lisbon
from portal.waiting_list import bp, services
from portal.waiting_list.forms import INVALID_DATE, WISH_ERRORS, JoinForm
from portal.waiting_list.models import Wish


@bp.app_template_global()
def waiting_list_status():
    """For the partial templates: the signed-in person's wish and entry, or None."""
    referral = signed_in_referral()
    if referral is None:
        return None
    moment = now()
    return SimpleNamespace(
        wish=services.wish_for(referral, moment), entry=services.open_entry(referral)
    )


@bp.route("", methods=["GET", "POST"])
@referral_required
def join(referral):
    moment = now()
    entry = services.open_entry(referral)
    wish = services.wish_for(referral, moment)
    if entry is None and wish is None:
        return redirect(url_for(next_step(referral)))
    form = JoinForm()
    if entry is None and form.validate_on_submit():
        try:
            services.join(referral, form.before.data, moment)
        except services.InvalidWish as error:
            message = WISH_ERRORS.get(error.reason)
            if message is None:
                return redirect(url_for(next_step(referral)))
            expiry = day_heading(to_lisbon(referral.expires_at).date())
            form.before.errors.append(str(message) % {"date": expiry})
        else:
            flash(
                _("You are on the waiting list. We will write to you when a time is free."),
                "success",
            )
            return redirect(url_for("waiting_list.join"))
    if form.before.raw_data and form.before.errors and form.before.data is None:
        form.before.errors[:] = [INVALID_DATE]  # WTForms' own message is not translated
    return render_template(
        "waiting_list/join.html",
        referral=referral,
        entry=entry,
        earlier=(entry.wish if entry else wish) == Wish.EARLIER,
        form=form,
        page_errors=form.errors,
    )


@bp.route("/sair", methods=["POST"])
@referral_required
def leave(referral):
    if ConfirmForm().validate_on_submit():
        services.leave(services.open_entry(referral), now())
        flash(_("You have left the waiting list."), "success")
    return redirect(url_for(next_step(referral)))


@bp.route("/sair/<token>", methods=["GET", "POST"])
def leave_by_link(token):
    """From the offer e-mail: GET asks, POST leaves (a link scanner changes nothing)."""
    entry = services.entry_from_token(token)
    if entry is None:
        return render_template("waiting_list/link_invalid.html"), 404
    form = ConfirmForm()
    if form.validate_on_submit():
        services.leave(entry, now())
        return render_template("waiting_list/left.html")
    if not entry.is_open:
        return render_template("waiting_list/left.html")
    return render_template("waiting_list/leave.html", form=form)
