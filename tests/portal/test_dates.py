"""Dates and times read as GOV.UK writes them, in UK time, on every page and in every message."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from fps_portal.dates import govuk_date, govuk_datetime, govuk_time

UTC = datetime.UTC


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (datetime.date(2026, 12, 1), "1 December 2026"),
        (datetime.date(2027, 3, 9), "9 March 2027"),
        (datetime.date(2027, 5, 31), "31 May 2027"),
        (None, ""),
        # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST): the UK day is shown.
        (datetime.datetime(2027, 6, 30, 23, 30, tzinfo=UTC), "1 July 2027"),
        # In winter London is on UTC (GMT), so the same clock time stays on the same day.
        (datetime.datetime(2027, 1, 31, 23, 30, tzinfo=UTC), "31 January 2027"),
    ],
)
def test_govuk_date(value: datetime.date | None, shown: str) -> None:
    assert govuk_date(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (datetime.time(9, 30), "9:30am"),
        (datetime.time(9, 5), "9:05am"),
        (datetime.time(17, 0), "5pm"),
        (datetime.time(12, 0), "midday"),
        (datetime.time(0, 0), "midnight"),
        (datetime.time(12, 30), "12:30pm"),
        (datetime.time(0, 15), "12:15am"),
        (datetime.time(23, 59, 59), "11:59pm"),
        (None, ""),
    ],
)
def test_govuk_time(value: datetime.time | None, shown: str) -> None:
    assert govuk_time(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        # Clocks go forward at 01:00 UTC on 28 March 2027: GMT before, BST after.
        (datetime.datetime(2027, 3, 28, 0, 59, tzinfo=UTC), "28 March 2027 at 12:59am"),
        (datetime.datetime(2027, 3, 28, 1, 0, tzinfo=UTC), "28 March 2027 at 2am"),
        # Clocks go back at 01:00 UTC on 31 October 2027: BST before, GMT after.
        (datetime.datetime(2027, 10, 31, 0, 30, tzinfo=UTC), "31 October 2027 at 1:30am"),
        (datetime.datetime(2027, 10, 31, 1, 30, tzinfo=UTC), "31 October 2027 at 1:30am"),
        (datetime.datetime(2027, 6, 1, 11, 0, tzinfo=UTC), "1 June 2027 at midday"),
        (datetime.datetime(2027, 1, 1, 12, 0, tzinfo=UTC), "1 January 2027 at midday"),
        (datetime.datetime(2026, 12, 1, 0, 0, tzinfo=UTC), "1 December 2026 at midnight"),
        (datetime.datetime(2026, 12, 1, 9, 30, tzinfo=UTC), "1 December 2026 at 9:30am"),
        (datetime.datetime(2027, 7, 4, 16, 0, tzinfo=UTC), "4 July 2027 at 5pm"),
        (datetime.date(2027, 7, 4), "4 July 2027"),
        (None, ""),
    ],
)
def test_govuk_datetime(value: datetime.date | None, shown: str) -> None:
    assert govuk_datetime(value) == shown


def test_the_zone_is_london_whatever_zone_is_active() -> None:
    moment = datetime.datetime(2027, 6, 1, 8, 0, tzinfo=UTC)
    with timezone.override("America/New_York"):
        assert govuk_datetime(moment) == "1 June 2027 at 9am"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        govuk_datetime(datetime.datetime(2027, 6, 1, 9, 0))
    with pytest.raises(ValueError, match="aware"):
        govuk_date(datetime.datetime(2027, 6, 1, 9, 0))


def test_other_types_are_refused() -> None:
    with pytest.raises(TypeError):
        govuk_date("2027-06-01")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        govuk_time(datetime.date(2027, 6, 1))  # type: ignore[arg-type]


def test_template_filters() -> None:
    template = Template(
        "{% load govuk %}{{ day|govuk_date }}|{{ at|govuk_time }}|{{ at|govuk_datetime }}"
        '|{{ missing|govuk_date }}|{{ none|govuk_date|default:"Not signed" }}'
    )
    context = Context(
        {
            "day": datetime.date(2027, 2, 3),
            "at": datetime.datetime(2027, 8, 3, 16, 45, tzinfo=UTC),
            "none": None,
        }
    )
    assert template.render(context) == (
        "3 February 2027|5:45pm|3 August 2027 at 5:45pm||Not signed"
    )


def test_template_filters_refuse_a_string() -> None:
    template = Template("{% load govuk %}{{ value|govuk_date }}")
    with pytest.raises(TypeError):
        template.render(Context({"value": "yesterday"}))
