"""Dates and times as GOV.UK writes them, for everything a person reads.

The GOV.UK style guide (https://www.gov.uk/guidance/style-guide/a-to-z#dates, #times):

- dates: "1 December 2026": no leading zero, the month in full, no day of the week;
- times: "9:30am", "5pm" (no ":00"), "midday" and "midnight" instead of 12pm and 12am;
- both: "1 December 2026 at 9:30am".

Aware datetimes are shown in UK time (Europe/London), so a window that closes at 17:00 UTC in
June reads "6pm". Naive datetimes are refused: the portal stores aware datetimes only, and a naive
one would be shown in whatever zone it happened to be made in.

Machine formats (ISO 8601 in CSV, XLSX and the API, file names, ``<time datetime>``) are not
what this module is for; keep ``isoformat()`` there.

Templates use the filters of the same names in ``fps_portal/templatetags/govuk.py``:
``{{ window.closes_at|govuk_datetime }}``.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

#: The zone every person using the portal reads times in.
UK_TIME = ZoneInfo("Europe/London")

# Spelt out rather than taken from strftime("%B") or calendar.month_name, which follow the
# process's C locale and would change with it.
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

DateLike = datetime.date | datetime.datetime | None
TimeLike = datetime.datetime | datetime.time | None


def uk_local(moment: datetime.datetime) -> datetime.datetime:
    """``moment`` in UK time; a naive datetime is a bug, so it raises ValueError."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got naive {moment!r}")
    return moment.astimezone(UK_TIME)


def govuk_date(value: DateLike) -> str:
    """ "1 December 2026" for a date, or for an aware datetime's day in UK time; "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = uk_local(value).date()
    if not isinstance(value, datetime.date):
        raise TypeError(f"expected a date or datetime, got {type(value).__name__}")
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def govuk_time(value: TimeLike) -> str:
    """ "9:30am", "5pm", "midday" or "midnight", in UK time for a datetime; "" for None.

    Seconds are dropped, not rounded: a deadline of 16:59:59 still reads "4:59pm".
    """
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = uk_local(value).timetz()
    if not isinstance(value, datetime.time):
        raise TypeError(f"expected a time or datetime, got {type(value).__name__}")
    if value.minute == 0 and value.hour in (0, 12):
        return "midnight" if value.hour == 0 else "midday"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    if value.minute == 0:
        return f"{hour}{suffix}"
    return f"{hour}:{value.minute:02d}{suffix}"


def govuk_datetime(value: DateLike) -> str:
    """ "1 December 2026 at 9:30am" in UK time; just the date for a date; "" for None."""
    if value is None:
        return ""
    if not isinstance(value, datetime.datetime):
        return govuk_date(value)
    local = uk_local(value)
    return f"{govuk_date(local)} at {govuk_time(local)}"
