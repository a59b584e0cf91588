"""Lockout counters: the database store, and the Redis store against a real Redis."""

import os
from datetime import UTC, datetime, timedelta

import pytest

from portal.throttling.service import DatabaseStore, Policy, RedisStore, Throttle

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
POLICY = Policy(max_failures=5, window=timedelta(minutes=15), lock=timedelta(minutes=15))
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def exercise(throttle):
    keys = [throttle.key("code", "ABC")]
    for minute in range(4):
        throttle.record_failure(keys, NOW + timedelta(minutes=minute))
    assert throttle.locked_until(keys, NOW + timedelta(minutes=4)) is None
    throttle.record_failure(keys, NOW + timedelta(minutes=4))
    until = throttle.locked_until(keys, NOW + timedelta(minutes=5))
    assert until is not None
    assert throttle.locked_until([throttle.key("code", "OTHER")], NOW) is None


def test_database_store_locks_after_five_failures_and_unlocks_later(app):
    throttle = Throttle(DatabaseStore(), POLICY, "secret")
    exercise(throttle)
    key = throttle.key("code", "ABC")
    assert throttle.locked_until([key], NOW + timedelta(minutes=4, seconds=1)) == NOW + timedelta(
        minutes=19
    )
    assert throttle.locked_until([key], NOW + timedelta(minutes=20)) is None


def test_failures_outside_the_window_do_not_add_up(app):
    throttle = Throttle(DatabaseStore(), POLICY, "secret")
    keys = [throttle.key("address", "10.0.0.1")]
    for step in range(10):
        throttle.record_failure(keys, NOW + timedelta(minutes=4 * step))
    assert throttle.locked_until(keys, NOW + timedelta(minutes=40)) is None


def test_keys_never_hold_the_code_in_clear():
    throttle = Throttle(DatabaseStore(), POLICY, "secret")
    assert "ABC" not in throttle.key("code", "ABC")


def test_redis_store_locks_after_five_failures():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    client.flushdb()
    throttle = Throttle(RedisStore(client), POLICY, "secret")
    keys = [throttle.key("code", "ABC")]
    for _ in range(4):
        throttle.record_failure(keys, datetime.now(UTC))
    assert throttle.locked_until(keys, datetime.now(UTC)) is None
    throttle.record_failure(keys, datetime.now(UTC))
    assert throttle.locked_until(keys, datetime.now(UTC)) is not None
    client.flushdb()
