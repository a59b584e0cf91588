"""The pilot's figures on a small data set worked out by hand."""

from datetime import UTC, date, datetime

import pytest

from portal.evaluation import figures
from portal.evaluation.charts import bar_chart
from portal.extensions import db
from tests.factories import (
    create_booking,
    create_centre,
    create_desk,
    create_referral,
    create_slot,
    create_subject,
)

PERIOD = figures.Period(date(2026, 11, 1), date(2026, 12, 31))


def day(month, d, hour=10):
    return datetime(2026, month, d, hour, tzinfo=UTC)  # Lisbon is UTC in winter


@pytest.fixture
def data(app):
    subject = create_subject(name_pt="Contribuições")
    north = create_desk(centre=create_centre(name="Centro Norte"), name="Balcão Norte")
    south = create_desk(centre=create_centre(name="Centro Sul"), name="Balcão Sul")

    def session(desk, created, starts, status, in_person=None):
        referral = create_referral(subject, created, created_at=created, in_person_date=in_person)
        return create_booking(referral, create_slot(desk, starts), status=status)

    # (desk, referral issued, session, status, earliest in-person date offered)
    session(north, day(11, 2, 9), day(11, 5), "attended", date(2026, 11, 20))  # 3 days, +15
    session(north, day(11, 2, 9), day(11, 12), "no_show")  # 10 days
    session(north, day(10, 1, 9), day(11, 10), "confirmed")  # 40 days; issued before
    session(south, day(11, 3, 9), day(11, 4), "confirmed", date(2026, 11, 10))  # 1 day, +6
    session(south, day(11, 3, 9), day(11, 20), "attended")  # 17 days
    session(south, day(11, 3, 9), day(11, 6), "cancelled")  # not a wait
    create_referral(subject, day(11, 4), created_at=day(11, 4))  # never booked
    create_slot(north, day(11, 13))  # a seat nobody took
    create_slot(north, day(10, 20))  # outside the period
    db.session.commit()


def test_counts(data):
    assert figures.counts(PERIOD) == figures.Counts(
        referrals=6, bookings=6, cancellations=1, no_shows=1, attended=2
    )


def test_waits_overall(data):
    overall = figures.recorded_waits(PERIOD)
    assert overall.count == 5
    assert overall.mean == pytest.approx(14.2)
    assert overall.median == 10
    assert overall.p90 == pytest.approx(30.8)  # 17 + 0.6 × (40 − 17)
    assert overall.against_national == pytest.approx(5.2)
    assert (overall.gain_count, overall.mean_gain) == (2, 10.5)


def test_waits_by_desk_centre_and_subject(data):
    north, south = figures.referral_to_session_days(PERIOD, "desk")
    assert (north.label, north.count, north.median) == ("Balcão Norte", 3, 10)
    assert north.mean == pytest.approx(53 / 3)
    assert north.p90 == pytest.approx(34)  # 10 + 0.8 × 30
    assert (south.label, south.mean, south.median, south.p90) == ("Balcão Sul", 9, 9, 15.4)
    assert south.against_national == 0
    assert [w.label for w in figures.referral_to_session_days(PERIOD, "centre")] == [
        "Centro Norte",
        "Centro Sul",
    ]
    (only,) = figures.referral_to_session_days(PERIOD, "subject")
    assert (only.label, only.count) == ("Contribuições", 5)


def test_utilisation_per_desk(data):
    north, south = figures.utilisation(PERIOD)
    assert (north.desk, north.booked, north.offered, north.share) == ("Balcão Norte", 3, 4, 0.75)
    assert (south.booked, south.offered) == (2, 3)


def test_an_empty_period_has_no_figures(data):
    empty = figures.Period(date(2027, 1, 1), date(2027, 1, 31))
    assert figures.recorded_waits(empty).count == 0 and figures.recorded_waits(empty).mean is None
    assert figures.referral_to_session_days(empty, "desk") == []


def test_bar_chart_geometry_marks_bars_over_the_reference():
    chart = bar_chart([("A", 3.0), ("B", 12.0), ("C", None)], 9, lambda v: f"{v} d")
    assert [bar.label for bar in chart.bars] == ["A", "B"]
    assert [bar.over_reference for bar in chart.bars] == [False, True]
    assert chart.bars[1].width == pytest.approx(chart.bars[0].width * 4)
    assert chart.plot_left < chart.reference_x < chart.plot_left + chart.bars[1].width
