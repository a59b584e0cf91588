"""``flask staff create-account``: the first manager, or any account, from a terminal."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from portal.accounts.models import Role
from portal.accounts.operations import AccountError, create_account
from portal.extensions import db
from portal.scheduling.models import Desk

staff_cli = AppGroup("staff", help="Staff accounts.")


@staff_cli.command("create-account")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
@click.option("--desk", "desk_code", default=None, help="Desk code (desk staff only).")
@click.option("--name", default="", help="Full name shown to colleagues.")
def create_account_command(email, role, desk_code, name):
    """Create an account and print its generated password once."""
    desk = None
    if desk_code:
        desk = db.session.scalar(select(Desk).where(Desk.code == desk_code))
        if desk is None:
            raise click.UsageError(f"no desk with code {desk_code!r}")
    try:
        account, password = create_account(email, role, desk=desk, name=name)
    except AccountError as error:
        db.session.rollback()
        raise click.UsageError(f"--{error.field}: {error.reason}") from None
    db.session.commit()
    click.echo(f"Account {account.email} ({account.role}) created. Password (shown once):")
    click.echo(password)
