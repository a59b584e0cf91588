"""``flask meetings sync|status``: the Teams meetings that are behind, and why."""

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from portal.extensions import db
from portal.meetings.models import Meeting, MeetingStatus, ProviderStatus
from portal.meetings.worker import sync_meetings

meetings_cli = AppGroup("meetings", help="Teams meetings of bookings.")


def provider_problem() -> str | None:
    """One line for operators when the provider is refusing or pausing, else None."""
    name = current_app.config["MEETING_PROVIDER"]
    status = db.session.get(ProviderStatus, name)
    if status is None:
        return None
    if status.problem:
        return (
            f"Teams ({name}): {status.problem} — since {status.problem_since:%Y-%m-%d %H:%M}Z; "
            "meetings wait until it is fixed, e-mails that need no meeting are sent"
        )
    if status.paused_until:
        return f"Teams ({name}): paused until {status.paused_until:%Y-%m-%d %H:%M:%S}Z"
    return None


@meetings_cli.command("sync")
@click.option(
    "--include-failed",
    is_flag=True,
    help="Also try again meetings the provider refused (after fixing the cause).",
)
def sync(include_failed: bool) -> None:
    """Try the pending meetings now (the outbox worker also does this on every pass)."""
    report = sync_meetings(include_failed, ignore_pause=True)
    click.echo(f"{report.ready} meetings updated, {report.failed} failed.")
    for error in report.errors:
        click.echo(f"  {error}")


@meetings_cli.command("status")
def status() -> None:
    """Meetings not ready (pending or failed) with their last error, and the provider's state."""
    problem = provider_problem()
    if problem:
        click.echo(problem)
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.status.in_([MeetingStatus.PENDING, MeetingStatus.FAILED]))
        .order_by(Meeting.id)
    ).all()
    if not meetings:
        click.echo("Every meeting is up to date.")
    for meeting in meetings:
        click.echo(
            f"{meeting.id}\t{meeting.status}\tbooking {meeting.booking_id}\t"
            f"attempts {meeting.attempts}"
            + (f"\t{meeting.last_error}" if meeting.last_error else "")
        )
