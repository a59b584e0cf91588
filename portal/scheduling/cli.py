"""``flask slots publish``: create the coming weeks' slots from desks' timetables."""

from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from portal.clock import now
from portal.extensions import db
from portal.scheduling.calendar import lisbon_today
from portal.scheduling.models import Desk
from portal.scheduling.slots import publish_slots

slots_cli = AppGroup("slots", help="Publish availability.")


def publish_all(weeks: int) -> int:
    today = lisbon_today(now())
    desks = db.session.scalars(select(Desk).where(Desk.remote_enabled.is_(True))).all()
    return sum(publish_slots(desk, today, today + timedelta(weeks=weeks)) for desk in desks)


@slots_cli.command("publish")
@click.option(
    "--weeks", type=int, default=None, help="How far ahead (default SLOT_GENERATION_WEEKS)."
)
def publish(weeks):
    """Create missing slots for every remote desk; safe to run daily."""
    created = publish_all(weeks or current_app.config["SLOT_GENERATION_WEEKS"])
    db.session.commit()
    click.echo(f"{created} slots published.")
