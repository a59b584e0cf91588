"""A short memory, in each web process, of the times offered for a subject.

The time page asks for the same answer many times a second when many people
book at once: the free start times of the window for a subject, an audience and
a centre preference. Each process keeps that answer for ``OFFER_CACHE_SECONDS``
(0: never kept) and forgets everything at once when a booking changes in this
process (``booking_changed``) or seats are freed here (``seats_freed``, which
publishing slots sends too).

This is safe because the page only *offers*: an answer at most a few seconds
old may list a time another process has just filled (the person is then told
the time is gone when they hold it: the hold takes a seat atomically and first
tries the next desk with that time), or miss a seat freed meanwhile in another
process (it appears at the next refresh). No seat is ever given twice, and no
booking is decided from this memory.
"""

import threading
import time
from collections.abc import Callable, Hashable

from flask import Flask

from portal.booking import signals

# Expired answers are swept out when the memory grows beyond this many (a key per
# subject, audience, centre and — while rescheduling — the time a person has).
SWEEP_ABOVE = 512


class OfferCache:
    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self._clock = clock
        self._answers: dict[Hashable, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], object]):
        """The answer kept for ``key`` if still fresh, else ``compute()`` (then kept)."""
        if self.seconds <= 0:
            return compute()
        moment = self._clock()
        kept = self._answers.get(key)
        if kept is not None and kept[0] > moment:
            return kept[1]
        answer = compute()
        with self._lock:
            if len(self._answers) >= SWEEP_ABOVE:
                self._answers = {k: v for k, v in self._answers.items() if v[0] > moment}
            self._answers[key] = (moment + self.seconds, answer)
        return answer

    def forget(self) -> None:
        with self._lock:
            self._answers = {}


def _forget_offers(sender, **_details) -> None:
    cache = getattr(sender, "extensions", {}).get("offer_cache")
    if cache is not None:
        cache.forget()


def init_app(app: Flask) -> None:
    app.extensions["offer_cache"] = OfferCache(app.config["OFFER_CACHE_SECONDS"])
    # Both signals are sent with the application as sender (portal.booking.signals).
    signals.booking_changed.connect(_forget_offers)
    signals.seats_freed.connect(_forget_offers)
