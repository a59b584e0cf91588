"""The token endpoint tells nobody which client ids exist, and keeps a pace."""

from tests.api import test_referrals_api
from tests.api.test_referrals_api import basic, get_token

# The API tests' fixture: a registered client's id and secret.
credentials = test_referrals_api.credentials
UNIFORM = {"error": "invalid_client", "error_description": "Client authentication failed."}


def test_unknown_client_and_wrong_secret_get_the_same_answer(app, credentials):
    client_id, secret = credentials
    http = app.test_client()
    answers = [
        get_token(http, (client_id, "wrong")),
        get_token(http, ("no-such-client", "wrong")),
        get_token(http, (client_id, "wrong"), method="post"),
        get_token(http, ("no-such-client", "wrong"), method="post"),
        http.post("/oauth/token", data={"grant_type": "client_credentials"}),
        http.post("/oauth/token", data={"grant_type": "client_credentials", "client_id": "x"}),
    ]
    for response in answers:
        assert response.status_code == 401
        assert response.get_json() == UNIFORM
        assert response.headers["WWW-Authenticate"] == 'Basic error="invalid_client"'
        assert response.headers["Cache-Control"] == "no-store"
    assert get_token(http, credentials).status_code == 200, "the right secret still works"


def test_token_requests_are_limited_per_client_id(app, credentials):
    app.config["API_TOKEN_REQUESTS_PER_MINUTE"] = 3
    client_id, _secret = credentials
    for n in range(3):
        other_address = {"REMOTE_ADDR": f"10.0.0.{n + 1}"}
        response = app.test_client().post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            headers=basic(client_id, "guess"),
            environ_base=other_address,
        )
        assert response.status_code == 401
    # A fourth guess, from yet another address, and even the right secret, must wait.
    response = app.test_client().post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=basic(*credentials),
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "60"
    assert response.get_json()["error"] == "slow_down"


def test_token_requests_are_limited_per_address(app, credentials, clock):
    app.config["API_TOKEN_REQUESTS_PER_MINUTE"] = 3
    http = app.test_client()
    for n in range(3):
        assert get_token(http, (f"made-up-{n}", "guess")).status_code == 401
    assert get_token(http, credentials).status_code == 429

    clock.advance(minutes=1)
    assert get_token(http, credentials).status_code == 200
