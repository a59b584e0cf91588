"""Outages answered honestly: a database that is down or restarting gives a
translated 503 with Retry-After (JSON for the API), never a 500 or the WSGI
server's own page; a restart between two requests costs no error at all."""

import base64
import threading

import pytest
from bs4 import BeautifulSoup
from flask import g
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from portal.extensions import csrf, db
from portal.integrations.operations import create_client
from portal.referrals import codes
from portal.scheduling.models import DistrictCentre
from tests.doubles.tcp_proxy import TCPProxy
from tests.factories import CITIZEN_NISS, create_world
from tests.live import Browser, postgresql_target, served_portal

UNAVAILABLE_EN = "The service is briefly unavailable"
UNAVAILABLE_PT = "O serviço está momentaneamente indisponível"


def connection_lost():
    return OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))


@pytest.fixture
def broken_routes(app):
    """Views that meet the database going away at different moments of a request."""

    @app.route("/test/in-the-view")
    def in_the_view():
        raise connection_lost()

    @app.route("/test/at-commit", methods=["POST"])
    def at_commit():
        db.session.add(DistrictCentre(code="x", name="x"))

        def fail(_session):
            raise connection_lost()

        event.listen(db.session(), "before_commit", fail, once=True)
        return "done"

    @app.route("/api/v1/test-broken")
    def api_broken():
        raise connection_lost()

    @app.route("/test/at-teardown")
    @app.route("/api/v1/test-at-teardown")
    def at_teardown():
        g.break_teardown = True
        return "done"

    @app.teardown_appcontext
    def teardown(_error):
        if g.pop("break_teardown", False):
            raise connection_lost()

    csrf.exempt(at_commit)
    return app


def test_a_database_error_in_a_view_is_a_translated_503(broken_routes, client):
    english = client.get("/test/in-the-view?lang=en", status=503)
    assert english.h1 == UNAVAILABLE_EN
    assert english.response.headers["Retry-After"] == "30"
    portuguese = client.get("/test/in-the-view?lang=pt", status=503)
    assert portuguese.h1 == UNAVAILABLE_PT and portuguese.lang == "pt-PT"


def test_a_commit_that_fails_is_a_503_and_never_a_false_done(broken_routes, client):
    response = client.client.post("/test/at-commit?lang=en")
    assert response.status_code == 503 and UNAVAILABLE_EN in response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "30"
    assert db.session.query(DistrictCentre).count() == 0


def test_the_api_answers_json(broken_routes, client):
    response = client.client.get("/api/v1/test-broken")
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert response.json["error"] == "temporarily_unavailable"


def served_alone(call):
    """Make the request in a thread of its own: its application context is pushed and
    torn down with it, as on a server (the test's own context is not shared)."""
    results = []
    thread = threading.Thread(target=lambda: results.append(call()))
    thread.start()
    thread.join(30)
    return results[0]


def test_an_error_while_tearing_down_never_reaches_the_wsgi_server(broken_routes):
    http = broken_routes.test_client()
    http.set_cookie("lang", "en")
    response = served_alone(lambda: http.get("/test/at-teardown"))
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.html["lang"] == "en" and page.h1.get_text() == UNAVAILABLE_EN
    http.set_cookie("lang", "pt_PT")
    response = served_alone(lambda: http.get("/test/at-teardown"))
    assert UNAVAILABLE_PT in response.get_data(as_text=True)
    api = served_alone(lambda: http.get("/api/v1/test-at-teardown"))
    assert api.status_code == 503 and api.json["error"] == "temporarily_unavailable"


def test_engines_test_connections_before_use(app):
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


# Against a live server on PostgreSQL, through a proxy that cuts the connections ---------


@pytest.fixture
def proxy():
    with TCPProxy(*postgresql_target()) as proxy:
        yield proxy


def signed_in_person(app, base_url, clock):
    with app.app_context():
        world = create_world(clock.now)
        code = world.referral.code
        credentials = create_client("Linha da Segurança Social")
        db.session.commit()
        client_id, secret = credentials[0].client_id, credentials[1]
    person = Browser(base_url)
    token = person.form("/")["csrf_token"]
    person.post("/", {"code": code, "identifier": CITIZEN_NISS, "csrf_token": token})
    return person, (client_id, secret)


def token_request(base_url, credentials):
    pair = base64.b64encode(":".join(credentials).encode()).decode()
    person = Browser(base_url)
    return person.session.post(
        f"{base_url}/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {pair}"},
        timeout=30,
    )


def test_a_database_restart_between_two_requests_costs_no_error(tmp_path, clock, proxy):
    with served_portal(tmp_path, clock, via_port=proxy.port) as (app, base_url):
        person, credentials = signed_in_person(app, base_url, clock)
        assert person.get("/marcar/horarios").status_code == 200
        assert token_request(base_url, credentials).status_code == 200

        proxy.restart()  # every pooled connection is now dead

        assert person.get("/marcar/horarios").status_code == 200
        assert token_request(base_url, credentials).status_code == 200


def test_without_pre_ping_the_restart_would_cost_a_request_and_it_is_honest(tmp_path, clock, proxy):
    settings = {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False}}
    with served_portal(tmp_path, clock, via_port=proxy.port, **settings) as (app, base_url):
        person, _credentials = signed_in_person(app, base_url, clock)
        assert person.get("/marcar/horarios").status_code == 200
        proxy.restart()
        failed = person.get("/marcar/horarios")
        assert failed.status_code == 503 and failed.headers["Retry-After"] == "30"
        assert person.get("/marcar/horarios").status_code == 200


def test_a_database_that_is_down_gives_503_with_retry_after(tmp_path, clock, proxy):
    with served_portal(tmp_path, clock, via_port=proxy.port) as (app, base_url):
        person, credentials = signed_in_person(app, base_url, clock)
        proxy.down()

        page = person.get("/marcar/horarios")
        assert page.status_code == 503 and page.headers["Retry-After"] == "30"
        assert UNAVAILABLE_EN in page.text and '<html lang="en">' in page.text
        in_portuguese = Browser(base_url, language="pt_PT")
        token = in_portuguese.form("/")["csrf_token"]  # the start page needs no database
        signing_in = in_portuguese.post(
            "/", {"code": codes.generate(), "identifier": CITIZEN_NISS, "csrf_token": token}
        )
        assert signing_in.status_code == 503 and UNAVAILABLE_PT in signing_in.text
        api = token_request(base_url, credentials)
        assert api.status_code == 503 and api.headers["Retry-After"] == "30"
        assert api.json()["error"] == "temporarily_unavailable"

        proxy.up()
        assert person.get("/marcar/horarios").status_code == 200
