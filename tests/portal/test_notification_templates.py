"""Notification words live in template pairs: each name a service uses has both, and they render."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings

from fps_portal.dates import UK_TIME
from fps_portal.notifications.services import render_notification

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIR = ROOT / "templates" / "notifications"
# Every Python module outside the tests that could call notify().
SOURCES = [
    path
    for app in ("fps_portal", "providers", "referrals", "contracts", "quality", "demo")
    for path in (ROOT / app).rglob("*.py")
]
NAME = re.compile(r"""["'](notifications/[a-z_]+)["']""")


def _names_used() -> set[str]:
    return {name for path in SOURCES for name in NAME.findall(path.read_text())}


def _pairs_on_disk() -> set[str]:
    return {
        f"notifications/{path.name.removesuffix('_subject.txt')}"
        for path in TEMPLATE_DIR.glob("*_subject.txt")
    }


def test_the_services_name_their_notification_templates() -> None:
    # Guards the regex below: if no name is found, the other tests would pass vacuously.
    assert len(_names_used()) >= 15


@pytest.mark.parametrize("name", sorted(_names_used()))
def test_every_notification_name_used_has_a_subject_and_a_body_that_render(name: str) -> None:
    base = ROOT / "templates" / name
    assert Path(f"{base}_subject.txt").is_file(), f"{name}_subject.txt is missing"
    assert Path(f"{base}_body.txt").is_file(), f"{name}_body.txt is missing"
    subject, body = render_notification(name, {})
    assert subject and "\n" not in subject
    assert body == body.strip()  # may be empty: a body can be all context (an answer)


def test_no_notification_template_is_left_without_a_caller() -> None:
    assert _pairs_on_disk() == _names_used()
    bodies = {
        f"notifications/{p.name.removesuffix('_body.txt')}" for p in TEMPLATE_DIR.glob("*_body.txt")
    }
    assert bodies == _pairs_on_disk()


def test_plain_text_is_not_html_escaped() -> None:
    subject, body = render_notification(
        "notifications/clarification_answered",
        {"provider": "Smith & Jones <Homes>", "answer": 'Yes & "no" isn\'t it'},
    )
    assert subject == "Smith & Jones <Homes> answered your clarification question"
    assert body == 'Yes & "no" isn\'t it'


def test_a_due_time_is_written_as_gov_uk_writes_it() -> None:
    due_at = datetime.datetime(2027, 3, 3, 14, 30, tzinfo=UK_TIME)
    _, body = render_notification(
        "notifications/clarification_asked", {"due_at": due_at, "question": "Why?"}
    )
    assert body == "Please answer by 3 March 2027 at 2:30pm: Why?"
