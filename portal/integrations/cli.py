"""``flask api-client create NAME``: register a system that may call the API."""

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.integrations.operations import REFERRALS_WRITE, ClientNameTaken, create_client

api_client_cli = AppGroup("api-client", help="OAuth2 clients of the integration API.")


@api_client_cli.command("create")
@click.argument("name")
@click.option("--scope", default=REFERRALS_WRITE, show_default=True)
def create(name, scope):
    """Create a client and print its credentials; the secret is shown only this once."""
    try:
        client, secret = create_client(name, scope)
    except ClientNameTaken:
        raise click.UsageError(f"a client named {name!r} already exists") from None
    db.session.commit()
    click.echo(f"client_id:     {client.client_id}")
    click.echo(f"client_secret: {secret}")
    click.echo("Keep the secret now: only its digest is stored.")
