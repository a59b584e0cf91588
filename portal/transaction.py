"""One transaction per request: the boundary commits, views and operations never do.

As Indico's ``RH.process``: a request that ends in success (a status below 400)
commits once, after the view and before the response leaves, so a commit that
fails becomes an error page and never a false "done". Any other ending — an
error page, an exception — rolls back everything the request wrote.

Operations add and flush; when one of several steps fails the operation undoes
its own steps (a savepoint, ``db.session.begin_nested()``), so the view can show
the error and the rest of the request still commits.

The one exception is stated here, in ``commit_early``: counts that must stand
whatever the request does next (failed sign-ins, per-minute counters).
Commands and the outbox worker are boundaries of their own and commit
themselves.
"""

from flask import Flask, Response, current_app

from portal.extensions import db


def commit_or_roll_back(response: Response) -> Response:
    """Commit a success. A commit that fails raises: the error handlers answer it
    (503 when the database is unavailable), never a false "done"."""
    if response.status_code < 400:
        db.session.commit()
    else:
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 — a dead connection: the pool replaces it
            current_app.logger.warning("Rollback failed", exc_info=True)
    return response


def commit_early() -> None:
    """Commit what the request has written so far, now.

    Only for throttling counters: a failed sign-in or a counted request must
    count even if the request then fails, and the counter's row lock must not
    be held while the rest of the request runs. Callers write nothing else
    before it.
    """
    db.session.commit()


def init_app(app: Flask) -> None:
    app.after_request(commit_or_roll_back)
