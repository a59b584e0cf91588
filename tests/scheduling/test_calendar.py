from datetime import UTC, date, datetime, time

import pytest

from portal.scheduling.calendar import (
    NonexistentLocalTime,
    add_working_days,
    is_working_day,
    lisbon_to_utc,
)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_winter_and_summer_offsets():
    assert lisbon_to_utc(date(2027, 1, 11), time(9)) == utc(2027, 1, 11, 9)
    assert lisbon_to_utc(date(2027, 7, 12), time(9)) == utc(2027, 7, 12, 8)


def test_skipped_hour_in_march_does_not_exist():
    # 28 March 2027: clocks go from 01:00 to 02:00 local time.
    with pytest.raises(NonexistentLocalTime):
        lisbon_to_utc(date(2027, 3, 28), time(1, 30))
    assert lisbon_to_utc(date(2027, 3, 28), time(2, 0)) == utc(2027, 3, 28, 1)


def test_repeated_hour_in_october_takes_the_first():
    # 25 October 2026: 01:00–02:00 local time happens twice; the first is summer time.
    assert lisbon_to_utc(date(2026, 10, 25), time(1, 30)) == utc(2026, 10, 25, 0, 30)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 12, 1),
        date(2026, 12, 8),
        date(2026, 12, 25),
        date(2027, 4, 25),
        date(2027, 3, 26),
    ],
    ids=["restauracao", "imaculada", "natal", "liberdade", "sexta-feira-santa"],
)
def test_national_holidays_are_not_working_days(day):
    assert not is_working_day(day)


def test_weekends_are_not_working_days():
    assert not is_working_day(date(2026, 11, 28))
    assert not is_working_day(date(2026, 11, 29))
    assert is_working_day(date(2026, 11, 30))


def test_add_working_days_skips_weekends_and_holidays():
    # Friday 27 Nov → Mon 30 Nov, (Tue 1 Dec holiday) → Wed 2 Dec.
    assert add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)
    assert add_working_days(date(2026, 11, 27), 2) == date(2026, 12, 2)
    assert add_working_days(date(2026, 11, 27), 0) == date(2026, 11, 27)
