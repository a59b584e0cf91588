"""A small per-key request counter (fixed one-minute windows) for costly endpoints.

Counters live where the sign-in lockout's do: the database, or Redis when
configured, so every worker and machine sees the same count.
"""

from datetime import datetime, timedelta

from sqlalchemy import Integer, String, case
from sqlalchemy.orm import Mapped, mapped_column

from portal.database import UTCDateTime
from portal.extensions import db
from portal.throttling.counting import moment, upsert
from portal.throttling.service import hashed_key
from portal.transaction import counter_transaction

WINDOW = timedelta(minutes=1)


class RateCounter(db.Model):
    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(Integer)


class DatabaseCounter:
    def hit(self, key: str, now: datetime) -> int:
        """Count one request (one atomic upsert); return the count in the current window."""
        table = RateCounter.__table__
        row = table.c
        ended = row.window_started_at <= moment(now - WINDOW)
        with counter_transaction() as connection:
            return upsert(
                connection,
                table,
                {"key": key, "window_started_at": now, "count": 1},
                {
                    "count": case((ended, 1), else_=row.count + 1),
                    "window_started_at": case((ended, moment(now)), else_=row.window_started_at),
                },
                [row.count],
            ).count


class RedisCounter:
    def __init__(self, client):
        self.client = client

    def hit(self, key: str, now: datetime) -> int:
        name = f"portal:rate:{key}:{int(now.timestamp() // WINDOW.total_seconds())}"
        pipe = self.client.pipeline()
        pipe.incr(name)
        pipe.expire(name, int(WINDOW.total_seconds()) + 1)
        return pipe.execute()[0]


class RateLimiter:
    def __init__(self, counter, secret: str):
        self.counter, self.secret = counter, secret

    def allow(self, kind: str, value: str, limit: int, now: datetime) -> bool:
        """Count a request for (kind, value); False once over ``limit`` this minute."""
        return self.counter.hit(hashed_key(self.secret, kind, value), now) <= limit


def rate_limiter_for(config) -> RateLimiter:
    if config.get("RATELIMIT_REDIS_URL"):
        import redis

        counter = RedisCounter(redis.Redis.from_url(config["RATELIMIT_REDIS_URL"]))
    else:
        counter = DatabaseCounter()
    return RateLimiter(counter, config["SECRET_KEY"])
