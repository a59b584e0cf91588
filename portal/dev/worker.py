"""Development only: deliver the outbox from a background thread of the dev server,
so a newcomer sees mail in /dev/mail without running a second terminal.

The outbox stays the source of truth (rows are committed before this thread
sees them); in production `flask outbox deliver --loop` runs as its own process.
"""

import os
import threading
import time

from portal.extensions import db

POLL_SECONDS = 2


def _loop(app) -> None:
    app.logger.warning(
        "DEVELOPMENT ONLY: delivering the outbox every %s s in a background thread "
        "(mail goes to /dev/mail unless PORTAL_MAIL_SERVER is set)",
        POLL_SECONDS,
    )
    from portal.outbox.worker import run_once

    while True:
        with app.app_context():
            try:
                run_once()
            except Exception:  # noqa: BLE001 — keep the dev server's helper alive
                app.logger.exception("Development outbox pass failed")
            finally:
                db.session.remove()
        time.sleep(POLL_SECONDS)


def init_app(app) -> None:
    """Start the thread with the first request served by ``flask run`` in development.

    Other commands serve no request, and tests or gunicorn are not ``flask run``.
    """
    if app.config["ENVIRONMENT"] != "development":
        return
    lock = threading.Lock()
    state = {"started": False}

    def start_worker():
        if state["started"] or os.environ.get("FLASK_RUN_FROM_CLI") != "true":
            return
        with lock:
            if not state["started"]:
                threading.Thread(target=_loop, args=(app,), name="dev-outbox", daemon=True).start()
                state["started"] = True

    app.before_request(start_worker)
