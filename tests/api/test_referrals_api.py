"""POST /api/v1/referrals behind OAuth2 client credentials."""

import base64

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.integrations.cli import api_client_cli
from portal.integrations.models import ApiClient, ApiToken
from portal.integrations.operations import create_client
from portal.referrals import codes
from portal.referrals.models import Referral
from tests.factories import CITIZEN_NISS, create_world


@pytest.fixture
def world(app, clock):
    return create_world(clock.now)


@pytest.fixture
def credentials(app):
    client, secret = create_client("Linha da Segurança Social")
    db.session.commit()
    return client.client_id, secret


def basic(client_id, secret):
    pair = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def get_token(http, credentials, method="basic", **form):
    client_id, secret = credentials
    data = {"grant_type": "client_credentials", **form}
    if method == "basic":
        response = http.post("/oauth/token", data=data, headers=basic(client_id, secret))
    else:
        data.update(client_id=client_id, client_secret=secret)
        response = http.post("/oauth/token", data=data)
    return response


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def post_referral(http, token, payload):
    return http.post("/api/v1/referrals", json=payload, headers=bearer(token))


def payload(world, **changes):
    return {
        "subject": world.subject.code,
        "niss": CITIZEN_NISS,
        "email": "ana@example.pt",
        "language": "en",
        **changes,
    }


@pytest.mark.parametrize("method", ["basic", "post"])
def test_a_client_gets_a_token_and_issues_a_referral(app, world, credentials, method):
    http = app.test_client()
    token = get_token(http, credentials, method)
    assert token.status_code == 200, token.get_data(as_text=True)
    body = token.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["scope"] == "referrals:write"

    response = post_referral(
        http, body["access_token"], payload(world, in_person_date="2026-12-14")
    )

    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()
    referral = db.session.get(Referral, created["id"])
    assert codes.normalise(created["code"]) == referral.code
    assert referral.language == "en" and str(referral.in_person_date) == "2026-12-14"
    assert created["earliest_slot"]["starts_at"] == "2026-11-26T09:00:00+00:00"
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.client_name, event.object_id) == ("Linha da Segurança Social", referral.id)


def test_tokens_and_secrets_are_stored_only_as_digests(app, world, credentials):
    http = app.test_client()
    access = get_token(http, credentials).get_json()["access_token"]
    client = db.session.scalars(select(ApiClient)).one()
    stored = db.session.scalars(select(ApiToken)).one()
    assert credentials[1] not in client.secret_hash and access != stored.token_hash


def test_the_token_endpoint_needs_the_right_secret(app, credentials):
    response = get_token(app.test_client(), (credentials[0], "wrong"))
    assert response.status_code == 401 and response.get_json()["error"] == "invalid_client"


def test_the_token_endpoint_refuses_unknown_scopes(app, credentials):
    response = get_token(app.test_client(), credentials, scope="admin")
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_scope"


def test_without_a_token_the_api_refuses(app, world):
    response = app.test_client().post("/api/v1/referrals", json=payload(world))
    assert response.status_code == 401
    assert response.get_json()["error"] == "missing_authorization"


def test_an_expired_token_is_refused(app, world, credentials, clock):
    http = app.test_client()
    access = get_token(http, credentials).get_json()["access_token"]
    clock.advance(seconds=3600)
    response = post_referral(http, access, payload(world))
    assert response.status_code == 401 and response.get_json()["error"] == "invalid_token"


def test_a_made_up_token_is_refused(app, world):
    response = post_referral(app.test_client(), "not-a-token", payload(world))
    assert response.status_code == 401 and response.get_json()["error"] == "invalid_token"


def test_a_token_without_the_scope_is_forbidden(app, world, clock):
    client, secret = create_client("Reporting", scope="reports:read")
    db.session.commit()
    http = app.test_client()
    token = get_token(http, (client.client_id, secret))
    assert token.get_json()["scope"] == "reports:read"
    response = post_referral(http, token.get_json()["access_token"], payload(world))
    assert response.status_code == 403 and response.get_json()["error"] == "insufficient_scope"


@pytest.mark.parametrize(
    "body, errors",
    [
        ("not json", {"body": "Send a JSON object."}),
        ([], {"body": "Send a JSON object."}),
        (
            {},
            {
                "subject": "This field is required.",
                "niss": "This field is required.",
                "email": "This field is required.",
            },
        ),
        ({"niss": 11234567892}, None),
        ({"niss": "11234567893", "email": "x"}, None),
        ({"language": "fr", "in_person_date": "14/12/2026"}, None),
        ({"subject": "nope"}, {"subject": "No active subject has this code."}),
        (
            {"in_person_date": "2026-01-01"},
            {"in_person_date": "The in-person date is in the past."},
        ),
    ],
)
def test_bad_payloads_get_field_level_messages(app, world, credentials, body, errors):
    http = app.test_client()
    access = get_token(http, credentials).get_json()["access_token"]
    if isinstance(body, dict) and body:
        body = payload(world, **body)
    if body == "not json":
        response = http.post(
            "/api/v1/referrals", data="not json", headers=bearer(access), content_type="text/plain"
        )
    else:
        response = post_referral(http, access, body)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_request"
    got = response.get_json()["errors"]
    if errors is None:  # a message on each field that was wrong
        wrong = {name for name in body if body[name] != payload(world).get(name)}
        assert set(got) == wrong and all(isinstance(m, str) and m for m in got.values())
    else:
        assert got == errors
    assert db.session.scalars(select(Referral).where(Referral.id != world.referral.id)).all() == []


def test_api_client_create_prints_the_credentials_once(app):
    result = app.test_cli_runner().invoke(api_client_cli, ["create", "Linha"])
    assert result.exit_code == 0, result.output
    lines = dict(line.split(":", 1) for line in result.output.splitlines()[:2])
    client = db.session.scalars(select(ApiClient)).one()
    assert lines["client_id"].strip() == client.client_id
    assert client.check_client_secret(lines["client_secret"].strip())
    again = app.test_cli_runner().invoke(api_client_cli, ["create", "Linha"])
    assert again.exit_code == 2
