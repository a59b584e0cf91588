"""About the site itself: contacts, the favicon and the organisation's logo."""

from pathlib import Path

from flask import abort, current_app, redirect, render_template, send_file, url_for

from portal.citizen import bp
from portal.citizen.privacy import SEG_SOCIAL_PRIVACY_POLICY
from portal.config import BRAND_LOGO_TYPES

SEG_SOCIAL = "https://www.seg-social.pt/"
# The logo is the organisation's file, fetched on every page: let browsers keep it a day.
LOGO_MAX_AGE = 24 * 3600
# An SVG opened on its own must not run anything in the portal's origin.
LOGO_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@bp.route("/contactos")
def contacts():
    config = current_app.config
    return render_template(
        "citizen/contacts.html",
        accessibility_email=config["ACCESSIBILITY_EMAIL"],
        dpo_email=config["DATA_PROTECTION_OFFICER_EMAIL"],
        seg_social_policy=SEG_SOCIAL_PRIVACY_POLICY,
    )


@bp.route("/contacts")
def contacts_in_english():
    return redirect(url_for("citizen.contacts", lang="en"), 301)


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says."""
    return current_app.send_static_file("favicon.ico")


@bp.route("/marca/logotipo")
def brand_logo():
    """The official logo named by PORTAL_BRAND_LOGO_FILE (checked at start-up)."""
    logo = current_app.config["BRAND_LOGO_FILE"]
    if not logo:
        abort(404)
    path = Path(logo)
    response = send_file(path, mimetype=BRAND_LOGO_TYPES[path.suffix.lower()], max_age=LOGO_MAX_AGE)
    # An SVG opened on its own must not run anything in the portal's origin.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    )
    return response


@bp.app_context_processor
def site_links() -> dict:
    return {
        "seg_social_url": SEG_SOCIAL,
        "brand_logo": bool(current_app.config["BRAND_LOGO_FILE"]),
    }
