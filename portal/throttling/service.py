"""Counting sign-in attempts to stop reference-code and password guessing.

An attempt is counted *before* it is checked, atomically, against every key it
concerns (the code and the address, or the e-mail): once a key has had
``max_failures`` attempts in its window, further attempts are refused without
being checked, and the key is locked for ``lock``. A right answer is forgiven
(it does not count). So 20 simultaneous wrong attempts count as 20, and at most
``max_failures`` of them are ever checked.

Two stores behind one interface: the database (default; one atomic upsert per
key, in the counters' own short transaction) and Redis when
``RATELIMIT_REDIS_URL`` is set (one Lua script per key: INCR and its expiry in
one step). Keys are hashed so neither holds a code or address in clear.
"""

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, or_, select, update

from portal.throttling.counting import moment, upsert
from portal.throttling.models import SignInCounter
from portal.transaction import counter_transaction


@dataclass(frozen=True)
class Policy:
    max_failures: int
    window: timedelta
    lock: timedelta


@dataclass(frozen=True)
class Attempt:
    """One counted attempt: ``locked_until`` set means refused, not to be checked."""

    keys: tuple[str, ...]
    locked_until: datetime | None

    @property
    def allowed(self) -> bool:
        return self.locked_until is None


def hashed_key(secret: str, kind: str, value: str) -> str:
    return hmac.new(secret.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


class DatabaseStore:
    """Counters in the application database: one row per key, one upsert per attempt."""

    table = SignInCounter.__table__

    def count(self, keys: Sequence[str], now: datetime, policy: Policy) -> list[datetime]:
        """Count an attempt against each key, in one transaction and in the given order
        (so concurrent attempts line up the same way on every key); the locks found."""
        row = self.table.c
        # A window that ended, or a lock that ran out, starts the count afresh.
        fresh = or_(
            row.window_started_at <= moment(now - policy.window),
            and_(row.locked_until.is_not(None), row.locked_until <= moment(now)),
        )
        attempts = case((fresh, 1), else_=row.attempts + 1)
        still_locked = and_(row.locked_until.is_not(None), row.locked_until > moment(now))
        changes = {
            "attempts": attempts,
            "window_started_at": case((fresh, moment(now)), else_=row.window_started_at),
            "locked_until": case(
                (still_locked, row.locked_until),
                (attempts > policy.max_failures, moment(now + policy.lock)),
                else_=None,
            ),
        }
        with counter_transaction() as connection:
            results = [
                upsert(
                    connection,
                    self.table,
                    {"key": key, "window_started_at": now, "attempts": 1, "locked_until": None},
                    changes,
                    [row.locked_until],
                )
                for key in keys
            ]
        return [result.locked_until for result in results if result.locked_until is not None]

    def forgive(self, keys: Sequence[str]) -> None:
        row = self.table.c
        with counter_transaction() as connection:
            connection.execute(
                update(self.table)
                .where(row.key.in_(list(keys)), row.attempts > 0, row.locked_until.is_(None))
                .values(attempts=row.attempts - 1)
            )

    def locked_until(self, key: str, now: datetime) -> datetime | None:
        with counter_transaction() as connection:
            until = connection.scalar(
                select(self.table.c.locked_until).where(self.table.c.key == key)
            )
        return until if until is not None and until > now else None

    def attempts(self, key: str) -> int:
        with counter_transaction() as connection:
            return connection.scalar(select(self.table.c.attempts).where(self.table.c.key == key))


# KEYS: pairs of (attempts counter, lock), one pair per key. ARGV: window (ms),
# max_failures, lock (ms). Returns the longest remaining lock in ms (0: none).
COUNT_SCRIPT = """
local longest = 0
for i = 1, #KEYS, 2 do
  local attempts = redis.call('INCR', KEYS[i])
  if attempts == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
  local locked = redis.call('PTTL', KEYS[i + 1])
  if locked <= 0 and attempts > tonumber(ARGV[2]) then
    locked = tonumber(ARGV[3])
    redis.call('SET', KEYS[i + 1], '1', 'PX', locked)
    -- the count ends with the lock: afterwards the key starts afresh
    redis.call('PEXPIRE', KEYS[i], locked)
  end
  if locked > longest then longest = locked end
end
return longest
"""
FORGIVE_SCRIPT = """
for i = 1, #KEYS, 2 do
  if redis.call('EXISTS', KEYS[i + 1]) == 0 and tonumber(redis.call('GET', KEYS[i]) or '0') > 0
  then
    redis.call('DECR', KEYS[i])
  end
end
"""


class RedisStore:
    """Counters in Redis, expiring by themselves; for several app servers."""

    def __init__(self, client):
        self.client = client
        self._count = client.register_script(COUNT_SCRIPT)
        self._forgive = client.register_script(FORGIVE_SCRIPT)

    @staticmethod
    def _names(key: str) -> list[str]:
        return [f"portal:attempts:{key}", f"portal:lock:{key}"]

    def count(self, keys: Sequence[str], now: datetime, policy: Policy) -> list[datetime]:
        """Count an attempt against each key, all in one script (atomic); the lock found."""
        window_ms = int(policy.window.total_seconds() * 1000)
        lock_ms = int(policy.lock.total_seconds() * 1000)
        names = [name for key in keys for name in self._names(key)]
        remaining = int(self._count(keys=names, args=[window_ms, policy.max_failures, lock_ms]))
        return [now + timedelta(milliseconds=remaining)] if remaining > 0 else []

    def forgive(self, keys: Sequence[str]) -> None:
        self._forgive(keys=[name for key in keys for name in self._names(key)])

    def locked_until(self, key: str, now: datetime) -> datetime | None:
        ttl = self.client.pttl(self._names(key)[1])
        return now + timedelta(milliseconds=ttl) if ttl and ttl > 0 else None

    def attempts(self, key: str) -> int:
        return int(self.client.get(self._names(key)[0]) or 0)


class Throttle:
    """``attempt(keys)`` before checking a secret; ``forgive(attempt)`` when it was right."""

    def __init__(self, store, policy: Policy, secret: str):
        self.store, self.policy, self.secret = store, policy, secret

    def key(self, kind: str, value: str) -> str:
        return hashed_key(self.secret, kind, value)

    def attempt(self, keys: Sequence[str], now: datetime) -> Attempt:
        """Count one attempt against every key (atomically, in a fixed order).

        Refused (``locked_until`` set: do not check the secret) when any key is
        over its limit or locked; the latest lock is the one to tell.
        """
        keys = tuple(sorted(set(keys)))
        locks = self.store.count(keys, now, self.policy)
        return Attempt(keys, max(locks) if locks else None)

    def forgive(self, attempt: Attempt) -> None:
        """The attempt was right: it does not count against anyone."""
        self.store.forgive(attempt.keys)

    def locked_until(self, keys: Sequence[str], now: datetime) -> datetime | None:
        """Whether any key is locked now (without counting anything)."""
        times = [t for t in (self.store.locked_until(key, now) for key in keys) if t]
        return max(times) if times else None


def throttle_with_limit(max_failures: int) -> Throttle:
    """The application's throttle (same store, window and lock) with another limit."""
    throttle = current_app.extensions["throttle"]
    policy = replace(throttle.policy, max_failures=max_failures)
    return Throttle(throttle.store, policy, throttle.secret)


def throttle_for(config) -> Throttle:
    policy = Policy(
        max_failures=config["SIGN_IN_MAX_FAILURES"],
        window=timedelta(minutes=config["SIGN_IN_WINDOW_MINUTES"]),
        lock=timedelta(minutes=config["SIGN_IN_LOCK_MINUTES"]),
    )
    if config.get("RATELIMIT_REDIS_URL"):
        import redis

        store = RedisStore(redis.Redis.from_url(config["RATELIMIT_REDIS_URL"]))
    else:
        store = DatabaseStore()
    return Throttle(store, policy, config["SECRET_KEY"])
