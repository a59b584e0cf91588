"""What the staff pages of tests/visits.py need: accounts, and a desk with work to show.

Today (tests.conftest.DEFAULT_NOW, a Wednesday) the north desk sees a person who
sent a document and ran the device check; on Friday, a company's representative.
Their codes were issued twelve days before, with an in-person date noted, so the
evaluation page draws its charts, with bars past the national average.
"""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import select

from portal.audit.log import record
from portal.audit.models import AuditAction
from portal.device_check.browsers import browser_from_user_agent
from portal.device_check.results import parse_results, record_check
from portal.documents.checklist import checklist
from portal.documents.operations import Limits, add_document
from portal.extensions import db
from portal.referrals.companies import set_representative
from portal.scheduling.models import Audience, Slot
from tests.documents import samples
from tests.factories import (
    COMPANY_NIPC,
    COMPANY_NISS,
    create_account,
    create_booking,
    create_referral,
)

# Started (the clock is 10:00): the desk's page offers the outcome form.
TODAY_930 = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
FRIDAY_9 = datetime(2026, 11, 27, 9, tzinfo=UTC)
CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
CHECKED = {
    "camera": {"outcome": "passed"},
    "microphone": {"outcome": "warning", "level": 3, "problem": "no_sound"},
    "speakers": {"outcome": "passed"},
    "network": {"download_kbps": 25000, "upload_kbps": 8000, "latency_ms": 40},
    "browser": {"outcome": "passed"},
}


def _slot_at(desk, moment) -> Slot:
    return db.session.scalar(select(Slot).where(Slot.desk_id == desk.id, Slot.starts_at == moment))


def _referral(world, now, **values):
    values.update(created_at=now - timedelta(days=12), expires_at=now + timedelta(days=10))
    return create_referral(
        world.subject, now, in_person_date=now.date() + timedelta(days=20), **values
    )


def create_staff_site(world, now) -> SimpleNamespace:
    """One account per role (password tests.factories.STAFF_PASSWORD) and their data (flushed)."""
    north = world.desks[0]
    accounts = {
        "phone_line": create_account("phone_line", email="linha@seg-social.pt"),
        "desk": create_account("desk", desk=north, email="balcao.norte@seg-social.pt"),
        "manager": create_account("manager", email="gestao@seg-social.pt", name="Marta Gestora"),
    }
    person = _referral(world, now)
    today = create_booking(person, _slot_at(north, TODAY_930))
    limits = Limits.from_config(current_app.config)
    entry = checklist(person)[0]
    add_document(person, entry, "Cartão de Cidadão.pdf", samples.pdf(), now, limits)
    record_check(person, today, parse_results(CHECKED), browser_from_user_agent(CHROME), now)

    company = _referral(world, now, audience=Audience.COMPANY, niss=COMPANY_NISS, nipc=COMPANY_NIPC)
    set_representative(
        company,
        "Construções Exemplo do Alentejo, Lda.",
        "Rui Manuel Albuquerque Costa",
        "accountant",
        "rui@example.pt",
        "912345678",
    )
    create_booking(company, _slot_at(north, FRIDAY_9))
    record(now, AuditAction.VIEWED, "booking", today.id, account=accounts["desk"])
    return SimpleNamespace(
        emails={role: account.email for role, account in accounts.items()},
        new_closure=f"/staff/desks/{north.id}/closures/new",
        # The planner over the weeks the site's codes were issued in, one desk more.
        planner=(
            f"/staff/planner?first={(now - timedelta(days=20)).date()}&last={now.date()}"
            f"&new_desks_centre={north.centre_id}&new_desks=1&new_desks_hours=15"
        ),
    )
