"""``flask referral create``: what the phone line does, from a terminal."""

import click
from flask import current_app
from flask.cli import AppGroup

from portal.clock import now
from portal.extensions import db
from portal.referrals.operations import InvalidReferral, ReferralRequest, issue_referral

referral_cli = AppGroup("referral", help="Reference codes for the phone line.")

REASONS = {
    "unknown": "is not known",
    "audience": "is not open to this kind of requester (citizen or company)",
    "format": "has the wrong length or characters",
    "check": "has a wrong check digit",
    "person": "is a natural person's NIF, not a company's NIPC",
    "company": "is a company's NISS (starts with 2); give --nipc for a company",
    "not_company": "is a person's NISS; a company's NISS starts with 2",
    "invalid": "is not a valid address",
}


@referral_cli.command("create")
@click.option("--subject", "subject_code", required=True, help="Subject code, e.g. cesd.")
@click.option("--niss", required=True, help="NISS of the person (or of the company).")
@click.option("--nipc", default=None, help="NIPC, for a company.")
@click.option("--email", required=True, help="Where confirmations are sent.")
@click.option("--lang", "language", type=click.Choice(["pt", "en"]), default="pt")
def create_referral(subject_code, niss, nipc, email, language):
    """Issue a reference code; prints it as the last line."""
    request = ReferralRequest(
        subject_code=subject_code,
        niss=niss,
        nipc=nipc,
        email=email,
        language="en" if language == "en" else "pt_PT",
    )
    try:
        referral = issue_referral(request, now(), current_app.config["REFERRAL_VALID_DAYS"])
    except InvalidReferral as error:
        db.session.rollback()
        for name, reason in error.errors.items():
            click.echo(f"Error: --{name} {REASONS.get(reason, reason)}.", err=True)
        raise SystemExit(2) from None
    db.session.commit()
    click.echo(f"Expires: {referral.expires_at:%Y-%m-%d %H:%M} UTC")
    click.echo(referral.display_code)
