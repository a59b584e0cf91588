"""Staff sign-in: password, lockout, inactivity, sign-out, and separation from citizens."""

import pytest
from sqlalchemy import select

from portal.accounts.models import Account
from portal.accounts.operations import set_active
from portal.extensions import db
from tests.factories import (
    CITIZEN_NISS,
    STAFF_PASSWORD,
    create_account,
    create_desk,
    create_world,
)
from tests.staff.helpers import path, sign_in_page, staff_sign_in

WRONG = "The e-mail address or the password is not right."


@pytest.mark.parametrize(
    "role, home",
    [
        ("phone_line", "/staff/referrals/new"),
        ("desk", "/staff/agenda"),
        ("manager", "/staff/evaluation"),
    ],
)
def test_each_role_lands_on_its_own_home(app, client, role, home):
    account = create_account(role, desk=create_desk() if role == "desk" else None)
    db.session.commit()
    assert path(staff_sign_in(client, account)) == home


def test_passwords_are_stored_with_scrypt(app):
    account = create_account()
    assert account.password_hash.startswith("scrypt:")
    from portal.config import DEFAULTS

    assert DEFAULTS["PASSWORD_HASH_METHOD"] == "scrypt:32768:8:1"  # production strength


def test_wrong_password_and_unknown_address_get_the_same_message(app, client):
    account = create_account()
    db.session.commit()
    client.get("/staff/sign-in?lang=en")

    wrong = sign_in_page(client, account.email, "not the password")
    unknown = sign_in_page(client, "nobody@seg-social.pt", "not the password")

    assert wrong.errors() == [WRONG] == unknown.errors()
    assert wrong.title.startswith("Error:")
    assert path(client.get_redirect("/staff/referrals")) == "/staff/sign-in"


def test_five_wrong_passwords_lock_the_address_until_later(app, client, clock):
    account = create_account()
    db.session.commit()
    client.get("/staff/sign-in?lang=en")
    for _attempt in range(5):
        sign_in_page(client, account.email, "guess")

    locked = sign_in_page(client, account.email, "correct horse battery staple", status=429)
    assert "Too many attempts" in locked.errors()[0]

    clock.advance(minutes=16)
    assert path(staff_sign_in(client, account)) == "/staff/referrals/new"


def test_a_disabled_account_cannot_sign_in(app, client):
    account = create_account()
    set_active(account, False)
    db.session.commit()
    client.get("/staff/sign-in?lang=en")
    assert sign_in_page(client, account.email, "correct horse battery staple").errors() == [WRONG]


def test_the_session_ends_after_thirty_idle_minutes(app, client, clock):
    account = create_account()
    db.session.commit()
    staff_sign_in(client, account)

    clock.advance(minutes=29)
    client.get("/staff/referrals")  # activity keeps the session alive
    clock.advance(minutes=29)
    client.get("/staff/referrals")
    clock.advance(minutes=31)

    location = client.get_redirect("/staff/referrals")
    assert path(location) == "/staff/sign-in"
    page = client.get(location)
    assert any("inactivity" in notice for notice in page.notices())


def test_signing_out_ends_the_session_even_for_a_copied_cookie(app, client):
    account = create_account()
    db.session.commit()
    staff_sign_in(client, account)
    copied = client.client.get_cookie("portal_session", domain="localhost").value

    client.submit("/staff/sign-out", form_url="/staff/referrals")

    assert path(client.get_redirect("/staff/referrals")) == "/staff/sign-in"
    client.client.set_cookie("portal_session", copied, domain="localhost")
    assert path(client.get_redirect("/staff/referrals")) == "/staff/sign-in"


def test_disabling_an_account_ends_its_session(app, client):
    account = create_account()
    db.session.commit()
    staff_sign_in(client, account)
    set_active(db.session.get(Account, account.id), False)
    db.session.commit()
    assert path(client.get_redirect("/staff/referrals")) == "/staff/sign-in"


def test_signing_in_starts_a_new_session(app, client, clock):
    world = create_world(clock.now)
    client.submit("/", {"code": world.referral.code, "identifier": CITIZEN_NISS})
    account = create_account()
    db.session.commit()

    staff_sign_in(client, account)

    # The citizen's sign-in did not survive, and staff access gives no citizen access.
    assert path(client.get_redirect("/marcar/horarios")) == "/"


def test_a_signed_in_citizen_has_no_staff_access(app, client, clock):
    world = create_world(clock.now)
    client.submit("/", {"code": world.referral.code, "identifier": CITIZEN_NISS})
    assert path(client.get_redirect("/staff/referrals")) == "/staff/sign-in"
    assert path(client.get_redirect("/staff/")) == "/staff/sign-in"


def test_next_goes_back_to_the_page_asked_for_but_never_elsewhere(app, client):
    account = create_account()
    db.session.commit()
    login = client.get_redirect("/staff/referrals?q=abc")
    assert "next=" in login
    page = client.get(login)
    assert page.soup.select_one("input[name=next]")["value"] == "/staff/referrals?q=abc"
    token = page.csrf_token()
    response = client.client.post(
        "/staff/sign-in",
        data={
            "email": account.email,
            "password": "correct horse battery staple",
            "next": "https://evil.example/staff/x",
            "csrf_token": token,
        },
    )
    assert path(response.location) == "/staff/referrals/new"


def test_sign_in_without_a_csrf_token_is_refused(app, client):
    account = create_account()
    db.session.commit()
    response = client.client.post(
        "/staff/sign-in", data={"email": account.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 400


def test_single_sign_on_button_only_when_configured(app, client):
    assert "Microsoft" not in client.get("/staff/sign-in?lang=en").main_text()
    app.config.update(ENTRA_TENANT_ID="t", ENTRA_CLIENT_ID="c", ENTRA_CLIENT_SECRET="s")
    assert "Microsoft" in client.get("/staff/sign-in?lang=en").main_text()


def test_single_sign_on_maps_to_existing_active_accounts_only(app):
    from portal.staff.sso import account_for_claims

    account = create_account(email="Ana.Silva@seg-social.pt")
    other = create_account()
    set_active(other, False)
    assert account_for_claims({"email": "ana.silva@seg-social.pt"}) == account
    assert account_for_claims({"preferred_username": "ana.silva@seg-social.pt"}) == account
    assert account_for_claims({"email": other.email}) is None
    assert account_for_claims({"email": "unknown@seg-social.pt"}) is None
    assert (
        db.session.scalar(select(Account).where(Account.email == "unknown@seg-social.pt")) is None
    )


@pytest.mark.parametrize(
    "variant",
    [
        "STAFF.LOCK@DEMO.SEG-SOCIAL.PT",  # upper case
        "staff.lock@demo.seg-social.\uff50\uff54",  # full-width "pt"
        "staff.lock@\uff44\uff45\uff4d\uff4f.seg-social.pt",  # full-width "demo"
        "  Staff.Lock@Demo.Seg-Social.PT ",
    ],
)
def test_a_locked_account_stays_locked_however_its_address_is_spelled(app, client, variant):
    account = create_account(email="staff.lock@demo.seg-social.pt")
    db.session.commit()
    client.get("/staff/sign-in?lang=en")
    for _attempt in range(5):
        sign_in_page(client, account.email, "guess")

    locked = sign_in_page(client, variant, STAFF_PASSWORD, status=429)
    assert "Too many attempts" in locked.errors()[0]
    assert path(client.get_redirect("/staff/referrals")) == "/staff/sign-in"


def test_idna_spellings_of_a_domain_share_one_counter(app, client):
    account = create_account(email="Ana@Segurança-Social.pt")
    assert account.email == "ana@segurança-social.pt", "stored in its canonical form"
    db.session.commit()
    client.get("/staff/sign-in?lang=en")
    # Five wrong passwords, each with another spelling of the same address.
    for spelling in [
        "ana@xn--segurana-social-kmb.pt",
        "ANA@SEGURANÇA-SOCIAL.PT",
        "ana@segurança-social.pt",
        "ana@XN--SEGURANA-SOCIAL-KMB.PT",
        "ana@segurança-social.\uff50\uff54",
    ]:
        sign_in_page(client, spelling, "guess")

    locked = sign_in_page(client, "ana@xn--segurana-social-kmb.pt", STAFF_PASSWORD, status=429)
    assert "Too many attempts" in locked.errors()[0]


def test_any_spelling_of_the_address_signs_in_when_not_locked(app, client):
    account = create_account(email="ana@segurança-social.pt")
    db.session.commit()
    client.get("/staff/sign-in?lang=en")
    location = client.submit(
        "/staff/sign-in",
        {"email": "ANA@xn--segurana-social-kmb.pt", "password": STAFF_PASSWORD},
    )
    assert path(location) == "/staff/referrals/new"
    assert db.session.get(Account, account.id).last_sign_in_at is not None


def test_one_address_trying_many_accounts_is_paused(app, client):
    app.config["STAFF_SIGN_IN_MAX_FAILURES_PER_ADDRESS"] = 8
    account = create_account()
    db.session.commit()
    client.get("/staff/sign-in?lang=en")
    # Fewer than five failures per account, but eight from one address.
    for n in range(8):
        page = sign_in_page(client, f"someone{n}@seg-social.pt", "guess")
        assert page.errors() == [WRONG]

    locked = sign_in_page(client, account.email, STAFF_PASSWORD, status=429)
    assert "Too many attempts from this network" in locked.errors()[0]
    # Another address is not affected.
    other = client.client.post(
        "/staff/sign-in",
        data={
            "email": account.email,
            "password": STAFF_PASSWORD,
            "csrf_token": client.get("/staff/sign-in").csrf_token(),
        },
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert other.status_code == 302 and path(other.location) == "/staff/referrals/new"
