"""The time page's short memory of the free times (portal.scheduling.offer_cache)."""

from datetime import UTC, datetime, timedelta

import pytest

from portal.booking import signals, transitions
from portal.extensions import db
from portal.scheduling.models import Audience
from portal.scheduling.offer_cache import OfferCache
from portal.scheduling.offers import current_offer, earliest_time
from tests.factories import (
    create_booking,
    create_desk,
    create_referral,
    create_slot,
    create_subject,
)

NOW = datetime(2026, 11, 25, tzinfo=UTC)
WINDOW = (datetime(2026, 11, 30, tzinfo=UTC), datetime(2026, 12, 5, tzinfo=UTC))
MONDAY_9 = datetime(2026, 11, 30, 9, tzinfo=UTC)


class Ticks:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_an_answer_is_kept_for_its_lifetime_then_asked_again():
    ticks, asked = Ticks(), []
    cache = OfferCache(2, clock=ticks)

    def answer():
        asked.append(ticks.now)
        return len(asked)

    assert cache.get("key", answer) == 1
    ticks.now += 1.9
    assert cache.get("key", answer) == 1
    assert cache.get("other", answer) == 2
    ticks.now += 0.2  # "key" is now 2.1 s old
    assert cache.get("key", answer) == 3


def test_forgetting_drops_every_answer():
    cache, asked = OfferCache(60), []
    cache.get("a", lambda: asked.append("a"))
    cache.get("b", lambda: asked.append("b"))
    cache.forget()
    cache.get("a", lambda: asked.append("a"))
    assert asked == ["a", "b", "a"]


def test_zero_seconds_keeps_nothing():
    cache, asked = OfferCache(0), []
    for _ in range(3):
        cache.get("key", lambda: asked.append(1))
    assert len(asked) == 3


def two_desks_at_nine():
    subject = create_subject()
    slots = [create_slot(create_desk(subjects=[subject]), MONDAY_9) for _ in range(2)]
    later = create_slot(create_desk(subjects=[subject]), MONDAY_9 + timedelta(hours=1))
    return subject, slots, later


def offered(subject):
    return current_offer(subject, Audience.CITIZEN, NOW, WINDOW).times


def test_the_tests_see_every_change_at_once(app):
    """The suite runs with the memory off (OFFER_CACHE_SECONDS=0)."""
    subject, slots, later = two_desks_at_nine()
    assert offered(subject) == (MONDAY_9, later.starts_at)
    for slot in slots:
        create_booking(create_referral(subject, NOW), slot)
    db.session.flush()
    assert offered(subject) == (later.starts_at,)


class TestKept:
    @pytest.fixture
    def app_settings(self):
        return {"OFFER_CACHE_SECONDS": 60}

    def test_a_change_written_elsewhere_shows_after_the_lifetime(self, app):
        """As another web process's booking would: this process learns it only later."""
        subject, slots, later = two_desks_at_nine()
        assert offered(subject) == (MONDAY_9, later.starts_at)
        for slot in slots:
            create_booking(create_referral(subject, NOW), slot)
        db.session.flush()
        assert offered(subject) == (MONDAY_9, later.starts_at)  # kept
        # The standalone earliest time (phone line, API) is never kept.
        assert earliest_time(subject, Audience.CITIZEN, NOW, WINDOW) == later.starts_at
        app.extensions["offer_cache"].seconds = 0  # as if the lifetime had passed
        assert offered(subject) == (later.starts_at,)

    def test_a_booking_change_in_this_process_is_seen_at_once(self, app):
        subject, slots, later = two_desks_at_nine()
        assert offered(subject) == (MONDAY_9, later.starts_at)
        transitions.hold(create_referral(subject, NOW), [later.id], NOW, 15, WINDOW)
        assert offered(subject) == (MONDAY_9,)

    def test_freed_seats_are_seen_at_once(self, app):
        subject, slots, later = two_desks_at_nine()
        booking = create_booking(create_referral(subject, NOW), later)
        db.session.flush()
        assert offered(subject) == (MONDAY_9,)
        booking.status = "cancelled"
        db.session.flush()
        signals.seats_freed.send(app, slot_ids=[later.id], now=NOW)
        assert offered(subject) == (MONDAY_9, later.starts_at)
