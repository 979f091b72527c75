"""Issue 10: a member's change to an approved price is a proposal the lead authority decides.

Crewe School (Oak Trust, on the FPS) is approved at £3,000 a week on lot A1 (day). Until the lead
authority accepts a new price, every commissioner sees £3,000, marked "change pending"; a refusal
needs a reason and leaves £3,000. A price not yet approved is changed directly.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from fps_portal.accounts.models import Role
from fps_portal.actors import actor_for_user
from fps_portal.audit.models import AuditEvent
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.models import Notification
from providers.models import PriceChange, PriceChangeState, Setting, SettingLot
from providers.services.price_changes import (
    REFUSAL_REASON_MISSING,
    price_change_decide,
    price_changes_pending,
)
from providers.services.setting_prices import setting_set_price
from tests.factories import api_client_for, person
from tests.providers.directory.conftest import build_world
from tests.providers.directory.test_judgement_rules import lead_evaluator, provider_of

pytestmark = pytest.mark.django_db


def crewe_day(world) -> SettingLot:  # type: ignore[no-untyped-def]
    return SettingLot.objects.get(setting=world.crewe, lot=world.day)


def propose(world, price: str = "3400.00", reason: str = "New therapy staff") -> PriceChange:  # type: ignore[no-untyped-def]
    setting_set_price(
        actor=provider_of(world),
        setting=world.crewe,
        lot=world.day,
        weekly_price=price,
        change_reason=reason,
    )
    return PriceChange.objects.get(offer__setting=world.crewe, state=PriceChangeState.PENDING)


def test_a_new_price_on_an_approved_lot_waits_and_the_approved_price_stands(world):
    person(Role.LEAD_EVALUATOR)  # someone to tell
    change = propose(world)
    offer = crewe_day(world)
    assert offer.weekly_price == Decimal("3000.00") and offer.change_pending
    assert (change.approved_price, change.proposed_price) == (Decimal("3000"), Decimal("3400"))
    assert change.reason == "New therapy staff"
    world.crewe.refresh_from_db()
    assert world.crewe.price_change_pending and world.crewe.cheapest_price == Decimal("3000.00")
    assert AuditEvent.objects.filter(object_type="providers.pricechange", verb="created").exists()
    assert Notification.objects.filter(event_key=f"price-change-proposed:{change.pk}").exists()


def test_accepting_makes_the_proposed_price_the_approved_price_and_tells_the_provider(world):
    provider_user = person(Role.PROVIDER_USER, organisation=world.provider)
    change = propose(world, price="2900.00")
    price_change_decide(
        change=change, actor=lead_evaluator(), outcome=PriceChangeState.ACCEPTED, reason=""
    )
    change.refresh_from_db()
    offer = crewe_day(world)
    assert change.state == PriceChangeState.ACCEPTED and change.accepted_at is not None
    assert offer.weekly_price == Decimal("2900.00") and not offer.change_pending
    world.crewe.refresh_from_db()
    assert not world.crewe.price_change_pending
    assert world.crewe.cheapest_price == Decimal("2900.00")  # the search fields follow
    note = Notification.objects.get(recipient=provider_user)
    assert note.subject == "Crewe School: price change accepted"
    assert AuditEvent.objects.filter(object_type="providers.settinglot", verb="updated").exists()


def test_refusing_needs_a_reason_and_leaves_the_approved_price(world):
    provider_user = person(Role.PROVIDER_USER, organisation=world.provider)
    change = propose(world)
    with pytest.raises(InvalidInput) as refused:
        price_change_decide(
            change=change, actor=lead_evaluator(), outcome=PriceChangeState.REFUSED, reason=" "
        )
    assert refused.value.fields == {"reason": [REFUSAL_REASON_MISSING]}
    price_change_decide(
        change=change,
        actor=lead_evaluator(),
        outcome=PriceChangeState.REFUSED,
        reason="Not justified by the tender.",
    )
    change.refresh_from_db()
    assert change.state == PriceChangeState.REFUSED
    assert change.decision_reason == "Not justified by the tender."
    assert crewe_day(world).weekly_price == Decimal("3000.00")
    assert not crewe_day(world).change_pending
    body = Notification.objects.get(
        event_key=f"price-change-decided:{change.pk}", recipient=provider_user
    ).body
    assert "Not justified by the tender." in body and "£3000.00 a week stands" in body


def test_only_the_lead_authoritys_evaluators_decide(world):
    change = propose(world)
    for role in (Role.COMMISSIONER, Role.PROVIDER_USER):
        someone = actor_for_user(
            person(role, organisation=world.provider if role == Role.PROVIDER_USER else None)
        )
        with pytest.raises(NotAllowed):
            price_change_decide(
                change=change, actor=someone, outcome=PriceChangeState.ACCEPTED, reason=""
            )
    # The queue: the lead authority's, and the provider sees its own change waiting.
    assert list(price_changes_pending(lead_evaluator())) == [change]
    assert list(price_changes_pending(someone)) == [change]
    commissioner = actor_for_user(person(Role.COMMISSIONER))
    assert not price_changes_pending(commissioner).exists()


def test_a_decided_change_cannot_be_decided_again(world):
    change = propose(world)
    price_change_decide(
        change=change, actor=lead_evaluator(), outcome=PriceChangeState.ACCEPTED, reason=""
    )
    with pytest.raises(WrongState):
        price_change_decide(
            change=change, actor=lead_evaluator(), outcome=PriceChangeState.REFUSED, reason="x"
        )


def test_proposing_again_replaces_the_pending_change_and_the_old_one_cannot_be_accepted(world):
    first = propose(world, price="3400.00")
    second = propose(world, price="3300.00")
    first.refresh_from_db()
    assert first.state == PriceChangeState.WITHDRAWN and second.pk != first.pk
    with pytest.raises(WrongState):
        price_change_decide(
            change=first, actor=lead_evaluator(), outcome=PriceChangeState.ACCEPTED, reason=""
        )
    # The same price again changes nothing; the approved price again withdraws the change.
    assert propose(world, price="3300.00").pk == second.pk
    setting_set_price(
        actor=provider_of(world), setting=world.crewe, lot=world.day, weekly_price="3000.00"
    )
    second.refresh_from_db()
    assert second.state == PriceChangeState.WITHDRAWN
    assert not crewe_day(world).change_pending


def test_a_price_not_yet_approved_is_changed_directly_not_proposed(world):
    setting_set_price(
        actor=provider_of(world), setting=world.unpriced, lot=world.day, weekly_price="150.00"
    )
    assert SettingLot.objects.get(setting=world.unpriced).weekly_price == Decimal("150.00")
    assert not PriceChange.objects.exists()


def test_commissioners_never_see_the_proposed_price_as_approved(world, client):
    propose(world, price="3400.00")
    commissioner = person(Role.COMMISSIONER)
    client.force_login(commissioner)
    page = client.get(f"/settings/{world.crewe.pk}/").content.decode()
    assert "£3,000.00" in page and "Change pending" in page
    assert "3,400" not in page and "3400" not in page
    results = client.get("/find-a-setting/?lot=A1").content.decode()
    assert "change pending" in results and "3,400" not in results
    export = client.get("/find-a-setting/export.csv?lot=A1").content.decode()
    assert "3400" not in export and "Yes" in export
    api = api_client_for(commissioner)
    detail = api.get(f"/api/v1/settings/{world.crewe.pk}/").json()
    day = next(o for o in detail["lots"] if o["lot"] == "A1")
    assert (day["weekly_price"], day["approved"], day["change_pending"]) == ("3000.00", True, True)
    assert "3400" not in str(detail)
    found = api.get("/api/v1/settings/?lot=A1").json()["results"]
    crewe = next(r for r in found if r["name"] == "Crewe School")
    assert (crewe["weekly_price"], crewe["price_change_pending"]) == ("3000.00", True)
    assert api.get("/api/v1/price-changes/").status_code == 403
    forum = api_client_for(person(Role.FORUM_MEMBER))
    assert "3400" not in str(forum.get(f"/api/v1/settings/{world.crewe.pk}/").json())


def test_the_provider_proposes_on_its_prices_page_and_the_lead_authority_decides(world, client):
    client.force_login(person(Role.PROVIDER_USER, organisation=world.provider))
    page = client.get(f"/settings/{world.crewe.pk}/prices/").content.decode()
    assert "Approved at £3,000.00 a week" in page
    response = client.post(
        f"/settings/{world.crewe.pk}/prices/",
        {
            f"price_{world.day.pk}": "3400.00",
            f"price_{world.residential.pk}": "5200.00",
            "change_reason": "New therapy staff",
        },
        follow=True,
    )
    assert "goes live when the lead authority accepts it" in response.content.decode()
    change = PriceChange.objects.get(state=PriceChangeState.PENDING)
    assert change.reason == "New therapy staff"
    assert (
        "is waiting for the lead authority"
        in client.get(f"/settings/{world.crewe.pk}/prices/").content.decode()
    )
    evaluator = person(Role.LEAD_EVALUATOR)
    client.force_login(evaluator)
    assert "Crewe School" in client.get("/price-changes/").content.decode()
    assert "Price changes to decide" in client.get("/dashboard/").content.decode()
    refused = client.post(f"/price-changes/{change.pk}/", {"outcome": "refused", "reason": ""})
    assert refused.status_code == 400 and REFUSAL_REASON_MISSING in refused.content.decode()
    client.post(f"/price-changes/{change.pk}/", {"outcome": "accepted"})
    assert crewe_day(world).weekly_price == Decimal("3400.00")
    again = client.post(f"/price-changes/{change.pk}/", {"outcome": "refused", "reason": "x"})
    assert again.status_code == 409


def test_the_api_lists_and_decides_price_changes(world):
    change = propose(world)
    provider = api_client_for(person(Role.PROVIDER_USER, organisation=world.provider))
    mine = provider.get("/api/v1/price-changes/").json()["results"]
    assert [(c["id"], c["proposed_price"], c["state"]) for c in mine] == [
        (change.pk, "3400.00", "pending")
    ]
    assert provider.post(f"/api/v1/price-changes/{change.pk}/decision/", {}).status_code == 403
    other = api_client_for(person(Role.PROVIDER_USER, organisation=world.other_provider))
    assert other.get(f"/api/v1/price-changes/{change.pk}/").status_code == 404
    lead = api_client_for(person(Role.LEAD_EVALUATOR))
    assert lead.get("/api/v1/price-changes/?state=pending").json()["results"][0]["provider"] == (
        "Oak Trust"
    )
    bad = lead.post(
        f"/api/v1/price-changes/{change.pk}/decision/", {"outcome": "refused"}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["error"]["fields"] == {
        "reason": [REFUSAL_REASON_MISSING]
    }
    done = lead.post(
        f"/api/v1/price-changes/{change.pk}/decision/", {"outcome": "accepted"}, format="json"
    )
    assert done.status_code == 200 and done.json()["state"] == "accepted"
    again = lead.post(
        f"/api/v1/price-changes/{change.pk}/decision/", {"outcome": "accepted"}, format="json"
    )
    assert again.status_code == 409


def test_the_settings_api_proposes_a_change_to_an_approved_price(world):
    provider = api_client_for(person(Role.PROVIDER_USER, organisation=world.provider))
    response = provider.post(
        f"/api/v1/settings/{world.crewe.pk}/prices/",
        {"lot": "A1", "weekly_price": "3500.00", "reason": "Staffing"},
        format="json",
    )
    assert response.status_code == 200
    day = next(o for o in response.json()["lots"] if o["lot"] == "A1")
    assert (day["weekly_price"], day["change_pending"]) == ("3000.00", True)
    assert PriceChange.objects.get().reason == "Staffing"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")
def test_two_decisions_at_once_leave_one_result() -> None:
    """Two evaluators decide the same change at the same moment: the row lock makes the second
    wait, then see the first's decision and be refused; one decision, one audit row, one
    notification."""
    world = build_world()
    change = propose(world)
    deciders = [lead_evaluator(), lead_evaluator()]
    barrier, outcomes, errors = threading.Barrier(2), [], []

    def decide(actor, outcome: str) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait(5)
            price_change_decide(change=change, actor=actor, outcome=outcome, reason="Why not")
            outcomes.append(outcome)
        except WrongState:
            outcomes.append("refused by the lock")
        except Exception as exc:  # reported below: a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(deciders[0], PriceChangeState.ACCEPTED)),
        threading.Thread(target=decide, args=(deciders[1], PriceChangeState.REFUSED)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert errors == []
    assert sorted(outcomes).count("refused by the lock") == 1
    change.refresh_from_db()
    assert change.state in (PriceChangeState.ACCEPTED, PriceChangeState.REFUSED)
    decided = AuditEvent.objects.filter(
        object_type="providers.pricechange", object_id=str(change.pk), verb="state_changed"
    )
    assert decided.count() == 1
    assert Notification.objects.filter(event_key=f"price-change-decided:{change.pk}").count() <= 1
    expected = Decimal("3400.00") if change.state == PriceChangeState.ACCEPTED else Decimal("3000")
    assert SettingLot.objects.get(pk=change.offer_id).weekly_price == expected
    assert Setting.objects.get(pk=world.crewe.pk).price_change_pending is False
