"""The device check page, its results, the no-JavaScript declaration and the network test."""

import os
from functools import wraps

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from portal.citizen import bp
from portal.citizen.device_texts import CHECK_LABELS, OUTCOME_LABELS, script_texts
from portal.citizen.journey import (
    preparing_booking,
    preparing_booking_required,
    signed_in_referral,
)
from portal.citizen.preparation_forms import DeclarationForm
from portal.clock import now
from portal.device_check import results
from portal.device_check.browsers import browser_from_user_agent, support
from portal.request_limits import body_limit
from portal.security import MEDIA_PERMISSIONS

NO_STORE = {"Cache-Control": "no-store"}


def booking_required_or_403(view):
    """For the script's requests: no redirects, just refuse without a booking in preparation."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        referral = signed_in_referral()
        booking = preparing_booking(referral) if referral else None
        if booking is None:
            abort(403)
        return view(referral, booking, *args, **kwargs)

    return wrapper


def _browser():
    return browser_from_user_agent(request.headers.get("User-Agent"))


def _script_config(booking) -> dict:
    browser = _browser()
    config = current_app.config
    return {
        "texts": script_texts(browser.family),
        "browser": {
            "family": browser.family,
            "platform": browser.platform,
            "outcome": support(browser),
        },
        "thresholds": {
            "good_kbps": results.GOOD_KBPS,
            "failing_kbps": results.FAILING_KBPS,
            "good_latency_ms": results.GOOD_LATENCY_MS,
        },
        "transfer_bytes": min(1024 * 1024, config["DEVICE_CHECK_MAX_TRANSFER_BYTES"]),
        "urls": {
            "echo": url_for("citizen.network_echo"),
            "download": url_for("citizen.network_download"),
            "upload": url_for("citizen.network_upload"),
            "results": url_for("citizen.device_check_results"),
        },
    }


def _render(referral, booking, form, status=200):
    page = render_template(
        "citizen/device_check.html",
        referral=referral,
        booking=booking,
        form=form,
        latest=results.latest_check(referral),
        script_config=_script_config(booking),
        check_labels=CHECK_LABELS,
        outcome_labels=OUTCOME_LABELS,
    )
    # The one page that may use the camera and microphone (its script tests them).
    return page, status, {"Permissions-Policy": MEDIA_PERMISSIONS}


@bp.route("/verificar-equipamento")
@preparing_booking_required
def device_check(referral, booking):
    return _render(referral, booking, DeclarationForm(formdata=None))


def _results_allowed(referral) -> bool:
    """Results (from the script or the declaration) are kept: a few a minute per booking."""
    limiter = current_app.extensions["rate_limiter"]
    limit = current_app.config["DEVICE_CHECK_RESULTS_PER_MINUTE"]
    return limiter.allow("device-check-results", str(referral.id), limit, now())


@bp.route("/verificar-equipamento/declaracao", methods=["POST"])
@preparing_booking_required
def device_declaration(referral, booking):
    if not _results_allowed(referral):
        abort(429)
    form = DeclarationForm()
    if not form.validate_on_submit():
        return _render(referral, booking, form)
    answers = {name: getattr(form, name).data for name in results.DECLARED}
    results.record_declaration(referral, booking, answers, _browser(), now())
    flash(_("Thank you. Your answers were saved for the desk."), "success")
    return redirect(url_for("citizen.device_check"))


@bp.route("/verificar-equipamento/resultados", methods=["POST"])
@booking_required_or_403
def device_check_results(referral, booking):
    if not _results_allowed(referral):
        return jsonify(error="too many results"), 429, {"Retry-After": "60"}
    try:
        values = results.parse_results(request.get_json(silent=True))
    except results.InvalidResult as invalid:
        return jsonify(error=str(invalid)), 400
    check = results.record_check(referral, booking, values, _browser(), now())
    return jsonify(saved=True, id=check.id, network=check.network, browser=check.browser), 201


def _network_allowed(referral) -> None:
    """Only people preparing a booking, a few requests a minute: no free bandwidth."""
    limiter = current_app.extensions["rate_limiter"]
    limit = current_app.config["DEVICE_CHECK_REQUESTS_PER_MINUTE"]
    allowed = limiter.allow("device-check", str(referral.id), limit, now())
    if not allowed:
        abort(429)


@bp.route("/verificar-equipamento/rede/eco")
@booking_required_or_403
def network_echo(referral, booking):
    _network_allowed(referral)
    return "", 204, NO_STORE


@bp.route("/verificar-equipamento/rede/descarga")
@booking_required_or_403
def network_download(referral, booking):
    _network_allowed(referral)
    cap = current_app.config["DEVICE_CHECK_MAX_TRANSFER_BYTES"]
    size = max(0, min(request.args.get("bytes", cap, type=int), cap))
    # Random bytes: nothing on the way can compress them and flatter the figure.
    headers = dict(NO_STORE, **{"Content-Type": "application/octet-stream"})
    return os.urandom(size), 200, headers


@bp.route("/verificar-equipamento/rede/envio", methods=["POST"])
@body_limit(lambda config: config["DEVICE_CHECK_MAX_TRANSFER_BYTES"])
@booking_required_or_403
def network_upload(referral, booking):
    _network_allowed(referral)
    received = 0
    while chunk := request.stream.read(64 * 1024):
        received += len(chunk)  # read and dropped: only the time it takes matters
    return jsonify(received=received), 200, NO_STORE
