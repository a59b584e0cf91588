"""Lockout after repeated failures: N failures in a window lock a key for a while."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from portal.extensions import db
from portal.throttling.models import SignInFailure, SignInLock
from portal.transaction import commit_early


@dataclass(frozen=True)
class Policy:
    max_failures: int
    window: timedelta
    lock: timedelta


def hashed_key(secret: str, kind: str, value: str) -> str:
    return hmac.new(secret.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


class DatabaseStore:
    """Counters in the application database, committed as soon as they are written."""

    def locked_until(self, key: str, now: datetime) -> datetime | None:
        until = db.session.scalar(select(SignInLock.locked_until).where(SignInLock.key == key))
        return until if until is not None and until > now else None

    def record_failure(self, key: str, now: datetime, policy: Policy) -> None:
        db.session.execute(
            delete(SignInFailure).where(SignInFailure.failed_at < now - policy.window)
        )
        db.session.add(SignInFailure(key=key, failed_at=now))
        db.session.flush()
        recent = db.session.scalar(
            select(func.count())
            .select_from(SignInFailure)
            .where(SignInFailure.key == key, SignInFailure.failed_at > now - policy.window)
        )
        if recent >= policy.max_failures:
            lock = db.session.get(SignInLock, key) or SignInLock(key=key)
            lock.locked_until = now + policy.lock
            db.session.add(lock)
            db.session.execute(delete(SignInFailure).where(SignInFailure.key == key))
        commit_early()  # the failure counts whatever the request does next


class RedisStore:
    """Counters in Redis, expiring by themselves; for several app servers."""

    def __init__(self, client):
        self.client = client

    def locked_until(self, key: str, now: datetime) -> datetime | None:
        ttl = self.client.pttl(f"portal:lock:{key}")
        return now + timedelta(milliseconds=ttl) if ttl and ttl > 0 else None

    def record_failure(self, key: str, now: datetime, policy: Policy) -> None:
        counter = f"portal:fail:{key}"
        pipe = self.client.pipeline()
        pipe.zadd(counter, {f"{now.timestamp()}": now.timestamp()})
        pipe.zremrangebyscore(counter, 0, (now - policy.window).timestamp())
        pipe.zcard(counter)
        pipe.expire(counter, int(policy.window.total_seconds()) + 1)
        count = pipe.execute()[2]
        if count >= policy.max_failures:
            self.client.set(f"portal:lock:{key}", "1", px=int(policy.lock.total_seconds() * 1000))
            self.client.delete(counter)


class Throttle:
    def __init__(self, store, policy: Policy, secret: str):
        self.store, self.policy, self.secret = store, policy, secret

    def key(self, kind: str, value: str) -> str:
        return hashed_key(self.secret, kind, value)

    def locked_until(self, keys: list[str], now: datetime) -> datetime | None:
        times = [t for t in (self.store.locked_until(key, now) for key in keys) if t]
        return max(times) if times else None

    def record_failure(self, keys: list[str], now: datetime) -> None:
        for key in keys:
            self.store.record_failure(key, now, self.policy)


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
