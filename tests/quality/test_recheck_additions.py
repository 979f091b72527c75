"""A provider adds to its open re-check the evidence it did not hold when the re-check opened
(issue 13: a re-check of a provider holding no evidence could never be sent). The document goes
into its library and onto the re-check, answered; bad input writes neither."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from providers.models import Evidence, EvidenceKind
from quality.models import ItemResponse, Recheck, RecheckEvent, RecheckItem, RecheckState
from quality.services.recheck_additions import recheck_item_add
from quality.services.recheck_schedule import rechecks_open_due
from quality.services.rechecks import NOTHING_HELD, recheck_submit
from tests.factories import api_client_for
from tests.quality.recheck_world import World, build_world, pdf

pytestmark = pytest.mark.django_db

ANNIVERSARY = datetime.date(2026, 3, 10)
NEXT_YEAR = timezone.localdate() + datetime.timedelta(days=365)


@pytest.fixture
def world() -> World:
    built = build_world()
    Evidence.objects.filter(provider=built.oak).delete()  # Oak Trust holds nothing
    return built


def opened(world: World) -> Recheck:
    rechecks_open_due(today=ANNIVERSARY)
    return Recheck.objects.get(membership=world.oak_membership)


def _insurance(world: World, recheck: Recheck, **changes: object) -> RecheckItem:
    fields: dict[str, object] = {
        "kind": EvidenceKind.INSURANCE,
        "title": "Public liability 2027",
        "upload": pdf(),
        "valid_until": NEXT_YEAR,
        "insurance_type": "public_liability",
        "insurer": "Mutual Assurance",
        "cover_amount": Decimal("5000000"),
    }
    fields.update(changes)
    return recheck_item_add(actor=world.oak_actor, recheck=recheck, **fields)  # type: ignore[arg-type]


def test_a_recheck_opened_with_nothing_held_is_sent_once_evidence_is_added(world):
    recheck = opened(world)
    assert not recheck.items.exists()
    with pytest.raises(InvalidInput) as refused:
        recheck_submit(actor=world.oak_actor, recheck=recheck)
    assert refused.value.fields["items"] == [NOTHING_HELD]

    item = _insurance(world, recheck)
    assert item.response == ItemResponse.CONFIRMED and item.responded_by == world.oak_user
    assert item.evidence.provider_id == world.oak.pk  # in the library too
    assert RecheckEvent.objects.filter(recheck=recheck, item=item).exists()
    recheck_submit(actor=world.oak_actor, recheck=recheck)
    recheck.refresh_from_db()
    assert recheck.state == RecheckState.SUBMITTED


def test_bad_evidence_is_refused_at_its_fields_and_adds_nothing(world):
    recheck = opened(world)
    with pytest.raises(InvalidInput) as refused:
        _insurance(world, recheck, title="", upload=None, insurer="", insurance_type="")
    assert {"title", "file", "insurer", "insurance_type"} <= set(refused.value.fields)
    with pytest.raises(InvalidInput) as past:
        _insurance(world, recheck, valid_until=timezone.localdate())
    assert "valid_until" in past.value.fields
    assert not Evidence.objects.filter(provider=world.oak).exists()
    assert not recheck.items.exists()


def test_only_the_provider_adds_and_only_while_the_recheck_is_with_it(world):
    recheck = opened(world)
    with pytest.raises(NotAllowed):
        recheck_item_add(
            actor=world.elm_actor, recheck=recheck, kind="policy", title="x", upload=pdf()
        )
    with pytest.raises(NotAllowed):
        recheck_item_add(
            actor=world.lead_actor, recheck=recheck, kind="policy", title="x", upload=pdf()
        )
    _insurance(world, recheck)
    recheck_submit(actor=world.oak_actor, recheck=recheck)
    with pytest.raises(WrongState):
        _insurance(world, recheck, title="Another")
    assert recheck.items.count() == 1


def test_the_page_and_the_api_add_evidence(world, signed_in):
    recheck = opened(world)
    url = reverse("quality:recheck-add", args=[recheck.pk])
    client = signed_in(world.oak_user)
    assert (
        "Add evidence to this re-check"
        in client.get(reverse("quality:recheck", args=[recheck.pk])).content.decode()
    )
    empty = client.post(url, {})
    assert empty.status_code == 400 and "govuk-error-summary" in empty.content.decode()
    assert not recheck.items.exists()
    sent = client.post(
        url,
        {
            "kind": "policy",
            "title": "Safeguarding policy 2026",
            "file": pdf(),
        },
    )
    assert sent.status_code == 302 and sent["Location"] == reverse(
        "quality:recheck", args=[recheck.pk]
    )
    assert recheck.items.get().evidence.title == "Safeguarding policy 2026"

    api = api_client_for(world.oak_user)
    answer = api.post(
        f"/api/v1/rechecks/{recheck.pk}/add/",
        {"kind": "registration", "title": "Companies House", "file": pdf()},
        format="multipart",
    )
    assert answer.status_code == 200, answer.content
    assert "Companies House" in {i["title"] for i in answer.json()["items"]}
    other = api.post(
        f"/api/v1/rechecks/{recheck.pk}/add/",
        {"kind": "dfe_registration", "title": "DfE", "file": pdf(), "setting": 999_999},
        format="multipart",
    )
    assert other.status_code == 400 and "setting" in other.json()["error"]["fields"]
    assert recheck.items.count() == 2
