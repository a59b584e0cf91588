"""The device check's page, its strictly validated results, the declaration, the network test."""

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.device_check.browsers import browser_from_user_agent, support
from portal.device_check.models import DeviceCheck, Outcome
from portal.extensions import db
from tests.citizen.test_journey import bookings_of, sign_in
from tests.factories import create_world

CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
GOOD = {
    "camera": {"outcome": "passed"},
    "microphone": {"outcome": "passed", "level": 37},
    "speakers": {"outcome": "passed"},
    "network": {"download_kbps": 25000, "upload_kbps": 8000.4, "latency_ms": 40},
    "browser": {"outcome": "passed"},
}


@pytest.fixture
def held(app, client, clock):
    world = create_world(clock.now)
    sign_in(client, world.referral, english=True)
    slot_id = client.get("/marcar/horarios").radio_values()[0]
    client.submit("/marcar/horarios", {"horario": slot_id})
    return world


def post_results(client, payload, token=None, user_agent=CHROME):
    token = token if token is not None else client.get("/verificar-equipamento").csrf_token()
    return client.client.post(
        "/verificar-equipamento/resultados",
        data=json.dumps(payload),
        content_type="application/json",
        headers={"X-CSRFToken": token, "User-Agent": user_agent},
    )


def checks_of(referral):
    db.session.expire_all()
    return db.session.scalars(
        select(DeviceCheck).where(DeviceCheck.referral_id == referral.id).order_by(DeviceCheck.id)
    ).all()


def test_the_page_carries_its_texts_as_data_and_works_without_javascript(client, held):
    page = client.get("/verificar-equipamento")
    assert page.h1 == "Check your camera, microphone and connection"
    scripts = page.soup.find_all("script")
    assert all(s.get("src") or s.get("type") == "application/json" for s in scripts), "CSP"
    assert page.soup.find("script", src=re.compile(r"^/static/js/device-check\.[0-9a-f]{12}\.js$"))
    config = json.loads(page.soup.find("script", id="device-check-config").string)
    assert config["texts"]["outcome.passed"] == "Passed"
    assert "choose Allow" in config["texts"]["allow"]
    assert config["thresholds"] == {"good_kbps": 1500, "failing_kbps": 500, "good_latency_ms": 300}
    assert config["urls"]["results"] == "/verificar-equipamento/resultados"
    assert page.soup.select_one("[data-device-check]").has_attr("hidden"), "shown by the script"
    assert "needs JavaScript" in page.soup.find("noscript").get_text()
    assert page.soup.select("form[action='/verificar-equipamento/declaracao'] fieldset")
    assert page.soup.select_one("[aria-live]")


def test_results_are_stored_with_the_booking_and_shown(client, held, clock):
    response = post_results(client, GOOD)
    assert response.status_code == 201, response.get_data(as_text=True)

    (check,) = checks_of(held.referral)
    (booking,) = bookings_of(held.referral)
    assert check.booking_id == booking.id and check.checked_at == clock.now
    assert (check.browser_family, check.browser_version, check.platform) == (
        "chrome",
        131,
        "desktop",
    )
    assert check.outcomes() == dict.fromkeys(check.outcomes(), Outcome.PASSED)
    assert (check.download_kbps, check.upload_kbps, check.latency_ms) == (25000, 8000, 40)
    assert check.microphone_level == 37 and not check.self_declared

    review = client.get("/marcar/revisao")
    results = review.soup.select(".device-results__item")
    assert [r.select_one(".badge").get_text() for r in results] == ["Passed"] * 5
    assert "download 25.0 Mbit/s, upload 8.0 Mbit/s, delay 40 ms" in review.main_text()
    assert "Run the check again" in review.main_text()


def test_the_server_decides_what_the_network_figures_mean(client, held):
    cases = [
        ({"download_kbps": 1500, "upload_kbps": 1500, "latency_ms": 300}, Outcome.PASSED),
        ({"download_kbps": 1499, "upload_kbps": 5000, "latency_ms": 20}, Outcome.WARNING),
        ({"download_kbps": 9000, "upload_kbps": 9000, "latency_ms": 301}, Outcome.WARNING),
        ({"download_kbps": 9000, "upload_kbps": 499, "latency_ms": 20}, Outcome.FAILED),
        ({"download_kbps": None, "upload_kbps": None, "latency_ms": None}, Outcome.FAILED),
    ]
    for network, expected in cases:
        assert post_results(client, dict(GOOD, network=network)).status_code == 201
        assert checks_of(held.referral)[-1].network == expected, network


def test_a_phone_browser_is_never_reported_better_than_a_warning(client, held):
    assert post_results(client, GOOD, user_agent=IPHONE).status_code == 201
    check = checks_of(held.referral)[-1]
    assert (check.platform, check.browser) == ("ios", Outcome.WARNING)
    mine = client.get("/verificar-equipamento").main_text()
    assert "install the free Microsoft Teams app from the App Store" in mine


INVALID = [
    None,
    [],
    {k: v for k, v in GOOD.items() if k != "speakers"},
    dict(GOOD, webcam={"outcome": "passed"}),
    dict(GOOD, camera={"outcome": "great"}),
    dict(GOOD, camera={"outcome": "passed", "device": "Logitech C920"}),
    dict(GOOD, camera={"outcome": "passed", "problem": "denied"}),
    dict(GOOD, camera={"outcome": "failed", "problem": "hacked"}),
    dict(GOOD, microphone={"outcome": "passed", "level": 101}),
    dict(GOOD, microphone={"outcome": "passed", "level": True}),
    dict(GOOD, network={"download_kbps": -1, "upload_kbps": 1, "latency_ms": 1}),
    dict(GOOD, network={"download_kbps": "fast", "upload_kbps": 1, "latency_ms": 1}),
    dict(GOOD, network={"download_kbps": 1, "upload_kbps": 1, "latency_ms": 10**9}),
    dict(GOOD, browser="passed"),
]


def test_anything_but_what_our_page_sends_is_refused(app, client, held):
    app.config["DEVICE_CHECK_RESULTS_PER_MINUTE"] = len(INVALID)
    token = client.get("/verificar-equipamento").csrf_token()
    for payload in INVALID:
        assert post_results(client, payload, token=token).status_code == 400, payload
    assert checks_of(held.referral) == []


def test_results_need_the_csrf_token_and_a_booking_in_preparation(client, held, clock, app):
    assert post_results(client, GOOD, token="").status_code == 400
    assert post_results(client, GOOD, token="forged").status_code == 400
    token = client.get("/verificar-equipamento").csrf_token()

    client.submit("/marcar/confirmar", form_url="/marcar/revisao")
    (booking,) = bookings_of(held.referral)
    clock.now = booking.slot.starts_at
    assert post_results(client, GOOD, token=token).status_code == 403, "the session started"
    clock.now = booking.slot.starts_at - timedelta(days=1)
    assert post_results(client, GOOD, token=token).status_code == 201

    other = app.test_client()
    response = other.post(
        "/verificar-equipamento/resultados", json=GOOD, headers={"X-CSRFToken": token}
    )
    assert response.status_code in (400, 403), "no session: no results"
    assert len(checks_of(held.referral)) == 1


def test_without_javascript_the_person_declares_their_equipment(client, held):
    page = client.submit("/verificar-equipamento/declaracao", {}, "/verificar-equipamento", 200)
    assert len(page.errors()) == 4
    answers = {"camera": "yes", "microphone": "unsure", "speakers": "yes", "connection": "no"}
    location = client.submit("/verificar-equipamento/declaracao", answers, "/verificar-equipamento")
    assert location.endswith("/verificar-equipamento")

    (check,) = checks_of(held.referral)
    assert check.self_declared and check.browser is None
    assert (check.camera, check.microphone, check.speakers, check.network) == (
        Outcome.PASSED,
        Outcome.WARNING,
        Outcome.PASSED,
        Outcome.FAILED,
    )
    review = client.get("/marcar/revisao").main_text()
    assert "These are your own answers" in review
    assert "You told us this does not work" in review


def test_the_latest_run_is_shown_and_a_denied_permission_explains_itself(client, held, clock):
    post_results(client, GOOD)
    clock.advance(minutes=2)
    denied = dict(GOOD, camera={"outcome": "failed", "problem": "denied"})
    post_results(client, denied)
    page = client.get("/verificar-equipamento")
    first = page.soup.select_one(".device-results__item")
    assert first.select_one(".badge").get_text() == "Failed"
    assert "blocked the camera" in first.get_text(" ") and "Allow" in first.get_text(" ")


def test_network_endpoints_serve_only_a_booking_capped_and_rate_limited(app, client, held, clock):
    echo = client.client.get("/verificar-equipamento/rede/eco")
    assert echo.status_code == 204 and echo.headers["Cache-Control"] == "no-store"
    download = client.client.get("/verificar-equipamento/rede/descarga?bytes=99999999")
    assert len(download.data) == 2 * 1024 * 1024
    assert download.headers["Cache-Control"] == "no-store"
    assert download.data[:4096] != download.data[4096:8192], "not compressible filler"
    small = client.client.get("/verificar-equipamento/rede/descarga?bytes=1000")
    assert len(small.data) == 1000

    token = client.get("/verificar-equipamento").csrf_token()
    headers = {"X-CSRFToken": token, "Content-Type": "application/octet-stream"}
    sent = client.client.post(
        "/verificar-equipamento/rede/envio", data=b"x" * 5000, headers=headers
    )
    assert sent.status_code == 200 and sent.json == {"received": 5000}
    assert sent.headers["Cache-Control"] == "no-store"
    too_big = b"x" * (2 * 1024 * 1024 + 1)
    assert (
        client.client.post("/verificar-equipamento/rede/envio", data=too_big, headers=headers)
    ).status_code == 413
    no_token = client.client.post("/verificar-equipamento/rede/envio", data=b"x")
    assert no_token.status_code == 400

    app.config["DEVICE_CHECK_REQUESTS_PER_MINUTE"] = 5  # 4 served so far (refusals not counted)
    assert client.client.get("/verificar-equipamento/rede/eco").status_code == 204
    assert client.client.get("/verificar-equipamento/rede/eco").status_code == 429
    assert client.client.get("/verificar-equipamento/rede/descarga").status_code == 429
    clock.advance(seconds=61)
    assert client.client.get("/verificar-equipamento/rede/eco").status_code == 204

    stranger = app.test_client()
    assert stranger.get("/verificar-equipamento/rede/descarga").status_code == 403
    assert stranger.get("/verificar-equipamento/rede/eco").status_code == 403


@pytest.mark.parametrize(
    "user_agent, family, version, platform, outcome",
    [
        (CHROME, "chrome", 131, "desktop", Outcome.PASSED),
        (CHROME.replace("Safari/537.36", "Safari/537.36 Edg/130.0.0.0"), "edge", 130, "desktop",
         Outcome.PASSED),
        ("Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0", "firefox", 128,
         "desktop", Outcome.PASSED),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "Version/17.5 Safari/605.1.15", "safari", 17, "desktop", Outcome.PASSED),
        (CHROME.replace("Chrome/131", "Chrome/90"), "chrome", 90, "desktop", Outcome.WARNING),
        (IPHONE, "safari", 17, "ios", Outcome.WARNING),
        ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0 Mobile Safari/537.36", "chrome", 131, "android", Outcome.WARNING),
        ("curl/8.0", "other", None, "desktop", Outcome.WARNING),
        (None, "other", None, "desktop", Outcome.WARNING),
    ],
)  # fmt: skip
def test_browsers_are_told_apart_by_their_user_agent(
    user_agent, family, version, platform, outcome
):
    browser = browser_from_user_agent(user_agent)
    assert (browser.family, browser.version, browser.platform) == (family, version, platform)
    assert support(browser) == outcome


def test_results_and_declarations_are_limited_per_minute(app, client, held, clock):
    token = client.get("/verificar-equipamento").csrf_token()
    for _n in range(4):
        assert post_results(client, GOOD, token=token).status_code == 201
    answers = {"camera": "yes", "microphone": "yes", "speakers": "yes", "connection": "yes"}
    assert (
        client.client.post(
            "/verificar-equipamento/declaracao", data={**answers, "csrf_token": token}
        ).status_code
        == 302
    )

    refused = post_results(client, GOOD, token=token)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    page = client.client.post(
        "/verificar-equipamento/declaracao", data={**answers, "csrf_token": token}
    )
    assert page.status_code == 429 and "Too many attempts" in page.get_data(as_text=True)
    assert len(checks_of(held.referral)) == 5

    clock.advance(minutes=1)
    assert post_results(client, GOOD, token=token).status_code == 201
