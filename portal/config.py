"""Settings: defaults in code, each key overridable by a ``PORTAL_``-prefixed variable.

``PORTAL_SQLALCHEMY_DATABASE_URI=postgresql+psycopg://…`` overrides
``SQLALCHEMY_DATABASE_URI``; values are parsed as JSON when they can be (so
``PORTAL_HOLD_MINUTES=20`` is an int). docs/settings.md lists every key.
"""

import math
import secrets
from collections import Counter
from datetime import timedelta
from pathlib import Path

from portal.malware import scan_turned_off

PACKAGE = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE.parent
MIN_SECRET_BITS = 128
MIN_HSTS_SECONDS = 365 * 24 * 3600
GENERATE_SECRET = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"

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
    # A code still unused this many days before it expires gets one reminder to book
    # (0: none).
    "REFERRAL_REMINDER_DAYS": 3,
    # Offered slots: from LEAD working days ahead, for HORIZON working days.
    "BOOKING_LEAD_WORKING_DAYS": 1,
    "BOOKING_HORIZON_WORKING_DAYS": 15,
    "BOOKING_DAYS_PER_PAGE": 10,
    # Seconds each web process keeps the times it offers (portal.scheduling.offer_cache);
    # forgotten at once when a booking changes in that process. 0: never kept.
    "OFFER_CACHE_SECONDS": 2,
    "HOLD_MINUTES": 15,
    "SLOT_GENERATION_WEEKS": 4,
    # Anti-guessing: MAX failures within WINDOW lock the code for LOCK.
    "SIGN_IN_MAX_FAILURES": 5,
    "SIGN_IN_WINDOW_MINUTES": 15,
    "SIGN_IN_LOCK_MINUTES": 15,
    # Staff sign-in: failures are counted per account (SIGN_IN_MAX_FAILURES) and, with
    # this higher limit (offices share an address), per source address.
    "STAFF_SIGN_IN_MAX_FAILURES_PER_ADDRESS": 30,
    # Citizens: wrong pairs per source address in the same window. Higher than per code:
    # people behind one carrier NAT or office share an address, and one person's typos
    # must not lock out the others; one machine trying many codes is still stopped.
    "SIGN_IN_MAX_FAILURES_PER_ADDRESS": 20,
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
    # Production sends Strict-Transport-Security with this max-age (at least a year).
    "HSTS_SECONDS": 31_536_000,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    # Staff passwords: werkzeug's scrypt (N=2¹⁵, r=8, p=1); ~0.25 s per check on purpose.
    "PASSWORD_HASH_METHOD": "scrypt:32768:8:1",
    # Staff sessions end after this much inactivity (minutes), measured by portal.clock.
    "STAFF_IDLE_MINUTES": 30,
    # Single sign-on with Microsoft Entra ID: shown only when all three are set.
    "ENTRA_TENANT_ID": None,
    "ENTRA_CLIENT_ID": None,
    "ENTRA_CLIENT_SECRET": None,
    # Lifetime of access tokens issued to integration clients (seconds).
    "API_TOKEN_SECONDS": 3600,
    # Token requests per minute, per client id and per address (then 429).
    "API_TOKEN_REQUESTS_PER_MINUTE": 10,
    # Documents: stored outside the web root (None: instance/documents).
    "DOCUMENTS_DIRECTORY": None,
    "DOCUMENT_MAX_FILE_BYTES": 10 * 1024 * 1024,
    "DOCUMENT_MAX_FILES": 10,
    "DOCUMENT_MAX_TOTAL_BYTES": 30 * 1024 * 1024,
    # Larger images are refused as decompression bombs (a 50-megapixel phone photo passes).
    "DOCUMENT_MAX_IMAGE_PIXELS": 60_000_000,
    # Memory the decoded pixels of one image may take: larger JPEGs are decoded at a
    # reduced scale, other images are refused (Pillow holds RGB as 4 bytes a pixel).
    "DOCUMENT_MAX_IMAGE_DECODED_BYTES": 64 * 1024 * 1024,
    # Uploads (sent or replaced files) per booking per minute; then a 429 page.
    "DOCUMENT_UPLOADS_PER_MINUTE": 10,
    "DOCUMENT_RETENTION_DAYS": 30,
    # Malware scanning of uploads by ClamAV's clamd: a unix socket, or host and port.
    # Production refuses to start without one unless MALWARE_SCAN is "off".
    "CLAMD_SOCKET": None,
    "CLAMD_HOST": None,
    "CLAMD_PORT": 3310,
    "CLAMD_TIMEOUT_SECONDS": 30,
    "MALWARE_SCAN": None,
    # Device check: network test requests per minute per booking, and bytes per transfer.
    "DEVICE_CHECK_REQUESTS_PER_MINUTE": 30,
    "DEVICE_CHECK_MAX_TRANSFER_BYTES": 2 * 1024 * 1024,
    # Device-check results (or declarations) a booking may save per minute.
    "DEVICE_CHECK_RESULTS_PER_MINUTE": 5,
    "PHONE_LINE_NUMBER": "300 502 502",
    "PHONE_LINE_NUMBER_ABROAD": "+351 210 545 400",
    # Absolute address of the portal, for links in e-mails, PDFs and calendar invites
    # (sent from the worker, outside any request). Production requires https. Unset
    # outside production: the address `flask run` serves on (portal.links).
    "PUBLIC_URL": None,
    # Teams meetings: "graph" (Microsoft Graph) or "local" (a development placeholder page).
    # None: "local" in development and testing, "graph" in production.
    "MEETING_PROVIDER": None,
    "GRAPH_TENANT_ID": None,
    "GRAPH_CLIENT_ID": None,
    "GRAPH_CLIENT_SECRET": None,
    "GRAPH_TOKEN_URL": "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
    "GRAPH_BASE_URL": "https://graph.microsoft.com/v1.0",
    "GRAPH_TIMEOUT_SECONDS": 10,
    # The worker never waits for Graph inside a pass: a meeting Graph could not
    # create, move or delete is tried again after this (or Graph's Retry-After),
    # doubling up to an hour; a wrong credential pauses all meetings this long.
    "MEETING_RETRY_SECONDS": 60,
    # Outgoing mail (SMTP). Unset server: development delivers to /dev/mail.
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_DEFAULT_SENDER": "Segurança Social <atendimento-remoto@localhost>",
    "MAIL_TIMEOUT_SECONDS": 30,
    # The outbox: attempts before a message is given up (and shown as failed),
    # first retry delay (doubling, capped), how long a worker owns a claimed row.
    "OUTBOX_MAX_ATTEMPTS": 8,
    "OUTBOX_RETRY_SECONDS": 60,
    "OUTBOX_MAX_RETRY_SECONDS": 3600,
    "OUTBOX_LEASE_SECONDS": 300,
    "OUTBOX_POLL_SECONDS": 10,
    # The worker renders PDFs in a child process replaced after this many (0: in
    # the worker itself), so its memory stays flat.
    "OUTBOX_RENDERS_PER_CHILD": 100,
    # /readyz and `flask doctor` fail when the oldest message due is older than this:
    # the workers are down or cannot keep up (seconds).
    "READINESS_OUTBOX_MAX_AGE_SECONDS": 900,
    # Reminder e-mail this many hours before the appointment.
    "REMINDER_HOURS": 24,
    # Where people write about the site's accessibility (shown in the accessibility statement).
    "ACCESSIBILITY_EMAIL": "acessibilidade@seg-social.pt",
    # The privacy notice (/privacidade): the data protection officer's address. None: the
    # notice sends people to the contacts in seg-social.pt's privacy policy instead.
    "DATA_PROTECTION_OFFICER_EMAIL": None,
    # Storage limitation (`flask purge-personal-data`, run daily): a case's NISS, NIPC,
    # e-mail, names, phone and notes are pseudonymised this many days after its session
    # (never booked: the code's expiry; cancelled: the cancellation); audit-log entries
    # are deleted after AUDIT_LOG_RETENTION_DAYS.
    "PERSONAL_DATA_RETENTION_DAYS": 365,
    "AUDIT_LOG_RETENTION_DAYS": 730,
    # An official logo (SVG or PNG) the organisation supplies, shown in the header instead
    # of the text lockup. None: text only (the portal ships no official emblem).
    "BRAND_LOGO_FILE": None,
    # /metrics answers only a scraper sending "Authorization: Bearer <this>"; unset: 404.
    "METRICS_TOKEN": None,
    # Log lines: "json" (one object a line), "text", or "none" (leave logging alone).
    # None: "text" in development, "json" otherwise.
    "LOG_FORMAT": None,
}
BRAND_LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}

MEETING_PROVIDERS = ("graph", "local")


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
    # Test each pooled connection before use: after a database restart the first
    # request of every worker would otherwise fail on a dead connection.
    engine_options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"] or {})
    engine_options.setdefault("pool_pre_ping", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'portal.sqlite3'}"
        )
    _ensure_secret_key(app, development)
    _choose_meeting_provider(app)
    _check_brand_logo(app)
    if app.config["ENVIRONMENT"] == "production":
        # Every problem at once, so one start tells the operator all there is to fix.
        problems = production_problems(app)
        if problems:
            raise ConfigurationError("Production cannot start:\n- " + "\n- ".join(problems))


def _ensure_secret_key(app, development):
    key = app.config.get("SECRET_KEY")
    if key and len(key) >= 32 and key not in {"dev", "changeme", "secret"}:
        return
    if not development:
        raise ConfigurationError(
            "PORTAL_SECRET_KEY must be set to a random value of at least 32 characters "
            f"(for example: {GENERATE_SECRET})."
        )
    # Development only: generate once and keep it in instance/ so sessions survive restarts.
    path = Path(app.instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    app.config["SECRET_KEY"] = path.read_text().strip()


def _check_brand_logo(app):
    logo = app.config["BRAND_LOGO_FILE"]
    if not logo:
        return
    path = Path(logo)
    if path.suffix.lower() not in BRAND_LOGO_TYPES or not path.is_file():
        raise ConfigurationError(
            f"PORTAL_BRAND_LOGO_FILE must name an existing .svg or .png file, not {logo!r}."
        )


def _choose_meeting_provider(app):
    """Development and tests default to the local placeholder; production to Graph.

    Production uses ``local`` only when PORTAL_MEETING_PROVIDER says so explicitly
    (a demonstration server), never by default.
    """
    provider = app.config["MEETING_PROVIDER"]
    if provider is None:
        provider = "graph" if app.config["ENVIRONMENT"] == "production" else "local"
    if provider not in MEETING_PROVIDERS:
        raise ConfigurationError(f"PORTAL_MEETING_PROVIDER must be one of {MEETING_PROVIDERS}.")
    app.config["MEETING_PROVIDER"] = provider


def production_problems(app) -> list[str]:
    """Every setting production refuses, each with what to do (``flask doctor`` too)."""
    return _production_service_problems(app) + _production_safety_problems(app)


def _production_service_problems(app) -> list[str]:
    config = app.config
    problems, missing = [], []
    if config["MEETING_PROVIDER"] == "graph":
        missing += [
            f"PORTAL_{key}"
            for key in ("GRAPH_TENANT_ID", "GRAPH_CLIENT_ID", "GRAPH_CLIENT_SECRET")
            if not config[key]
        ]
    if not config["MAIL_SERVER"]:
        missing.append("PORTAL_MAIL_SERVER")
    if not scan_turned_off(config) and not (config["CLAMD_SOCKET"] or config["CLAMD_HOST"]):
        missing.append(
            "PORTAL_CLAMD_SOCKET or PORTAL_CLAMD_HOST (a malware scanner; "
            "PORTAL_MALWARE_SCAN=off runs without one)"
        )
    if missing:
        problems.append(f"Production needs these settings: {', '.join(missing)}.")
    if not str(config["PUBLIC_URL"] or "").startswith("https://"):
        problems.append("PORTAL_PUBLIC_URL must be the portal's https:// address.")
    return problems


def estimated_entropy_bits(text: str) -> float:
    """Bits of entropy in ``text``, estimated from how often each character occurs.

    Length × Shannon entropy of the character frequencies: a repeated character
    ("aaaa…") has none, a short alphabet little; 48 random bytes in URL-safe
    base64 (64 characters) come out at about 350 bits.
    """
    counts = Counter(text)
    return sum(n * math.log2(len(text) / n) for n in counts.values())


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _production_safety_problems(app) -> list[str]:
    """Settings that would run production unsafely, each with what to do instead."""
    config = app.config
    problems = []
    bits = estimated_entropy_bits(config["SECRET_KEY"])
    if bits < MIN_SECRET_BITS:
        problems.append(
            f"PORTAL_SECRET_KEY is guessable (about {bits:.0f} bits of entropy; at least "
            f"{MIN_SECRET_BITS} needed): generate one with {GENERATE_SECRET}."
        )
    if not config["SESSION_COOKIE_SECURE"]:
        problems.append("PORTAL_SESSION_COOKIE_SECURE must stay true: cookies only over https.")
    if config["MAIL_PASSWORD"] and not (config["MAIL_USE_TLS"] or config["MAIL_USE_SSL"]):
        problems.append(
            "PORTAL_MAIL_PASSWORD would cross the network in clear: set PORTAL_MAIL_USE_TLS=true "
            "(STARTTLS, port 587) or PORTAL_MAIL_USE_SSL=true (port 465)."
        )
    documents = Path(config["DOCUMENTS_DIRECTORY"] or Path(app.instance_path) / "documents")
    documents = documents.resolve()
    static = Path(app.static_folder).resolve() if app.static_folder else None
    if _inside(documents, PACKAGE) or (static and _inside(documents, static)):
        problems.append(
            "PORTAL_DOCUMENTS_DIRECTORY must be outside the portal's package and its static/ "
            f"folder (now {documents})."
        )
    if int(config["HSTS_SECONDS"]) < MIN_HSTS_SECONDS:
        problems.append(f"PORTAL_HSTS_SECONDS must be at least {MIN_HSTS_SECONDS} (a year).")
    return problems
