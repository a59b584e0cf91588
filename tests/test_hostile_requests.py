"""Input no browser or client of ours sends gets a translated 400, never a 500."""

import json

import pytest

from portal.extensions import db
from portal.integrations.operations import create_client
from tests.api.test_referrals_api import bearer, get_token, payload
from tests.citizen.test_device_check import CHROME, GOOD, post_results
from tests.citizen.test_journey import sign_in
from tests.factories import CITIZEN_NISS, create_account, create_world
from tests.pages import Page
from tests.staff.helpers import staff_sign_in

BAD_REQUEST_PT = "Não foi possível processar o pedido"


@pytest.fixture
def world(app, clock):
    return create_world(clock.now)


def deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_a_nul_byte_in_the_phone_line_search_is_a_400(app, client):
    staff_sign_in(client, create_account("phone_line"), english=False)
    page = client.get("/staff/referrals?q=abc%00def", status=400)
    assert page.h1 == BAD_REQUEST_PT
    assert client.get("/staff/referrals?q=abc").status == 200, "the search itself works"


def test_a_nul_byte_in_a_form_field_is_a_translated_400(app, client, world):
    client.get("/?lang=en")
    page = client.submit(
        "/", {"code": world.referral.code + "\x00", "identifier": CITIZEN_NISS}, status=400
    )
    assert page.h1 == "The request could not be understood"
    assert page.lang == "en"


def test_a_nul_byte_in_the_apis_json_is_a_400(app, world):
    api_client, secret = create_client("Linha")
    db.session.commit()
    http = app.test_client()
    access = get_token(http, (api_client.client_id, secret)).get_json()["access_token"]
    body = payload(world)
    for field in ("subject", "niss", "email", "language"):
        response = http.post(
            "/api/v1/referrals", json={**body, field: "x\x00y"}, headers=bearer(access)
        )
        assert response.status_code == 400, (field, response.status_code)
        assert response.get_json() == {"error": BAD_REQUEST_PT}
    # A lone surrogate is not text either.
    raw = json.dumps(body).replace('"email": "', '"email": "\\ud800')
    response = http.post(
        "/api/v1/referrals",
        data=raw,
        content_type="application/json",
        headers=bearer(access),
    )
    assert response.status_code == 400


@pytest.mark.parametrize("depth", [21, 100_000])
def test_json_nested_deeper_than_any_payload_is_a_400(app, client, world, depth):
    response = app.test_client().post(
        "/api/v1/referrals",
        data=deep_json(depth),
        content_type="application/json",
        headers=bearer("anything"),
    )
    assert response.status_code == 400

    sign_in(client, world.referral)
    slot_id = client.get("/marcar/horarios").radio_values()[0]
    client.submit("/marcar/horarios", {"horario": slot_id})
    token = client.get("/verificar-equipamento").csrf_token()
    response = client.client.post(
        "/verificar-equipamento/resultados",
        data='{"camera": ' + deep_json(depth) + "}",
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 400


def test_a_user_agent_with_a_five_thousand_digit_version_is_no_browser(app, client, world):
    sign_in(client, world.referral, english=True)
    slot_id = client.get("/marcar/horarios").radio_values()[0]
    client.submit("/marcar/horarios", {"horario": slot_id})
    agent = "Mozilla/5.0 Chrome/" + "9" * 5000 + ".0 Safari/537.36"

    page = Page(client.client.get("/verificar-equipamento", headers={"User-Agent": agent}))
    assert page.status == 200
    response = post_results(client, GOOD, user_agent=agent)
    assert response.status_code == 201 and response.get_json()["browser"] == "warning"
    assert post_results(client, GOOD, user_agent=CHROME).get_json()["browser"] == "passed"


def test_an_over_long_header_is_a_400(app, client):
    response = client.client.get("/", headers={"X-Anything": "a" * 10_000})
    assert response.status_code == 400
    page = Page(response)
    page.check_invariants()
    assert page.h1 == BAD_REQUEST_PT
    assert client.client.get("/", headers={"X-Anything": "a" * 2_000}).status_code == 200


# What the property test (tests/test_no_server_errors.py) found, kept as plain cases.


def test_a_date_far_in_the_future_is_not_a_valid_date(app, client, world):
    desk_account = create_account("desk", desk=world.desks[0])
    db.session.commit()
    staff_sign_in(client, desk_account)
    url = f"/staff/desks/{world.desks[0].id}/closures/new"
    page = client.submit(
        url, {"starts_on": "9999-12-31", "ends_on": "9999-12-31", "reason": "x"}, status=200
    )
    assert page.errors() == ["Not a valid date value.", "Not a valid date value."]

    manager = create_account("manager")
    db.session.commit()
    staff_sign_in(client, manager)
    assert client.get("/staff/evaluation?from=9999-12-31&to=0001-01-01").status == 200


def test_the_api_refuses_an_in_person_date_out_of_this_century(app, world):
    api_client, secret = create_client("Linha")
    db.session.commit()
    http = app.test_client()
    access = get_token(http, (api_client.client_id, secret)).get_json()["access_token"]
    body = {**payload(world), "in_person_date": "9999-12-31"}
    response = http.post("/api/v1/referrals", json=body, headers=bearer(access))
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"in_person_date": "Use a date such as 2026-12-14."}


def test_a_subject_posted_without_its_checklist_keeps_it(app, client, world):
    staff_sign_in(client, create_account("manager"))
    subject = world.subject
    url = f"/staff/subjects/{subject.id}"
    values = {"code": subject.code, "name_pt": "Assunto", "name_en": "Subject"}
    values.update(audience="both", session_minutes="30", active="y")
    assert client.submit(url, values).endswith("/staff/subjects")
    db.session.expire_all()
    assert [i.label_en for i in subject.checklist] == ["Identity document"]
