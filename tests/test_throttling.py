"""Sign-in counters: exact under bursts, in the database store and in Redis."""

import os
import threading
from datetime import UTC, datetime, timedelta

import pytest

from portal.extensions import db
from portal.throttling.rate import DatabaseCounter
from portal.throttling.service import DatabaseStore, Policy, RedisStore, Throttle

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
POLICY = Policy(max_failures=5, window=timedelta(minutes=15), lock=timedelta(minutes=15))
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_client():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture(params=["database", "redis"])
def throttle(request, app):
    if request.param == "database":
        return Throttle(DatabaseStore(), POLICY, "secret")
    return Throttle(RedisStore(request.getfixturevalue("redis_client")), POLICY, "secret")


def test_five_attempts_are_checked_and_the_sixth_is_refused_until_the_lock_ends(throttle):
    keys = [throttle.key("code", "ABC")]
    for minute in range(5):
        assert throttle.attempt(keys, NOW + timedelta(minutes=minute)).allowed
    refused = throttle.attempt(keys, NOW + timedelta(minutes=5))
    assert not refused.allowed
    assert throttle.locked_until(keys, NOW + timedelta(minutes=5)) is not None
    assert throttle.attempt([throttle.key("code", "OTHER")], NOW).allowed


def test_the_lock_lasts_its_time_then_counting_starts_afresh(app):
    throttle = Throttle(DatabaseStore(), POLICY, "secret")
    keys = [throttle.key("code", "ABC")]
    for minute in range(6):
        throttle.attempt(keys, NOW + timedelta(minutes=minute))
    assert throttle.locked_until(keys, NOW + timedelta(minutes=6)) == NOW + timedelta(minutes=20)
    assert not throttle.attempt(keys, NOW + timedelta(minutes=19)).allowed
    assert throttle.attempt(keys, NOW + timedelta(minutes=20)).allowed
    assert throttle.store.attempts(keys[0]) == 1


def test_attempts_outside_the_window_do_not_add_up(app):
    throttle = Throttle(DatabaseStore(), POLICY, "secret")
    keys = [throttle.key("address", "10.0.0.1")]
    for step in range(10):
        assert throttle.attempt(keys, NOW + timedelta(minutes=4 * step)).allowed


def test_right_answers_are_forgiven(throttle):
    keys = [throttle.key("staff-email", "ana@seg-social.pt")]
    for _ in range(20):
        throttle.forgive(throttle.attempt(keys, NOW))
    assert throttle.attempt(keys, NOW).allowed
    assert throttle.store.attempts(keys[0]) == 1


def test_one_attempt_counts_against_every_key(throttle):
    code, address = throttle.key("code", "ABC"), throttle.key("address", "10.0.0.1")
    for _ in range(5):
        throttle.attempt([code, address], NOW)
    assert not throttle.attempt([throttle.key("code", "XYZ"), address], NOW).allowed
    assert (throttle.store.attempts(code), throttle.store.attempts(address)) == (5, 6)


def test_keys_never_hold_the_code_in_clear():
    throttle = Throttle(DatabaseStore(), POLICY, "secret")
    assert "ABC" not in throttle.key("code", "ABC")


def test_twenty_simultaneous_attempts_count_as_twenty_and_five_are_checked(app, throttle):
    keys = [throttle.key("code", "ABC"), throttle.key("address", "10.0.0.1")]
    start = threading.Barrier(20)
    outcomes, errors = [], []

    def try_once():
        with app.app_context():
            start.wait()
            try:
                outcomes.append(throttle.attempt(keys, NOW).allowed)
            except Exception as error:  # noqa: BLE001 — the test reports every error
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=try_once) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(outcomes) == [False] * 15 + [True] * 5
    assert [throttle.store.attempts(key) for key in keys] == [20, 20]


def test_request_counters_count_every_hit_under_a_burst(app):
    counter = DatabaseCounter()
    start = threading.Barrier(10)
    counts = []

    def hit():
        with app.app_context():
            start.wait()
            counts.append(counter.hit("device-check:1", NOW))
            db.session.remove()

    threads = [threading.Thread(target=hit) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(counts) == list(range(1, 11))
    assert counter.hit("device-check:1", NOW + timedelta(minutes=1)) == 1, "a new minute"
