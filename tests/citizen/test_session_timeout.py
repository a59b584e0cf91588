"""Signed-in pages warn before the session ends, and the person can stay signed in."""

from tests.factories import CITIZEN_NISS, create_world


def sign_in(client, referral):
    client.get("/?lang=en")
    return client.submit("/", {"code": referral.code, "identifier": CITIZEN_NISS})


def test_signed_in_pages_carry_the_session_warning(app, client, clock):
    world = create_world(clock.now)
    assert not client.get("/").soup.select(".session-timeout"), "nobody signed in yet"
    sign_in(client, world.referral)

    page = client.get("/marcar/horarios")

    dialog = page.soup.select_one("dialog.session-timeout")
    assert dialog["data-session-seconds"] == "1800"
    assert not dialog.has_attr("open"), "portal.js opens it when the warning is due"
    assert "signed out in 2 minutes" in dialog.select_one("#session-timeout-text").get_text()
    assert (
        dialog.select_one("form[action='/sessao/prolongar'] button").get_text() == "Stay signed in"
    )
    assert page.soup.select_one("[data-session-live][aria-live=polite]").get_text() == ""


def test_staying_signed_in_renews_the_session_in_the_background(app, client, clock):
    world = create_world(clock.now)
    sign_in(client, world.referral)
    token = client.get("/marcar/horarios").csrf_token()

    response = client.client.post(
        "/sessao/prolongar", data={"csrf_token": token}, headers={"X-Requested-With": "fetch"}
    )

    assert response.status_code == 204
    assert any(c.startswith("portal_session=") for c in response.headers.getlist("Set-Cookie"))
    without_script = client.client.post("/sessao/prolongar", data={"csrf_token": token})
    assert without_script.status_code == 302
    assert without_script.location.endswith("/marcar/horarios")


def test_staying_signed_in_needs_a_session_and_a_token(app, client, clock):
    assert client.client.post("/sessao/prolongar").status_code == 400  # no CSRF token

    token = client.get("/").csrf_token()
    response = client.client.post(
        "/sessao/prolongar", data={"csrf_token": token}, headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 302, "signed out: sent to sign in, not 204"
