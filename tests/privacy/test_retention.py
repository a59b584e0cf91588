"""``flask purge-personal-data`` pseudonymises a case a year after it ended, and the
pilot's figures stay exactly as they were."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.audit.log import record
from portal.audit.models import AuditAction, AuditEvent
from portal.booking import transitions
from portal.device_check.browsers import browser_from_user_agent
from portal.device_check.results import record_declaration
from portal.documents import operations as documents
from portal.documents.checklist import checklist
from portal.evaluation import figures
from portal.extensions import db
from portal.i18n import long_date
from portal.outbox.models import OutboxMessage
from portal.referrals.companies import set_representative
from portal.scheduling.models import Audience
from tests.documents import samples
from tests.factories import (
    COMPANY_NIPC,
    COMPANY_NISS,
    create_account,
    create_confirmed_booking,
    create_referral,
    create_world,
)
from tests.staff.helpers import staff_sign_in

YEAR = timedelta(days=365)


def purge(app, *arguments) -> str:
    result = app.test_cli_runner().invoke(args=["purge-personal-data", *arguments])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


def snapshot(period) -> tuple:
    """What the evaluation page shows for the period."""
    return (
        figures.counts(period),
        figures.recorded_waits(period),
        figures.referral_to_session_days(period, "desk"),
        figures.utilisation(period),
    )


@pytest.fixture
def case(app, clock):
    """A company's attended session, with everything a case gathers about a person."""
    world = create_world(clock.now)
    referral = world.referral
    referral.audience, referral.niss, referral.nipc = Audience.COMPANY, COMPANY_NISS, COMPANY_NIPC
    referral.in_person_date = clock.now.date() + timedelta(days=30)
    set_representative(
        referral, "Exemplo, Lda.", "Rita Sousa", "accountant", "rita@example.pt", "912345678"
    )
    booking = create_confirmed_booking(world, clock.now)
    limits = documents.Limits.from_config(app.config)
    document = documents.add_document(
        referral,
        checklist(referral)[0],
        "Rita Sousa - mandato.pdf",
        samples.pdf(),
        clock.now,
        limits,
    )
    answers = {"camera": "yes", "microphone": "yes", "speakers": "yes", "connection": "yes"}
    record_declaration(
        referral, booking, answers, browser_from_user_agent("Firefox/128.0"), clock.now
    )
    clock.now = booking.slot.ends_at
    transitions.record_outcome(booking, "attended", "Rita trouxe o mandato.", clock.now)
    record(clock.now, AuditAction.VIEWED, "referral-list", None, "searched", query=COMPANY_NISS)
    db.session.commit()
    period = figures.Period(clock.now.date() - timedelta(days=60), clock.now.date())
    return world, booking, document, period


def test_a_case_is_pseudonymised_a_year_after_its_session(app, clock, case):
    world, booking, document, period = case
    referral = world.referral
    before = snapshot(period)
    assert before[0].bookings == before[0].attended == 1
    session_end = booking.slot.ends_at

    clock.now = session_end + YEAR - timedelta(minutes=1)
    assert "0 cases pseudonymised" in purge(app)
    assert referral.niss == COMPANY_NISS and referral.pseudonymised_at is None

    clock.now = session_end + YEAR
    output = purge(app)
    assert "1 cases pseudonymised (1 document files deleted)" in output
    assert "1 searches cleared" in output

    assert referral.pseudonymised_at == clock.now
    assert (referral.niss, referral.nipc, referral.email) == ("", None, "")
    person = referral.representative
    assert (person.company_name, person.full_name, person.email, person.phone) == ("",) * 4
    assert booking.outcome_note == ""
    messages = db.session.scalars(select(OutboxMessage)).all()
    assert messages and all(m.recipient == "" and m.last_error is None for m in messages)
    assert document.display_name == "" and document.purged_at == clock.now
    assert not (Path(app.instance_path) / "documents" / document.stored_name).exists()
    search = db.session.scalars(select(AuditEvent).where(AuditEvent.detail == "searched")).one()
    assert search.detail_values == {}
    everything = " ".join(
        str(value)
        for row in (referral, person, booking, document, search)
        for value in vars(row).values()
    )
    for secret in (COMPANY_NISS, COMPANY_NIPC, "Rita", "rita@", "912", "mandato"):
        assert secret not in everything, secret

    assert snapshot(period) == before, "the evaluation's figures stay as they were"
    assert booking.outcome == "attended" and referral.in_person_date is not None
    assert "0 cases pseudonymised" in purge(app), "twice changes nothing"


def test_the_retention_is_a_setting_and_an_option(app, clock, case):
    _world, booking, _document, _period = case
    clock.now = booking.slot.ends_at + timedelta(days=40)
    app.config["PERSONAL_DATA_RETENTION_DAYS"] = 41
    assert "0 cases pseudonymised" in purge(app)
    assert "1 cases pseudonymised" in purge(app, "--days", "30")
    assert "(kept 30 days after the session" in purge(app, "--days", "30")


def test_an_unbooked_code_counts_from_its_expiry_a_booked_one_from_its_session(app, clock):
    world = create_world(clock.now)
    unbooked = create_referral(world.subject, clock.now)
    db.session.commit()
    booking = create_confirmed_booking(world, clock.now, days_ahead=20)  # after the expiry
    assert booking.slot.ends_at > world.referral.expires_at

    clock.now = unbooked.expires_at + YEAR
    assert "1 cases pseudonymised" in purge(app)
    assert unbooked.pseudonymised_at is not None and world.referral.pseudonymised_at is None

    clock.now = booking.slot.ends_at + YEAR
    assert "1 cases pseudonymised" in purge(app)
    assert world.referral.niss == ""


def test_old_audit_entries_are_deleted_and_searches_cleared(app, clock):
    record(clock.now, AuditAction.VIEWED, "referral-list", None, "searched", query="ana@x.pt")
    record(clock.now, AuditAction.VIEWED, "referral", 1)
    db.session.commit()

    clock.now += YEAR
    assert "1 searches cleared, 0 old entries deleted" in purge(app)
    clock.now += timedelta(days=app.config["AUDIT_LOG_RETENTION_DAYS"]) - YEAR
    assert "0 searches cleared, 2 old entries deleted" in purge(app)
    assert db.session.scalars(select(AuditEvent)).all() == []


def test_staff_see_that_the_data_was_removed(app, client, clock, case):
    world, booking, _document, _period = case
    clock.now = booking.slot.ends_at + YEAR
    purge(app)
    staff_sign_in(client, create_account("phone_line"))

    page = client.get(f"/staff/referrals/{world.referral.id}")
    assert f"Removed on {long_date(clock.now, 'en')} (storage limitation)" in page.main_text()
    listing = client.get("/staff/referrals")
    assert "Personal data removed" in listing.main_text()
