"""Working days for response deadlines: Monday to Friday, less England's bank holidays.

The bank holidays come from the `holidays` package (England's subdivision of the UK), so no list
needs keeping by hand. Pure: no database, no settings.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=[year]).keys())


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start` (`start` itself never counts)."""
    day = start
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day
