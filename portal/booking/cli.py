"""``flask bookings expire-holds``: release seats whose hold ran out."""

import click
from flask.cli import AppGroup

from portal.booking.transitions import lapse_holds
from portal.clock import now
from portal.extensions import db

bookings_cli = AppGroup("bookings", help="Booking housekeeping.")


@bookings_cli.command("expire-holds")
def expire_holds():
    """Mark lapsed holds as expired (seats are also freed lazily when needed)."""
    count = len(lapse_holds(now()))
    db.session.commit()
    click.echo(f"{count} holds expired.")
