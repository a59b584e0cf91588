"""``flask outbox …``: the mail worker and a look at what is stuck."""

import time

import click
from flask import current_app
from flask.cli import AppGroup

from portal.clock import now
from portal.extensions import db
from portal.outbox import queue
from portal.outbox.models import MessageStatus
from portal.outbox.worker import run_once

outbox_cli = AppGroup("outbox", help="E-mail outbox: deliver, inspect, retry.")


@outbox_cli.command("deliver")
@click.option("--loop", is_flag=True, help="Keep running as a worker (Ctrl+C to stop).")
def deliver(loop):
    """Bring meetings up to date and send the messages that are due."""
    while True:
        report = run_once()
        db.session.remove()
        if not loop:
            click.echo(str(report))
            return
        if report.sent or report.failed or report.meetings_ready or report.meetings_failed:
            current_app.logger.info("outbox: %s", report)
        time.sleep(current_app.config["OUTBOX_POLL_SECONDS"])


@outbox_cli.command("list")
@click.option("--failed", is_flag=True, help="Only messages given up after the last attempt.")
@click.option("--pending", is_flag=True, help="Only messages still to be sent.")
def list_messages(failed, pending):
    """Show recent messages with their status, attempts and last error."""
    status = MessageStatus.FAILED if failed else MessageStatus.PENDING if pending else None
    rows = queue.messages(status)
    if not rows:
        click.echo("No messages.")
    for message in rows:
        click.echo(
            f"{message.id}\t{message.status}\t{message.kind}\tbooking {message.booking_id}\t"
            f"{message.recipient}\tattempts {message.attempts}\t"
            f"due {message.due_at:%Y-%m-%d %H:%M}Z"
            + (f"\t{message.last_error}" if message.last_error else "")
        )


@outbox_cli.command("retry")
@click.argument("message_id", type=int)
def retry(message_id):
    """Send a failed message again (after fixing what made it fail)."""
    if not queue.retry(message_id, now()):
        raise click.UsageError(f"message {message_id} is not a failed message")
    db.session.commit()
    click.echo(f"Message {message_id} will be sent on the next pass.")
