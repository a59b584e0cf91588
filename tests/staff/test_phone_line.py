"""The phone-line console: issue a code during the call, find it, withdraw or re-issue it."""

from datetime import date

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.referrals.models import Referral
from tests.factories import (
    CITIZEN_NISS,
    COMPANY_NIPC,
    COMPANY_NISS,
    create_account,
    create_referral,
    create_world,
)
from tests.staff.helpers import path, staff_sign_in


def agent(client):
    account = create_account("phone_line")
    db.session.commit()
    staff_sign_in(client, account)
    return account


def issue(client, subject, **fields):
    data = {
        "subject": subject.code,
        "audience": "citizen",
        "niss": CITIZEN_NISS,
        "email": "ana@example.pt",
        "language": "pt_PT",
        **fields,
    }
    return client.submit("/staff/referrals/new", data, status=None, follow=True)


def test_an_issued_code_is_shown_grouped_with_the_earliest_remote_slot(app, client, clock):
    world = create_world(clock.now)
    account = agent(client)

    page = issue(client, world.subject, in_person_date="2026-12-14", language="en")

    referral = db.session.scalars(select(Referral).order_by(Referral.id.desc())).first()
    assert referral.issued_by_id == account.id and referral.language == "en"
    assert referral.in_person_date == date(2026, 12, 14)
    groups = [g.get_text() for g in page.soup.select(".code__group")]
    assert groups == referral.display_code.split("-") and len(groups) == 3
    assert referral.display_code in page.main_text()  # read whole by screen readers
    # Next working day after Wednesday 25 November 2026, at the first desk's 9:00.
    assert "Thursday 26 November 2026 at 09:00" in page.main_text()
    assert "18 days sooner than the in-person date" in page.main_text()


def test_a_company_code_needs_the_nipc(app, client, clock):
    world = create_world(clock.now)
    agent(client)

    page = issue(client, world.subject, audience="company", niss=COMPANY_NISS)
    assert page.errors() == ["Enter the company's NIPC."]

    page = issue(client, world.subject, audience="company", niss=COMPANY_NISS, nipc=COMPANY_NIPC)
    assert page.h1 == "Reference code"
    assert db.session.scalar(select(Referral).where(Referral.nipc == COMPANY_NIPC)).is_company


def test_wrong_details_are_field_errors_and_nothing_is_issued(app, client, clock):
    world = create_world(clock.now)
    agent(client)
    before = db.session.scalars(select(Referral)).all()

    page = issue(
        client,
        world.subject,
        niss="11234567893",
        email="not-an-address",
        in_person_date="2020-01-01",
    )

    assert page.errors() == [
        "Check the NISS: the last digit does not match.",
        "Enter an e-mail address in the format name@example.pt.",
        "The in-person date cannot be in the past.",
    ]
    assert page.soup.select_one("#niss")["aria-invalid"] == "true"
    assert db.session.scalars(select(Referral)).all() == before


def test_recent_codes_can_be_searched_by_code_niss_or_email(app, client, clock):
    world = create_world(clock.now)
    other = create_referral(world.subject, clock.now, niss="12345678902", email="joao@example.pt")
    db.session.commit()
    agent(client)

    everything = client.get("/staff/referrals?lang=en").main_text()
    assert world.referral.display_code in everything and other.display_code in everything
    by_code = client.get(f"/staff/referrals?q={other.code.lower()}").main_text()
    assert other.display_code in by_code and world.referral.display_code not in by_code
    by_niss = client.get("/staff/referrals?q=123 456 789 02").main_text()
    assert other.display_code in by_niss and world.referral.display_code not in by_niss
    by_email = client.get("/staff/referrals?q=JOAO@example.pt").main_text()
    assert other.display_code in by_email
    assert "No codes found." in client.get("/staff/referrals?q=nothing").main_text()


def test_a_withdrawn_code_cannot_sign_in_and_says_why(app, client, clock):
    world = create_world(clock.now)
    agent(client)

    client.submit(f"/staff/referrals/{world.referral.id}/void")

    client.submit("/sair", form_url="/")  # not signed in as a citizen either way
    page = client.submit(
        "/?lang=en", {"code": world.referral.code, "identifier": CITIZEN_NISS}, status=200
    )
    assert page.h1 == "This code is no longer valid"


def test_withdrawing_a_booked_code_releases_the_seat(app, client, clock):
    from portal.booking import transitions
    from portal.scheduling.offers import earliest_offered
    from portal.scheduling.slots import booking_window

    world = create_world(clock.now)
    window = booking_window(clock.now, 1, 15)
    slot = earliest_offered(world.subject, world.referral.audience, window, clock.now)
    booking = transitions.hold(world.referral, [slot.slot_id], clock.now, 15, window)
    transitions.confirm(booking, clock.now)
    db.session.commit()
    agent(client)

    page = client.get(f"/staff/referrals/{world.referral.id}/void?lang=en")
    assert "will be cancelled" in page.main_text()
    client.submit(f"/staff/referrals/{world.referral.id}/void")

    db.session.expire_all()
    assert booking.status == "cancelled"


def test_reissuing_gives_a_new_code_and_withdraws_the_old(app, client, clock):
    world = create_world(clock.now)
    agent(client)

    location = client.submit(f"/staff/referrals/{world.referral.id}/reissue")

    db.session.expire_all()
    new = db.session.get(Referral, int(path(location).rsplit("/", 1)[-1]))
    assert new.id != world.referral.id and new.replaces_id == world.referral.id
    assert (new.niss, new.subject_id) == (world.referral.niss, world.referral.subject_id)
    assert world.referral.voided_at is not None and new.voided_at is None


def test_viewing_and_changing_codes_is_audited(app, client, clock):
    world = create_world(clock.now)
    account = agent(client)

    client.get(f"/staff/referrals/{world.referral.id}")
    client.submit(f"/staff/referrals/{world.referral.id}/void")

    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.account_id, e.action, e.object_type, e.object_id) for e in events][-2:] == [
        (account.id, "viewed", "referral", world.referral.id),
        (account.id, "changed", "referral", world.referral.id),
    ]
