"""``flask doctor``: before go-live (and after any change of settings), check the
production settings and every service the portal talks to, one line each."""

import sys

import click
from flask.cli import with_appcontext

from portal.health import checks


@click.command("doctor")
@with_appcontext
def doctor():
    """Check production settings and connections (database, Redis, SMTP, Graph, clamd,
    documents folder); exit 1 if any check fails."""
    results = checks.go_live()
    for check in results:
        mark = "ok  " if check.ok else "FAIL"
        if not check.applies:
            mark = "--  "
        click.echo(f"{mark}  {check.name:<11} {check.detail}")
    failing = [check.name for check in results if not check.ok]
    if failing:
        click.echo(f"{len(failing)} failing: {', '.join(failing)}")
        sys.exit(1)
    click.echo("All checks passed.")
