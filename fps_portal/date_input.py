"""Dates typed as GOV.UK asks for them: day, month and year in three labelled boxes.

https://design-system.service.gov.uk/components/date-input/ and the "Dates" pattern. The
browser's own picker (``type="date"``) is not used: some browsers show it as mm/dd/yyyy, some
accept a five-digit year, and it is hard to use with a screen reader or voice control.

``DateInputField`` (a date) and ``DateTimeInputField`` (a date and a time of day, in UK time)
are Django ``MultiValueField``s whose ``DateInputWidget`` posts ``<name>_day``, ``<name>_month``,
``<name>_year`` (and ``<name>_time``). The ``govuk_field`` tag draws them as a
``govuk-date-input`` in a fieldset; the error summary links to the day box.

The messages follow the component's guidance, naming the date in words (``subject``, like "the
date the term starts"):

- nothing entered: "Enter the date the term starts." (the field's ``required`` message);
- a part missing: "The date the term starts must include a month" (or "a day and month");
- not a date: "The date the term starts must be a real date" (the field's ``invalid`` message);
- a year not of 4 digits: "The year ... must include 4 numbers".

Only the boxes at fault are marked in red (``error_parts``); all three when the date is not real.

A single ISO 8601 value posted under the field's own name (``term_start=2027-04-01``) is read
too, so scripts and tests that post one value keep working.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from fps_portal import dates

DATE_PARTS = ("day", "month", "year")
PART_WIDTHS = {"day": 2, "month": 2, "year": 4, "time": 5}
DATE_EXAMPLE = "For example, 27 3 2027."
TIME_EXAMPLE = "For the time, for example, 9am, 2:30pm or midday."

_TIME = re.compile(r"^(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<half>am|pm)?$")
_NAMED_TIMES = {"midday": (12, 0), "noon": (12, 0), "midnight": (0, 0)}


def _and_joined(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def parse_time(text: str) -> datetime.time | None:
    """ "9am", "9:30am", "2.30pm", "14:30", "midday", "midnight"; None when it is not a time."""
    text = text.strip().lower().replace(" ", "")
    if text in _NAMED_TIMES:
        return datetime.time(*_NAMED_TIMES[text])
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if match["half"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["half"] == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


class DateInputWidget(forms.MultiWidget):
    """Day, month and year text boxes (plus a time box with ``with_time``)."""

    def __init__(self, attrs: dict[str, Any] | None = None, *, with_time: bool = False) -> None:
        self.with_time = with_time
        parts = (*DATE_PARTS, "time") if with_time else DATE_PARTS
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.TextInput(
                attrs={"inputmode": "numeric"} if part != "time" else {"spellcheck": "false"}
            )
            for part in parts
        }
        super().__init__(widgets, attrs)

    @property
    def parts(self) -> tuple[str, ...]:
        return (*DATE_PARTS, "time") if self.with_time else DATE_PARTS

    def decompress(self, value: Any) -> list[str]:
        if isinstance(value, datetime.datetime):
            local = dates.uk_local(value) if value.tzinfo else value
            return [str(local.day), str(local.month), str(local.year), dates.govuk_time(local)]
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [""] * len(self.parts)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        if name in data and not any(f"{name}_{part}" in data for part in self.parts):
            return self._from_iso(str(data.get(name) or ""))
        return [str(data.get(f"{name}_{part}") or "") for part in self.parts]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and super().value_omitted_from_data(data, files, name)

    def _from_iso(self, text: str) -> list[str]:
        text = text.strip()
        try:
            value: datetime.date = (
                datetime.datetime.fromisoformat(text)
                if self.with_time
                else datetime.date.fromisoformat(text)
            )
        except ValueError:
            # Kept where the person would see it, so it reads as "not a real date".
            return [text, text, text, ""][: len(self.parts)] if text else [""] * len(self.parts)
        if isinstance(value, datetime.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=dates.UK_TIME)  # a time without a zone is UK time
        return self.decompress(value)


class DateInputField(forms.MultiValueField):
    """A date from day, month and year boxes, checked as the GOV.UK date input asks."""

    widget = DateInputWidget

    def __init__(self, *, subject: str = "", **kwargs: Any) -> None:
        self.subject = subject or f"the {str(kwargs.get('label') or 'date').lower()}"
        messages = {
            "required": f"Enter {self.subject}.",
            "invalid": f"{_sentence(self.subject)} must be a real date.",
            **kwargs.pop("error_messages", {}),
        }
        kwargs.setdefault("widget", self.widget())
        #: The boxes, in order: day, month, year (and time).
        self.parts: tuple[str, ...] = kwargs["widget"].parts
        super().__init__(
            fields=tuple(forms.CharField(required=False) for _ in self.parts),
            require_all_fields=False,
            error_messages=messages,
            **kwargs,
        )
        #: The boxes the last clean() found at fault, for the widget to mark.
        self.error_parts: tuple[str, ...] = ()

    def clean(self, value: Any) -> Any:
        self.error_parts = ()
        parts = self.parts
        given = dict(zip(parts, (str(v or "").strip() for v in (value or [])), strict=False))
        if not any(given.values()):
            if self.required:
                self.error_parts = parts[:1]
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        result = self.compress([given.get(part, "") for part in parts])
        self.validate(result)
        self.run_validators(result)
        return result

    def _fail(self, parts: tuple[str, ...], message: Any, code: str) -> ValidationError:
        self.error_parts = parts
        return ValidationError(message, code=code)

    def compress(self, data_list: list[str]) -> Any:
        given = dict(zip(self.parts, data_list, strict=False))
        missing = tuple(part for part in DATE_PARTS if not given[part])
        if missing:
            raise self._fail(
                missing,
                f"{_sentence(self.subject)} must include a {_and_joined(list(missing))}.",
                "incomplete",
            )
        if not all(given[part].isascii() and given[part].isdigit() for part in DATE_PARTS):
            raise self._fail(DATE_PARTS, self.error_messages["invalid"], "invalid")
        if len(given["year"]) != 4:
            raise self._fail(
                ("year",),
                f"The year of {self.subject} must include 4 numbers, like 2027.",
                "invalid_year",
            )
        try:
            return datetime.date(int(given["year"]), int(given["month"]), int(given["day"]))
        except ValueError:
            raise self._fail(DATE_PARTS, self.error_messages["invalid"], "invalid") from None


class DateTimeInputField(DateInputField):
    """A date from day, month and year boxes and a time of day ("9:30am"), in UK time.

    GOV.UK has no time component; its guidance is to ask for a time in the way people write
    it, so one box takes "9am", "2:30pm", "14:30" or "midday".
    """

    def __init__(self, *, when: str, **kwargs: Any) -> None:
        self.when = when
        kwargs.setdefault("widget", DateInputWidget(with_time=True))
        kwargs.setdefault("subject", f"the date {when}")
        messages = {
            "required": f"Enter the date and time {when}.",
            "time_missing": f"Enter the time {when}, like 9am or 2:30pm.",
            "time_invalid": f"The time {when} must be a real time, like 9am or 2:30pm.",
            **kwargs.pop("error_messages", {}),
        }
        super().__init__(error_messages=messages, **kwargs)

    def compress(self, data_list: list[str]) -> Any:
        day = super().compress(data_list[:3])
        text = data_list[3] if len(data_list) > 3 else ""
        if not text:
            raise self._fail(("time",), self.error_messages["time_missing"], "time_missing")
        time = parse_time(text)
        if time is None:
            raise self._fail(("time",), self.error_messages["time_invalid"], "time_invalid")
        return datetime.datetime.combine(day, time, tzinfo=dates.UK_TIME)
