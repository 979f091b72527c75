"""The demo holds Sefton's concern at stage 2 (Oakfield sees it) and one that escalated by
itself to stage 3 with its letter of escalation (issue 14's demo data), made through the quality
services; loading it twice changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from demo.steps import DEMO_STEPS
from fps_portal.accounts.models import User
from fps_portal.actors import actor_for_user
from fps_portal.scoping import scoped
from quality.models import Concern, ConcernLetter, EntryKind

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_concern_at_stage_two_and_one_escalated_by_itself_to_stage_three(
    django_capture_on_commit_callbacks: Any,
) -> None:
    for _ in range(2):
        # The letter is rendered when the escalation commits (eagerly in the tests).
        with django_capture_on_commit_callbacks(execute=True):
            for step in DEMO_STEPS:
                step()
    concerns = {c.stage: c for c in Concern.objects.filter(authority__name="Sefton")}
    assert sorted(concerns) == [2, 3] and Concern.objects.count() == 2
    third = concerns[3]
    assert third.agreement is not None
    assert third.entries.filter(kind=EntryKind.ESCALATED_AUTOMATICALLY).count() == 1
    assert third.stages.get(number=3).automatic
    assert ConcernLetter.objects.filter(stage__concern=third).count() == 1
    oakfield = actor_for_user(User.objects.get(email="bids@oakfield.example"))
    assert oakfield is not None
    assert list(scoped(Concern, oakfield)) == [concerns[2]]
