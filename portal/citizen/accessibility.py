"""The accessibility statement that Decreto-Lei 83/2018 requires at /acessibilidade."""

from datetime import date

from flask import current_app, redirect, render_template, url_for

from portal.citizen import bp

# The public body that answers for the site (a proper name: never translated).
ENTITY = "Instituto da Segurança Social, I.P."
# The evaluation this statement reports. Re-run the browser suite
# (tests/browser/test_accessibility.py), review the limitations in the template,
# then update these three values together.
STATEMENT_DATE = date(2026, 12, 2)
EVALUATED_PAGES = 90
AUTOMATIC_TOOL = (
    "axe-core 4.12 (Deque Systems), Chromium, Playwright; Nu Html Checker 26.9.27 (W3C)"
)


@bp.route("/acessibilidade")
def accessibility_statement():
    return render_template(
        "citizen/accessibility.html",
        entity=ENTITY,
        statement_date=STATEMENT_DATE,
        evaluated_pages=EVALUATED_PAGES,
        automatic_tool=AUTOMATIC_TOOL,
        site_url=url_for("citizen.landing", _external=True),
        contact_email=current_app.config["ACCESSIBILITY_EMAIL"],
        session_minutes=int(current_app.permanent_session_lifetime.total_seconds() // 60),
    )


@bp.route("/accessibility")
def accessibility_statement_in_english():
    return redirect(url_for("citizen.accessibility_statement", lang="en"), 301)
