"""Settings: defaults in code, each key overridable by a ``PORTAL_``-prefixed variable.

``PORTAL_SQLALCHEMY_DATABASE_URI=postgresql+psycopg://…`` overrides
``SQLALCHEMY_DATABASE_URI``; values are parsed as JSON when they can be (so
``PORTAL_HOLD_MINUTES=20`` is an int). The README lists every key.
"""

import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS = {
    # "production" or "development"; production is the default so that a
    # forgotten setting never exposes development conveniences.
    "ENVIRONMENT": "production",
    "SECRET_KEY": None,
    "SQLALCHEMY_DATABASE_URI": None,  # None: SQLite file in the instance folder
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    # Languages: Portuguese (Portugal) first.
    "BABEL_DEFAULT_LOCALE": "pt_PT",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Lisbon",
    # Flask-Babel joins relative paths to portal/, so point at the top-level folder.
    "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
    "LANGUAGES": ["pt_PT", "en"],
    "LANGUAGE_COOKIE": "lang",
    # Reference codes issued by the phone line.
    "REFERRAL_VALID_DAYS": 10,
    # Offered slots: from LEAD working days ahead, for HORIZON working days.
    "BOOKING_LEAD_WORKING_DAYS": 1,
    "BOOKING_HORIZON_WORKING_DAYS": 15,
    "BOOKING_DAYS_PER_PAGE": 5,
    "HOLD_MINUTES": 15,
    "SLOT_GENERATION_WEEKS": 4,
    # Anti-guessing: MAX failures within WINDOW lock the code (and the address) for LOCK.
    "SIGN_IN_MAX_FAILURES": 5,
    "SIGN_IN_WINDOW_MINUTES": 15,
    "SIGN_IN_LOCK_MINUTES": 15,
    # Counters live in the database unless a Redis URL is given (shared by all workers).
    "RATELIMIT_REDIS_URL": None,
    # Number of reverse proxies in front of the app whose X-Forwarded-For to trust.
    "PROXY_COUNT": 0,
    # Citizen sessions end after this much inactivity.
    "PERMANENT_SESSION_LIFETIME": timedelta(minutes=30),
    "SESSION_COOKIE_NAME": "portal_session",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "PHONE_LINE_NUMBER": "300 502 502",
    "PHONE_LINE_NUMBER_ABROAD": "+351 210 545 400",
    # Where people write about the site's accessibility (shown in the accessibility statement).
    "ACCESSIBILITY_EMAIL": "acessibilidade@seg-social.pt",
}


class ConfigurationError(RuntimeError):
    """The settings cannot run the portal safely."""


def load_config(app, overrides=None):
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("PORTAL")
    if overrides:
        app.config.from_mapping(overrides)
    minutes = app.config["PERMANENT_SESSION_LIFETIME"]
    if isinstance(minutes, int):  # set from the environment, in seconds like Flask
        app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=minutes)
    development = app.config["ENVIRONMENT"] == "development"
    if development:
        # Plain http://127.0.0.1 must keep the session cookie.
        app.config.setdefault("SESSION_COOKIE_SECURE", False)
        if not (overrides and "SESSION_COOKIE_SECURE" in overrides):
            app.config["SESSION_COOKIE_SECURE"] = False
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'portal.sqlite3'}"
        )
    _ensure_secret_key(app, development)


def _ensure_secret_key(app, development):
    key = app.config.get("SECRET_KEY")
    if key and len(key) >= 32 and key not in {"dev", "changeme", "secret"}:
        return
    if not development:
        raise ConfigurationError(
            "PORTAL_SECRET_KEY must be set to a random value of at least 32 characters "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    # Development only: generate once and keep it in instance/ so sessions survive restarts.
    path = Path(app.instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    app.config["SECRET_KEY"] = path.read_text().strip()
