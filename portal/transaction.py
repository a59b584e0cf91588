"""One transaction per request: the boundary commits, views and operations never do.

As Indico's ``RH.process``: a request that ends in success (a status below 400)
commits once, after the view and before the response leaves, so a commit that
fails becomes an error page (503 when the database is unavailable) and never a
false "done". Any other ending — an error page, an exception — rolls back
everything the request wrote.

Operations add and flush; when one of several steps fails the operation undoes
its own steps (a savepoint, ``db.session.begin_nested()``), so the view can show
the error and the rest of the request still commits.

The one exception is stated here, in ``counter_transaction``: counts that must
stand whatever the request does next (sign-in attempts, per-minute counters)
are written in a short transaction of their own. Commands and the outbox
worker are boundaries of their own and commit themselves.
"""

from contextlib import contextmanager

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


@contextmanager
def counter_transaction():
    """A short transaction of its own for throttling counters; yields a connection.

    Only for counters (``portal.throttling``): a counted attempt must stand even
    if the request then fails, and a counter's row lock must not be held while
    the rest of the request runs.

    On PostgreSQL it uses a connection of its own, so the request's transaction
    is untouched. SQLite has one writer at a time, and a request's transaction
    takes the write lock with its first statement (BEGIN IMMEDIATE,
    ``database.tune_sqlite``): a second connection would wait for this very
    request. There the counter is written on the request's own connection and
    committed at once, together with anything the request wrote before it —
    so callers count before they write anything else.
    """
    if db.engine.dialect.name != "sqlite":
        with db.engine.begin() as connection:
            yield connection
        return
    db.session.commit()
    try:
        yield db.session.connection()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def init_app(app: Flask) -> None:
    app.after_request(commit_or_roll_back)
