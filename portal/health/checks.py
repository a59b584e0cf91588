"""One function per check; each answers a ``Check`` and never raises.

Readiness (``/readyz``) runs the cheap ones that say whether this instance can
serve now: the database, its schema at the newest migration, Redis when the
counters live there, and an outbox the workers keep up with. ``flask doctor``
adds what only matters before go-live or after a change of settings: the
production settings, SMTP, Graph, clamd and the documents folder.
"""

import smtplib
import ssl
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select, text

from portal.clock import now
from portal.config import PROJECT_ROOT, production_problems
from portal.extensions import db

# Short, so a dead service makes readiness fail quickly instead of hanging the probe.
PROBE_TIMEOUT_SECONDS = 3


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    # False when the check does not apply to these settings (shown, never a failure).
    applies: bool = True


def _failed(name: str, error: BaseException) -> Check:
    return Check(name, False, f"{type(error).__name__}: {error}".strip().splitlines()[0])


def database() -> Check:
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 — any failure is the answer
        return _failed("database", error)
    return Check("database", True, f"{db.engine.dialect.name} answers")


def migration_heads() -> set[str]:
    """The newest revisions in migrations/ (read once: they change only with a deploy)."""
    heads = current_app.extensions.get("migration_heads")
    if heads is None:
        from alembic.script import ScriptDirectory

        heads = set(ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_heads())
        current_app.extensions["migration_heads"] = heads
    return heads


def migrations() -> Check:
    from alembic.migration import MigrationContext

    try:
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except Exception as error:  # noqa: BLE001
        return _failed("migrations", error)
    heads = migration_heads()
    if current == heads:
        return Check("migrations", True, f"at head {', '.join(sorted(heads))}")
    shown = ", ".join(sorted(current)) or "none"
    return Check(
        "migrations",
        False,
        f"database at {shown}, code expects {', '.join(sorted(heads))}: "
        "run flask --app portal db upgrade",
    )


def redis() -> Check:
    url = current_app.config["RATELIMIT_REDIS_URL"]
    if not url:
        return Check("redis", True, "not configured (counters in the database)", applies=False)
    import redis as redis_client

    try:
        client = redis_client.Redis.from_url(
            url,
            socket_connect_timeout=PROBE_TIMEOUT_SECONDS,
            socket_timeout=PROBE_TIMEOUT_SECONDS,
        )
        try:
            client.ping()
        finally:
            client.close()
    except Exception as error:  # noqa: BLE001
        return _failed("redis", error)
    return Check("redis", True, "answers PING")


def outbox() -> Check:
    """The oldest message that is due must be younger than the threshold: an older
    one means no worker is running, or they cannot keep up."""
    from portal.outbox.models import MessageStatus, OutboxMessage

    limit = timedelta(seconds=int(current_app.config["READINESS_OUTBOX_MAX_AGE_SECONDS"]))
    moment = now()
    try:
        with db.engine.connect() as connection:
            oldest = connection.scalar(
                select(func.min(OutboxMessage.due_at)).where(
                    OutboxMessage.status == MessageStatus.PENDING,
                    OutboxMessage.due_at <= moment,
                )
            )
    except Exception as error:  # noqa: BLE001
        return _failed("outbox", error)
    if oldest is None:
        return Check("outbox", True, "nothing waiting")
    age = moment - oldest
    seconds = int(age.total_seconds())
    if age > limit:
        return Check(
            "outbox",
            False,
            f"oldest due message waited {seconds} s (limit {int(limit.total_seconds())} s): "
            "are the outbox workers running?",
        )
    return Check("outbox", True, f"oldest due message waited {seconds} s")


def readiness() -> list[Check]:
    first = database()
    if not first.ok:
        # Without a database the other checks would only repeat its error.
        skipped = [Check(name, False, "not checked: no database") for name in ("migrations",)]
        return [first, *skipped, redis(), Check("outbox", False, "not checked: no database")]
    return [first, migrations(), redis(), outbox()]


# Before go-live (``flask doctor``) -----------------------------------------------


def settings() -> Check:
    problems = production_problems(current_app)
    if problems:
        return Check("settings", False, " ".join(problems))
    return Check("settings", True, "production accepts them")


def smtp() -> Check:
    config = current_app.config
    host, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
    if not host:
        return Check("smtp", False, "PORTAL_MAIL_SERVER is not set")
    steps = []
    timeout = float(config["MAIL_TIMEOUT_SECONDS"])
    try:
        if config["MAIL_USE_SSL"]:
            context = ssl.create_default_context()
            connection = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
            steps.append("TLS")
        else:
            connection = smtplib.SMTP(host, port, timeout=timeout)
        with connection:
            code, answer = connection.ehlo()
            if code != 250:
                raise smtplib.SMTPResponseException(code, answer)
            steps.append("EHLO")
            if config["MAIL_USE_TLS"]:
                connection.starttls(context=ssl.create_default_context())
                connection.ehlo()
                steps.append("STARTTLS")
            if config["MAIL_USERNAME"]:
                connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
                steps.append("login")
    except (smtplib.SMTPException, OSError) as error:
        done = f" after {', '.join(steps)}" if steps else ""
        return Check("smtp", False, f"{host}:{port}{done}: {type(error).__name__}: {error}")
    return Check("smtp", True, f"{host}:{port}: {', '.join(steps)} ok")


def graph() -> Check:
    if current_app.config["MEETING_PROVIDER"] != "graph":
        return Check("graph", True, "not used (local meeting provider)", applies=False)
    from portal.meetings.graph import GraphProvider

    try:
        GraphProvider.from_config(current_app.config).session.fetch_token()
    except Exception as error:  # noqa: BLE001 — Authlib, requests: any refusal
        return _failed("graph", error)
    return Check("graph", True, "token granted")


def clamd() -> Check:
    from portal.malware import scanner_for

    scanner = scanner_for(current_app.config)
    if scanner is None:
        return Check("clamd", True, "not configured", applies=False)
    try:
        answered = scanner.ping()
    except Exception as error:  # noqa: BLE001
        return _failed("clamd", error)
    if not answered:
        return Check("clamd", False, f"{scanner.address} did not answer PING")
    return Check("clamd", True, f"{scanner.address} answers PING")


def documents_folder() -> Check:
    from portal.config import ConfigurationError
    from portal.documents.storage import directory

    folder = Path(current_app.config["DOCUMENTS_DIRECTORY"] or "instance/documents")
    try:
        folder = directory()  # creates it, owner-only, as the first upload would
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
    except (OSError, ConfigurationError) as error:
        return Check("documents", False, f"{folder} is not writable: {error}")
    return Check("documents", True, f"{folder} is writable")


def go_live() -> list[Check]:
    return [
        settings(),
        *readiness(),
        smtp(),
        graph(),
        clamd(),
        documents_folder(),
    ]
