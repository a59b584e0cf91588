"""``flask outbox …``: the mail worker and a look at what is stuck."""

import time

import click
from flask import current_app
from flask.cli import AppGroup

from portal.clock import now
from portal.errors import DATABASE_ERRORS
from portal.extensions import db
from portal.meetings.cli import provider_problem
from portal.outbox import queue
from portal.outbox.models import MessageStatus, OutboxMessage
from portal.outbox.worker import run_once

outbox_cli = AppGroup("outbox", help="E-mail outbox: deliver, inspect, retry.")


@outbox_cli.command("deliver")
@click.option("--loop", is_flag=True, help="Keep running as a worker (Ctrl+C to stop).")
def deliver(loop: bool) -> None:
    """Bring meetings up to date and send the messages that are due."""
    while True:
        try:
            report = run_once()
        except DATABASE_ERRORS as error:
            if not loop:
                raise
            # The database is down or restarting: wait and try again, never exit.
            current_app.logger.error("outbox: database unavailable: %s", error)
            report = None
        finally:
            db.session.remove()
        if not loop:
            click.echo(str(report))
            return
        if report is not None and report.busy:
            current_app.logger.info("outbox: %s", report)
        time.sleep(current_app.config["OUTBOX_POLL_SECONDS"])


@outbox_cli.command("list")
@click.option("--failed", is_flag=True, help="Only messages given up after the last attempt.")
@click.option("--pending", is_flag=True, help="Only messages still to be sent.")
def list_messages(failed: bool, pending: bool) -> None:
    """Show recent messages with their status, attempts and last error."""
    status = MessageStatus.FAILED if failed else MessageStatus.PENDING if pending else None
    problem = provider_problem()
    if problem:
        click.echo(problem)
    rows = queue.messages(status)
    if not rows:
        click.echo("No messages.")
    for message in rows:
        click.echo(
            f"{message.id}\t{message.status}\t{message.kind}\t{_about(message)}\t"
            f"{message.recipient}\tattempts {message.attempts}\t"
            f"due {message.due_at:%Y-%m-%d %H:%M}Z"
            + (f"\t{message.last_error}" if message.last_error else "")
        )


@outbox_cli.command("retry")
@click.argument("message_id", type=int)
def retry(message_id: int) -> None:
    """Send a failed message again (after fixing what made it fail)."""
    if not queue.retry(message_id, now()):
        raise click.UsageError(f"message {message_id} is not a failed message")
    db.session.commit()
    click.echo(f"Message {message_id} will be sent on the next pass.")


def _about(message: OutboxMessage) -> str:
    if message.booking_id is None:
        return f"referral {message.referral_id}"
    return f"booking {message.booking_id}"
