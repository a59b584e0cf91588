"""Who may open what: every staff route × every role, other desks' ids, CSRF on every form."""

from datetime import UTC, date, datetime

import pytest
from flask import current_app
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.booking.models import Booking
from portal.documents.checklist import checklist
from portal.documents.operations import Limits, add_document
from portal.extensions import db
from portal.scheduling.models import Closure
from portal.staff.session import PUBLIC_ENDPOINTS
from tests.documents.samples import pdf
from tests.factories import (
    create_account,
    create_booking,
    create_desk,
    create_referral,
    create_slot,
    create_subject,
)
from tests.staff.helpers import path, staff_sign_in

ROLES = ("anonymous", "phone_line", "desk", "manager")
ANY = ("phone_line", "desk", "manager")
PHONE, DESK, MANAGER = ("phone_line",), ("desk",), ("manager",)

# (method, url with {placeholders}, roles allowed, endpoint)
ROUTES = [
    ("GET", "/staff/", ANY, "staff.home"),
    ("POST", "/staff/sign-out", ANY, "staff.sign_out"),
    ("GET", "/staff/referrals/new", PHONE, "staff.new_referral"),
    ("POST", "/staff/referrals/new", PHONE, "staff.new_referral"),
    ("GET", "/staff/referrals", PHONE, "staff.referrals"),
    ("GET", "/staff/referrals/{referral}", PHONE, "staff.referral"),
    ("GET", "/staff/referrals/{referral}/void", PHONE, "staff.void"),
    ("POST", "/staff/referrals/{referral}/void", PHONE, "staff.void"),
    ("GET", "/staff/referrals/{referral}/reissue", PHONE, "staff.reissue"),
    ("POST", "/staff/referrals/{referral}/reissue", PHONE, "staff.reissue"),
    ("POST", "/staff/referrals/{referral}/resend-code", PHONE, "staff.resend"),
    ("GET", "/staff/agenda", DESK, "staff.agenda"),
    ("GET", "/staff/bookings/{booking}", DESK, "staff.booking"),
    ("POST", "/staff/bookings/{booking}", DESK, "staff.booking"),
    ("GET", "/staff/bookings/{booking}/documents/{document}", DESK, "staff.booking_document"),
    ("GET", "/staff/desks/{desk}/closures", DESK + MANAGER, "staff.closures"),
    ("GET", "/staff/desks/{desk}/closures/new", DESK + MANAGER, "staff.new_closure"),
    ("POST", "/staff/desks/{desk}/closures/new", DESK + MANAGER, "staff.new_closure"),
    (
        "POST",
        "/staff/desks/{desk}/closures/{closure}/remove",
        DESK + MANAGER,
        "staff.remove_closure",
    ),
    ("GET", "/staff/evaluation", MANAGER, "staff.evaluation"),
    ("GET", "/staff/evaluation.csv", MANAGER, "staff.evaluation_csv"),
    ("GET", "/staff/planner", MANAGER, "staff.planner"),
    ("GET", "/staff/centres", MANAGER, "staff.centres"),
    ("GET", "/staff/centres/new", MANAGER, "staff.edit_centre"),
    ("POST", "/staff/centres/{centre}", MANAGER, "staff.edit_centre"),
    ("GET", "/staff/desks", MANAGER, "staff.desks"),
    ("GET", "/staff/desks/{desk}", MANAGER, "staff.edit_desk"),
    ("POST", "/staff/desks/new", MANAGER, "staff.edit_desk"),
    ("GET", "/staff/subjects", MANAGER, "staff.subjects"),
    ("GET", "/staff/subjects/{subject}", MANAGER, "staff.edit_subject"),
    ("POST", "/staff/subjects/new", MANAGER, "staff.edit_subject"),
    ("GET", "/staff/accounts", MANAGER, "staff.accounts"),
    ("GET", "/staff/accounts/new", MANAGER, "staff.new_account"),
    ("POST", "/staff/accounts/new", MANAGER, "staff.new_account"),
    ("POST", "/staff/accounts/{account}/active", MANAGER, "staff.toggle_account"),
    ("GET", "/staff/audit-log", MANAGER, "staff.audit_log"),
]

# Another desk's objects, and ids nobody has: desk staff must not learn they exist.
OTHER_DESK = [
    ("GET", "/staff/bookings/{other_booking}"),
    ("POST", "/staff/bookings/{other_booking}"),
    ("GET", "/staff/bookings/999999"),
    ("GET", "/staff/bookings/{other_booking}/documents/{other_document}"),
    ("GET", "/staff/bookings/{booking}/documents/{other_document}"),
    ("GET", "/staff/desks/{other_desk}/closures"),
    ("GET", "/staff/desks/{other_desk}/closures/new"),
    ("POST", "/staff/desks/{other_desk}/closures/new"),
    ("POST", "/staff/desks/{other_desk}/closures/{closure}/remove"),
    ("GET", "/staff/desks/999999/closures"),
]


@pytest.fixture
def world(app, clock):
    subject = create_subject()
    mine, other = create_desk(subjects=[subject]), create_desk(subjects=[subject])
    referral = create_referral(subject, clock.now)
    starts = datetime(2026, 11, 26, 9, tzinfo=UTC)
    booking = create_booking(referral, create_slot(mine, starts))
    other_booking = create_booking(create_referral(subject, clock.now), create_slot(other, starts))
    limits = Limits.from_config(current_app.config)
    document = add_document(referral, checklist(referral)[0], "a.pdf", pdf(), clock.now, limits)
    other_document = add_document(
        other_booking.referral,
        checklist(other_booking.referral)[0],
        "b.pdf",
        pdf(),
        clock.now,
        limits,
    )
    closure = Closure(desk=mine, starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 1))
    db.session.add(closure)
    accounts = {role: create_account(role, desk=mine if role == "desk" else None) for role in ANY}
    target = create_account("phone_line")
    db.session.commit()
    ids = {
        "referral": referral.id,
        "booking": booking.id,
        "desk": mine.id,
        "centre": mine.centre_id,
        "subject": subject.id,
        "account": target.id,
        "other_booking": other_booking.id,
        "other_desk": other.id,
        "document": document.id,
        "other_document": other_document.id,
        "closure": closure.id,
    }
    return accounts, ids


def sign_in_as(client, accounts, role):
    if role != "anonymous":
        staff_sign_in(client, accounts[role])
    # A valid CSRF token of this session, so refusals below are about roles, not tokens.
    return (
        client.get("/staff/sign-in?lang=en", status=None).csrf_token()
        or client.get("/staff/", status=None).csrf_token()
    )


def request(client, method, url, token=None):
    if method == "GET":
        return client.client.get(url)
    return client.client.post(url, data={"csrf_token": token} if token else {})


def expected(role, allowed):
    if role == "anonymous":
        return 302
    return "allowed" if role in allowed else 403


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_it_should(world, client, role):
    accounts, ids = world
    token = sign_in_as(client, accounts, role)
    wrong = []
    for method, url, allowed, _endpoint in ROUTES:
        if url == "/staff/sign-out":
            continue  # would end the session the loop goes on with; tested on its own
        response = request(client, method, url.format(**ids), token)
        want = expected(role, allowed)
        if want == "allowed":
            ok = response.status_code in (200, 302) and "/staff/sign-in" not in (
                response.location or ""
            )
        elif want == 302:
            ok = response.status_code == 302 and path(response.location) == "/staff/sign-in"
        else:
            ok = response.status_code == want
        if not ok:
            wrong.append((method, url, response.status_code, response.location))
    assert wrong == []


def test_desk_staff_get_not_found_for_other_desks_and_guessed_ids(world, client):
    accounts, ids = world
    token = sign_in_as(client, accounts, "desk")
    before = db.session.scalar(select(func.count()).select_from(Booking))
    statuses = [
        (method, url, request(client, method, url.format(**ids), token).status_code)
        for method, url in OTHER_DESK
    ]
    assert [s for s in statuses if s[2] != 404] == []
    assert db.session.scalar(select(func.count()).select_from(Booking)) == before


def test_every_staff_view_declares_its_roles_and_is_in_the_matrix(app):
    covered = {endpoint for *_rest, endpoint in ROUTES}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("staff.") or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "staff_roles", None), f"{rule.endpoint} has no role check"
        assert rule.endpoint in covered, f"{rule.endpoint} missing from the matrix"


@pytest.mark.parametrize("role", ANY)
def test_staff_forms_refuse_a_post_without_the_csrf_token(world, client, role):
    accounts, ids = world
    sign_in_as(client, accounts, role)
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    posts = [url for method, url, allowed, _e in ROUTES if method == "POST" and role in allowed]
    statuses = {url: request(client, "POST", url.format(**ids)).status_code for url in posts}
    assert set(statuses.values()) == {400}, statuses
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
    assert path(client.get_redirect("/staff/")) != "/staff/sign-in", "still signed in"


def test_the_audit_log_records_who_touched_personal_data(world, client):
    accounts, ids = world
    staff_sign_in(client, accounts["desk"])
    client.get(f"/staff/bookings/{ids['booking']}")
    client.submit("/staff/sign-out", form_url="/staff/agenda")
    staff_sign_in(client, accounts["manager"])

    page = client.get("/staff/audit-log?lang=en")

    rows = [" ".join(tr.get_text(" ").split()) for tr in page.soup.select("tbody tr")]
    assert any(
        accounts["desk"].email in row and "Viewed" in row and f"Booking no. {ids['booking']}" in row
        for row in rows
    ), rows
