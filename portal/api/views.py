"""POST /api/v1/referrals, and the token endpoint that guards it."""

from flask import current_app, jsonify, request

from portal.api import bp
from portal.api.oauth import authorization, require_oauth
from portal.api.payloads import PayloadError, operation_messages, referral_request
from portal.audit.log import record
from portal.audit.models import AuditAction
from portal.clock import now
from portal.integrations.operations import REFERRALS_WRITE
from portal.referrals.operations import InvalidReferral, issue_referral
from portal.scheduling.offers import earliest_offered, offer_window

# Whatever went wrong with the client's credentials (no such client id, wrong secret,
# none given, a method it may not use), the answer is the same (RFC 6749, 5.2).
INVALID_CLIENT = {"error": "invalid_client", "error_description": "Client authentication failed."}
SLOW_DOWN = {"error": "slow_down", "error_description": "Too many token requests."}


def _token_requests_allowed() -> bool:
    """A few token requests a minute per client id and per address (tokens last an hour)."""
    limiter = current_app.extensions["rate_limiter"]
    limit = current_app.config["API_TOKEN_REQUESTS_PER_MINUTE"]
    credentials = request.authorization
    client_id = (credentials.username if credentials else None) or request.form.get("client_id")
    moment = now()
    by_address = limiter.allow("token-address", request.remote_addr or "", limit, moment)
    by_client = limiter.allow("token-client", (client_id or "")[:100], limit, moment)
    return by_address and by_client


@bp.route("/oauth/token", methods=["POST"])
def issue_token():
    if not _token_requests_allowed():
        return jsonify(SLOW_DOWN), 429, {"Retry-After": "60", "Cache-Control": "no-store"}
    response = authorization.create_token_response()
    error = (response.get_json(silent=True) or {}).get("error")
    if response.status_code in (400, 401) and error == "invalid_client":
        headers = {
            "WWW-Authenticate": 'Basic error="invalid_client"',
            "Cache-Control": "no-store",
            "Pragma": "no-cache",
        }
        return jsonify(INVALID_CLIENT), 401, headers
    return response


def _invalid(errors: dict[str, str]):
    return jsonify(error="invalid_request", errors=errors), 400


@bp.route("/api/v1/referrals", methods=["POST"])
@require_oauth(REFERRALS_WRITE)
def create_referral():
    from authlib.integrations.flask_oauth2 import current_token

    try:
        referral_data = referral_request(request.get_json(silent=True))
        referral = issue_referral(referral_data, now(), current_app.config["REFERRAL_VALID_DAYS"])
    except PayloadError as error:
        return _invalid(error.errors)
    except InvalidReferral as error:
        return _invalid(operation_messages(error.errors))
    earliest = earliest_offered(referral.subject, referral.audience, offer_window(), now())
    record(
        now(),
        AuditAction.CHANGED,
        "referral",
        referral.id,
        "issued-by-api",
        client_name=current_token.client.name,
    )
    return jsonify(_as_json(referral, earliest)), 201


def _as_json(referral, earliest) -> dict:
    return {
        "id": referral.id,
        "code": referral.display_code,
        "subject": referral.subject.code,
        "audience": str(referral.audience),
        "language": referral.language,
        "expires_at": referral.expires_at.isoformat(),
        "earliest_slot": (
            {
                "starts_at": earliest.starts_at.isoformat(),
                "desk": earliest.desk_name,
                "district_centre": earliest.centre_name,
            }
            if earliest
            else None
        ),
    }
