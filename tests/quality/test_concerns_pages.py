"""Concerns on the pages and the API (issue 14): raising one (bad input at the field, nothing
written; a form sent twice makes one), the provider's view from stage 2 and its answer, the
child's name only to those who may read the child's record (each view audited), another
authority's concern 404, closing without an outcome refused at the field, and the stage 3
letter: rendered once per stage as a tagged PDF, its download audited."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import pytest
from django.urls import reverse

from fps_portal.audit.models import AuditEvent
from quality.models import Concern, ConcernLetter, ConcernStage
from quality.services.concern_escalation import concern_escalate
from quality.services.concern_letters import concern_letter_render, concerns_letters_missing
from quality.services.concerns import OUTCOME_MISSING
from tests.contracts.pdf_world import structure, text_of
from tests.factories import api_client_for
from tests.quality.concern_world import ConcernWorld, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> ConcernWorld:
    return build()


def _at_stage(world: ConcernWorld, concern: Concern, stage: int) -> Concern:
    manager = world.actor(world.manager)
    while concern.stage < stage:
        concern = concern_escalate(
            actor=manager,
            concern=concern,
            reason=f"Unresolved at stage {concern.stage}.",
            provider_contact="Head teacher",
            informed="Sefton Safeguarding Partnership, by e-mail",
        )
    return concern


def test_raising_on_the_page_shows_each_problem_at_its_field_and_writes_nothing(
    world: ConcernWorld, client: Any
) -> None:
    client.force_login(world.qa)
    url = reverse("quality:concern-new")
    assert client.get(url).status_code == 200
    empty = client.post(url, {"timescale_days": "12", "source": "external"})
    body = empty.content.decode()
    assert empty.status_code == 400 and "govuk-error-summary" in body
    assert "Select the placement, setting or provider" in body
    assert "at most 10 working days" in body or "no stage may take longer" in body
    assert "Enter the name of the person outside the council" in body
    assert not Concern.objects.exists()
    key = str(uuid.uuid4())
    sent = {
        "submission_key": key,
        "setting": str(world.setting.pk),
        "category": "care_welfare",
        "summary": "Bedroom doors locked at night",
        "description": "Seen on the visit of 2 December.",
        "immediate_safety": "yes",
        "source": "practitioner",
        "timescale_days": "3",
    }
    first = client.post(url, sent)
    second = client.post(url, sent)
    concern = Concern.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == reverse("quality:concern", args=[concern.pk])
    assert concern.immediate_safety and concern.safety_flagged_at is not None
    assert ConcernStage.objects.get(concern=concern).timescale_days == 3


def test_the_child_is_named_only_to_those_who_read_the_child_s_record(
    world: ConcernWorld, client: Any
) -> None:
    concern = world.raise_concern(by=world.commissioner, setting=None, agreement=world.placement)
    concern = _at_stage(world, concern, 2)
    child = world.placement.child
    assert child is not None
    url = reverse("quality:concern", args=[concern.pk])
    seen: dict[str, bool] = {}
    for name, user in (
        ("commissioner", world.commissioner),
        ("qa", world.qa),
        ("provider", world.provider_user),
    ):
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200, name
        seen[name] = child.family_name in page.content.decode()
    assert seen == {"commissioner": True, "qa": False, "provider": True}
    views = AuditEvent.objects.filter(verb="viewed_child_record", object_id=str(child.pk))
    assert set(views.values_list("actor_id", flat=True)) == {
        world.commissioner.pk,
        world.provider_user.pk,
    }
    # Nor does the API carry the child's identity, to anyone.
    for user in (world.commissioner, world.provider_user):
        answer = api_client_for(user).get(f"/api/v1/concerns/{concern.pk}/")
        assert answer.status_code == 200 and child.family_name not in answer.content.decode()


def test_a_provider_sees_its_own_concern_from_stage_two_and_answers_it(
    world: ConcernWorld, client: Any
) -> None:
    concern = world.raise_concern(
        immediate_safety=True, source="external", raised_by_name="Alex Whistleblower"
    )
    client.force_login(world.provider_user)
    url = reverse("quality:concern", args=[concern.pk])
    assert client.get(url).status_code == 404
    concern = _at_stage(world, concern, 2)
    page = client.get(url).content.decode()
    assert "Night staffing" in page
    assert "Alex Whistleblower" not in page
    assert "Immediate safety" not in page
    client.force_login(world.other_provider_user)
    assert client.get(url).status_code == 404
    client.force_login(world.provider_user)
    record = reverse("quality:concern-record", args=[concern.pk])
    assert client.post(record, {"text": ""}).status_code == 400
    assert client.post(record, {"text": "A second night worker from Monday."}).status_code == 302
    api = api_client_for(world.provider_user)
    answered = api.post(f"/api/v1/concerns/{concern.pk}/answer/", {"text": "Rota attached."})
    assert answered.status_code == 200
    texts = [e["text"] for s in answered.json()["stages"] for e in s["entries"]]
    assert "A second night worker from Monday." in texts and "Rota attached." in texts
    assert api.post(f"/api/v1/concerns/{concern.pk}/close/", {}).status_code == 403


def test_another_authority_s_concern_is_404_on_the_pages_and_the_api(
    world: ConcernWorld, client: Any
) -> None:
    concern = world.raise_concern()
    client.force_login(world.other_commissioner)
    for name in ("quality:concern", "quality:concern-escalate", "quality:concern-close"):
        assert client.get(reverse(name, args=[concern.pk])).status_code == 404, name
    api = api_client_for(world.other_commissioner)
    assert api.get(f"/api/v1/concerns/{concern.pk}/").status_code == 404
    assert api.post(f"/api/v1/concerns/{concern.pk}/escalate/", {"reason": "x"}).status_code == 404
    assert api.get("/api/v1/concerns/").json()["results"] == []


def test_closing_without_the_outcome_is_refused_at_the_field_on_the_page_and_the_api(
    world: ConcernWorld, client: Any
) -> None:
    concern = world.raise_concern()
    client.force_login(world.qa)
    url = reverse("quality:concern-close", args=[concern.pk])
    refused = client.post(url, {"outcome_for_child": " "})
    assert refused.status_code == 400 and OUTCOME_MISSING in refused.content.decode()
    api = api_client_for(world.qa)
    answer = api.post(f"/api/v1/concerns/{concern.pk}/close/", {"outcome_for_child": "  "})
    assert answer.status_code == 400
    assert "outcome_for_child" in answer.json()["error"]["fields"]
    concern.refresh_from_db()
    assert concern.state == "open"
    done = api.post(f"/api/v1/concerns/{concern.pk}/close/", {"outcome_for_child": "Settled."})
    assert done.status_code == 200 and done.json()["state"] == "closed"
    again = api.post(f"/api/v1/concerns/{concern.pk}/close/", {"outcome_for_child": "Again."})
    assert again.status_code == 409


def test_the_api_raises_a_concern_and_escalates_it(world: ConcernWorld) -> None:
    api = api_client_for(world.qa)
    made = api.post(
        "/api/v1/concerns/",
        {
            "setting": world.setting.pk,
            "category": "premises",
            "summary": "Fire door wedged open",
            "description": "Seen twice.",
            "timescale_days": 4,
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["stage"], body["stages"][0]["timescale_days"]) == (1, 4)
    too_long = api.post(
        f"/api/v1/concerns/{body['id']}/escalate/",
        {"reason": "Unresolved.", "timescale_days": 11, "provider_contact": "Head"},
        format="json",
    )
    assert too_long.status_code == 400 and "timescale_days" in too_long.json()["error"]["fields"]
    moved = api.post(
        f"/api/v1/concerns/{body['id']}/escalate/",
        {"reason": "Unresolved.", "provider_contact": "Head"},
        format="json",
    )
    assert moved.status_code == 200 and moved.json()["stage"] == 2
    provider = api_client_for(world.provider_user).get("/api/v1/concerns/").json()["results"]
    assert [c["id"] for c in provider] == [body["id"]]
    assert "raised_by" not in provider[0] and "immediate_safety" not in provider[0]


def test_the_letter_is_rendered_once_per_stage_as_a_tagged_pdf_and_its_download_is_audited(
    world: ConcernWorld, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    concern = world.raise_concern(by=world.commissioner, setting=None, agreement=world.placement)
    with django_capture_on_commit_callbacks(execute=True):
        concern = _at_stage(world, concern, 3)
    stage = ConcernStage.objects.get(concern=concern, number=3)
    letter = ConcernLetter.objects.get(stage=stage)
    assert concern_letter_render(stage_id=stage.pk) == letter  # stored once: not rendered again
    assert ConcernLetter.objects.count() == 1 and concerns_letters_missing() == 0
    with letter.file.open("rb") as handle:
        pdf = handle.read()
    assert hashlib.sha256(pdf).hexdigest() == letter.sha256
    text = text_of(pdf)
    assert "Letter of escalation" in text, text
    assert world.placement.reference in text.replace("\n", "").replace(" ", ""), text
    assert "Grace Commissioning" in text and "Night staffing" in text
    assert world.placement.child is not None
    assert world.placement.child.family_name not in text
    tags = [tag for tag, _ in structure(pdf)]
    for needed in ("/Document", "/H1", "/H2", "/P", "/Table", "/TH", "/TD", "/Caption"):
        assert needed in tags, needed
    # No letter for another stage.
    first = ConcernStage.objects.get(concern=concern, number=1)
    assert concern_letter_render(stage_id=first.pk) is None
    client.force_login(world.provider_user)
    download = client.get(reverse("quality:concern-letter", args=[letter.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(
        verb="downloaded", object_id=str(letter.pk), actor=world.provider_user
    ).exists()
    client.force_login(world.other_provider_user)
    assert client.get(reverse("quality:concern-letter", args=[letter.pk])).status_code == 404
