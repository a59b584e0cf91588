"""Segurança Social remote attendance portal."""

import os
import sys

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import (
    assets,
    errors,
    i18n,
    links,
    malware,
    observability,
    request_limits,
    security,
    transaction,
)
from portal.config import PROJECT_ROOT, load_config
from portal.database import render_migration_type, tune_sqlite
from portal.extensions import babel, csrf, db
from portal.request_limits import PortalRequest
from portal.scheduling import offer_cache


def init_migrations(app: Flask) -> None:
    """Flask-Migrate (``flask db …`` and its functions); create_app calls it when needed."""
    from flask_migrate import Migrate

    Migrate().init_app(
        app,
        db,
        directory=str(PROJECT_ROOT / "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_migration_type,
    )


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.request_class = PortalRequest
    load_config(app, overrides)
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        # The port too: behind nginx on another port than 443 (the rehearsal), the
        # CSRF referrer check compares it.
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count
        )

    from portal import models  # noqa: F401  (register every table)

    observability.init_app(app)
    db.init_app(app)
    # Registered first, so it runs after every other after_request hook.
    transaction.init_app(app)
    with app.app_context():
        tune_sqlite(db.engine)
    if os.environ.get("FLASK_RUN_FROM_CLI") or "flask_migrate" in sys.modules:
        # `flask db …` (the flask command sets FLASK_RUN_FROM_CLI before loading the
        # app), or a program that uses Flask-Migrate: web workers skip Alembic's memory.
        init_migrations(app)
    request_limits.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    links.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    malware.init_app(app)
    assets.init_app(app)
    offer_cache.init_app(app)

    from portal.throttling.rate import rate_limiter_for
    from portal.throttling.service import throttle_for

    app.extensions["throttle"] = throttle_for(app.config)
    app.extensions["rate_limiter"] = rate_limiter_for(app.config)

    from portal.api import bp as api_bp
    from portal.api import oauth
    from portal.booking.labels import status_label
    from portal.citizen import bp as citizen_bp
    from portal.health import bp as health_bp
    from portal.referrals.companies import display_phone
    from portal.referrals.labels import MANDATE_DOCUMENT, capacity_label, referral_state_label
    from portal.staff import bp as staff_bp
    from portal.staff import navigation
    from portal.staff.agenda_columns import register_columns

    app.jinja_env.globals.update(
        booking_status_label=status_label,
        capacity_label=capacity_label,
        display_phone=display_phone,
        mandate_document=MANDATE_DOCUMENT,
        referral_state_label=referral_state_label,
    )

    from portal.waiting_list import bp as waiting_list_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(citizen_bp)
    app.register_blueprint(waiting_list_bp)
    app.register_blueprint(staff_bp)
    register_columns()
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)  # bearer tokens and client credentials, never cookies
    oauth.init_app(app)
    navigation.init_app(app)

    from portal.dev import bp as dev_bp
    from portal.dev import worker as dev_worker

    app.register_blueprint(dev_bp)
    dev_worker.init_app(app)

    from portal.commands import register_commands

    register_commands(app)
    return app
