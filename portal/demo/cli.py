"""``flask seed-demo``: a portal a newcomer can try at once. Development only."""

import click
from flask import current_app
from sqlalchemy import select

from portal.accounts.models import Role
from portal.accounts.operations import (
    create_account,
    find_by_email,
    generate_password,
    hash_password,
)
from portal.clock import now
from portal.demo import data
from portal.extensions import db
from portal.referrals.codes import display
from portal.referrals.operations import ReferralRequest, issue_referral
from portal.scheduling.cli import publish_all
from portal.scheduling.models import (
    Audience,
    ChecklistItem,
    Desk,
    DistrictCentre,
    OpeningHours,
    Subject,
)


def _get_or_create(model, code, **values):
    row = db.session.scalar(select(model).where(model.code == code))
    if row is None:
        row = model(code=code, **values)
        db.session.add(row)
    return row


def seed_places_and_subjects() -> None:
    """Create what is missing; never duplicates, never overwrites staff changes."""
    subjects = []
    for code, name_pt, name_en, audience, minutes, checklist in data.SUBJECTS:
        subject = _get_or_create(
            Subject,
            code,
            name_pt=name_pt,
            name_en=name_en,
            audience=Audience(audience),
            session_minutes=minutes,
        )
        if not subject.checklist:
            subject.checklist = [
                ChecklistItem(position=i, label_pt=pt, label_en=en, required=required)
                for i, (pt, en, required) in enumerate(checklist)
            ]
        subjects.append(subject)
    centres = {code: _get_or_create(DistrictCentre, code, name=name) for code, name in data.CENTRES}
    for code, name, centre, attendants in data.DESKS:
        desk = _get_or_create(
            Desk, code, name=name, centre=centres[centre], parallel_attendants=attendants
        )
        if not desk.opening_hours:
            desk.opening_hours = [
                OpeningHours(weekday=day, opens=opens, closes=closes)
                for day in range(5)
                for opens, closes in data.WEEKLY_HOURS
            ]
        if not desk.subjects:
            desk.subjects = list(subjects)
    db.session.flush()


def issue_demo_codes():
    valid_days = current_app.config["REFERRAL_VALID_DAYS"]
    issued = []
    for subject, niss, email, language in data.DEMO_CITIZENS:
        request = ReferralRequest(subject, niss, email, language)
        issued.append((issue_referral(request, now(), valid_days), niss))
    for subject, niss, nipc, email, language in data.DEMO_COMPANIES:
        request = ReferralRequest(subject, niss, email, language, nipc=nipc)
        issued.append((issue_referral(request, now(), valid_days), nipc))
    return issued


def seed_staff_accounts() -> list[tuple[str, str, str]]:
    """One account per role, each with a fresh password: (e-mail, role, password)."""
    printed = []
    for email, role, desk_code in data.DEMO_STAFF:
        password = generate_password()
        account = find_by_email(email)
        if account is None:
            desk = (
                db.session.scalar(select(Desk).where(Desk.code == desk_code)) if desk_code else None
            )
            create_account(email, Role(role), desk=desk, password=password)
        else:
            account.password_hash = hash_password(password)
            account.active = True
        printed.append((email, role, password))
    db.session.flush()
    return printed


@click.command("seed-demo")
def seed_demo():
    """Load demonstration data (idempotent) and print fresh reference codes."""
    if current_app.config["ENVIRONMENT"] == "production":
        raise click.ClickException(
            "seed-demo is for development: set PORTAL_ENVIRONMENT=development."
        )
    seed_places_and_subjects()
    created = publish_all(current_app.config["SLOT_GENERATION_WEEKS"])
    issued = issue_demo_codes()
    accounts = seed_staff_accounts()
    db.session.commit()
    click.echo(f"Demo data ready ({created} new slots). Codes to try at http://127.0.0.1:5000:")
    for referral, identifier in issued:
        kind = "NIPC" if referral.audience == "company" else "NISS"
        click.echo(
            f"  {display(referral.code)}  {kind} {identifier}  "
            f"{referral.subject.code} ({referral.language})"
        )
    click.echo("Staff accounts at http://127.0.0.1:5000/staff/sign-in (development only):")
    for email, role, password in accounts:
        click.echo(f"  {role:<11} {email:<32} password {password}")
