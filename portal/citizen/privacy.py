"""The privacy notice RGPD article 13 requires where data is collected: /privacidade.

Every period it states is read from the settings that enforce it, so the notice
cannot drift from what the portal does.
"""

from datetime import date

from flask import current_app, redirect, render_template, url_for

from portal.citizen import bp
from portal.citizen.accessibility import ENTITY
from portal.i18n import LANGUAGE_COOKIE_DAYS

# When the text of the notice last changed (not the settings it quotes).
NOTICE_DATE = date(2026, 12, 2)
# Where the notice sends people for the DPO when PORTAL_DATA_PROTECTION_OFFICER_EMAIL is
# unset, and where to complain.
SEG_SOCIAL_PRIVACY_POLICY = "https://www.seg-social.pt/pt/politica-de-privacidade"
CNPD = "https://www.cnpd.pt/"


def _minutes(value) -> int:
    return int(value.total_seconds() // 60)


@bp.route("/privacidade")
def privacy_notice():
    config = current_app.config
    return render_template(
        "citizen/privacy.html",
        entity=ENTITY,
        updated=NOTICE_DATE,
        dpo_email=config["DATA_PROTECTION_OFFICER_EMAIL"],
        seg_social_policy=SEG_SOCIAL_PRIVACY_POLICY,
        cnpd=CNPD,
        code_days=config["REFERRAL_VALID_DAYS"],
        document_days=config["DOCUMENT_RETENTION_DAYS"],
        personal_days=config["PERSONAL_DATA_RETENTION_DAYS"],
        audit_days=config["AUDIT_LOG_RETENTION_DAYS"],
        sign_in_window=config["SIGN_IN_WINDOW_MINUTES"],
        sign_in_lock=config["SIGN_IN_LOCK_MINUTES"],
        session_minutes=_minutes(current_app.permanent_session_lifetime),
        staff_minutes=config["STAFF_IDLE_MINUTES"],
        session_cookie=config["SESSION_COOKIE_NAME"],
        language_cookie=config["LANGUAGE_COOKIE"],
        language_days=LANGUAGE_COOKIE_DAYS,
    )


@bp.route("/privacy")
def privacy_notice_in_english():
    return redirect(url_for("citizen.privacy_notice", lang="en"), 301)
