"""Working days and Lisbon wall-clock time.

Slots are planned in Lisbon local time and stored in UTC. Around the clock
changes (last Sunday of March and of October, 01:00 UTC) a local time may not
exist or may exist twice; ``lisbon_to_utc`` refuses the first and takes the
first occurrence of the second, so no slot is ever an hour off.
"""

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import holidays

LISBON = ZoneInfo("Europe/Lisbon")
AZORES = ZoneInfo("Atlantic/Azores")


# Dates people and staff type are for this century: outside it a date is a typo (or an
# attack: day arithmetic on 9999-12-31 overflows), refused like a malformed one.
REASONABLE_YEARS = range(2000, 2101)


def reasonable_date(day: date | None) -> bool:
    return day is None or day.year in REASONABLE_YEARS


class NonexistentLocalTime(ValueError):
    """The wall-clock time falls in the hour skipped when clocks go forward."""


@lru_cache(maxsize=32)
def national_holidays(year: int) -> "holidays.HolidayBase":
    # The public category only: Carnaval is a yearly decision (tolerância de
    # ponto), recorded as a closure when granted. Imported here: loading every
    # country's calendars costs a web worker memory it needs only for the times.
    import holidays

    return holidays.country_holidays("PT", years=year, language="pt_PT")


def is_holiday(day: date) -> bool:
    return day in national_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_holiday(day)


def add_working_days(day: date, count: int) -> date:
    """The ``count``-th working day after ``day`` (``day`` itself when count is 0)."""
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def lisbon_to_utc(day: date, clock: time) -> datetime:
    local = datetime.combine(day, clock, tzinfo=LISBON)  # fold=0: first of a repeated hour
    utc = local.astimezone(UTC)
    if utc.astimezone(LISBON).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NonexistentLocalTime(f"{day} {clock} does not exist in Lisbon")
    return utc


def to_lisbon(moment: datetime) -> datetime:
    return moment.astimezone(LISBON)


def lisbon_today(now: datetime) -> date:
    return to_lisbon(now).date()
