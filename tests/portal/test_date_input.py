"""The GOV.UK date input (fps_portal.date_input): three boxes in a fieldset, and the messages
the Design System's date input guidance asks for."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.template import Context, Template

from fps_portal.date_input import DateInputField, DateTimeInputField, parse_time
from fps_portal.dates import UK_TIME


class TermForm(forms.Form):
    term_start = DateInputField(label="Term starts", subject="the date the term starts")
    review_on = DateInputField(label="Review date", required=False, subject="the review date")


class WindowForm(forms.Form):
    opens_at = DateTimeInputField(label="Opens at", when="the window opens")


def _errors(data: dict[str, str], form_class: type[forms.Form] = TermForm) -> dict[str, list[str]]:
    form = form_class(data)
    form.is_valid()
    return dict(form.errors)


def _date(day: str, month: str, year: str, name: str = "term_start") -> dict[str, str]:
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


def test_a_whole_date_is_read():
    form = TermForm(_date("1", "4", "2027"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"term_start": datetime.date(2027, 4, 1), "review_on": None}


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("", "", ""), "Enter the date the term starts."),
        (("1", "", "2027"), "The date the term starts must include a month."),
        (("", "", "2027"), "The date the term starts must include a day and month."),
        (("1", "4", ""), "The date the term starts must include a year."),
        (("31", "2", "2027"), "The date the term starts must be a real date."),
        (("1", "13", "2027"), "The date the term starts must be a real date."),
        (("first", "4", "2027"), "The date the term starts must be a real date."),
        (("1", "4", "²⁰²⁷"), "The date the term starts must be a real date."),
        (
            ("1", "4", "27"),
            "The year of the date the term starts must include 4 numbers, like 2027.",
        ),
        (
            ("1", "4", "20271"),
            "The year of the date the term starts must include 4 numbers, like 2027.",
        ),
    ],
)
def test_each_mistake_has_the_guidance_message(parts, message):
    assert _errors(_date(*parts)) == {"term_start": [message]}


def test_an_optional_date_may_be_left_empty_but_not_half_typed():
    assert _errors({**_date("1", "4", "2027"), **_date("", "", "", "review_on")}) == {}
    half = {**_date("1", "4", "2027"), **_date("3", "", "", "review_on")}
    assert _errors(half) == {"review_on": ["The review date must include a month and year."]}


def test_one_iso_value_under_the_field_name_is_still_read():
    form = TermForm({"term_start": "2027-04-01"})
    assert form.is_valid() and form.cleaned_data["term_start"] == datetime.date(2027, 4, 1)
    assert _errors({"term_start": "tomorrow"}) == {
        "term_start": ["The date the term starts must be a real date."]
    }


def _rendered(form: forms.Form, name: str) -> str:
    return Template("{% load govuk %}{% govuk_field field %}").render(
        Context({"field": form[name]})
    )


def test_it_is_drawn_as_the_govuk_date_input_and_marks_only_the_box_at_fault():
    form = TermForm(_date("1", "", "2027"))
    form.is_valid()
    html = _rendered(form, "term_start")
    assert 'type="date"' not in html
    assert '<fieldset class="govuk-fieldset" role="group"' in html
    assert 'class="govuk-date-input" id="id_term_start"' in html
    for part, label in (("day", "Day"), ("month", "Month"), ("year", "Year")):
        label_for = f'govuk-date-input__label" for="id_term_start_{part}">{label}</label>'
        assert label_for in html
        assert f'name="term_start_{part}"' in html
    assert html.count("govuk-input--error") == 1
    assert 'id="id_term_start_month"' in html.split("govuk-input--error")[1][:80]
    assert 'value="2027"' in html and "For example, 27 3 2027." in html
    assert 'aria-describedby="id_term_start-hint id_term_start-error"' in html


def test_an_unbound_form_shows_its_initial_date_in_the_boxes():
    form = TermForm(initial={"term_start": datetime.date(2027, 4, 1)})
    html = _rendered(form, "term_start")
    assert 'value="1"' in html and 'value="4"' in html and 'value="2027"' in html


def test_the_error_summary_links_to_the_day_box():
    form = TermForm({})
    html = Template(
        "{% load govuk %}{% govuk_error_items form as items %}"
        "{% for i in items %}{{ i.href }} {% endfor %}"
    ).render(Context({"form": form}))
    assert html.split() == ["#id_term_start_day"]


@pytest.mark.parametrize(
    ("text", "time"),
    [
        ("9am", datetime.time(9)),
        ("9:30am", datetime.time(9, 30)),
        ("2.30 pm", datetime.time(14, 30)),
        ("14:30", datetime.time(14, 30)),
        ("12pm", datetime.time(12)),
        ("12am", datetime.time(0)),
        ("midday", datetime.time(12)),
        ("Midnight", datetime.time(0)),
        ("13pm", None),
        ("25:00", None),
        ("9:75", None),
        ("soon", None),
    ],
)
def test_times_are_read_as_people_write_them(text, time):
    assert parse_time(text) == time


def test_a_date_and_time_is_in_uk_time():
    form = WindowForm({**_date("1", "7", "2027", "opens_at"), "opens_at_time": "9:30am"})
    assert form.is_valid(), form.errors
    opens = form.cleaned_data["opens_at"]
    assert opens == datetime.datetime(2027, 7, 1, 9, 30, tzinfo=UK_TIME)
    assert opens.utcoffset() == datetime.timedelta(hours=1)  # British Summer Time


@pytest.mark.parametrize(
    ("time", "message"),
    [
        ("", "Enter the time the window opens, like 9am or 2:30pm."),
        ("half nine", "The time the window opens must be a real time, like 9am or 2:30pm."),
    ],
)
def test_a_missing_or_wrong_time_is_named(time, message):
    data = {**_date("1", "7", "2027", "opens_at"), "opens_at_time": time}
    assert _errors(data, WindowForm) == {"opens_at": [message]}


def test_a_date_and_time_left_empty_asks_for_both():
    assert _errors({}, WindowForm) == {"opens_at": ["Enter the date and time the window opens."]}


def test_a_stored_moment_is_shown_in_uk_time():
    moment = datetime.datetime(2027, 7, 1, 16, 0, tzinfo=datetime.UTC)
    html = _rendered(WindowForm(initial={"opens_at": moment}), "opens_at")
    assert 'value="5pm"' in html and 'for="id_opens_at_time">Time</label>' in html


def test_one_iso_moment_is_read_in_its_own_zone():
    form = WindowForm({"opens_at": "2027-07-01T16:00:00+00:00"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["opens_at"] == datetime.datetime(2027, 7, 1, 16, tzinfo=datetime.UTC)
    naive = WindowForm({"opens_at": "2027-07-01T09:30"})
    assert naive.is_valid() and naive.cleaned_data["opens_at"].hour == 9
