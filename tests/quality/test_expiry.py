"""Issue 13, evidence expiry clocks: every evidence item with an expiry date reminds the provider
60, 30 and 7 days before; on expiry the lead authority is told, and commissioners see
"insurance expired" on the provider's settings (search, the setting's page, the API) until the
lead authority accepts a renewal."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from fps_portal.accounts.models import Role
from fps_portal.audit.models import AuditEvent
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.models import Notification
from providers.models import Evidence, MembershipState, Setting
from quality.models import EvidenceLapse, ExpiryNotice, ExpiryStage, LapseState
from quality.services.expiry import (
    LAPSE_RETURN_REASON_MISSING,
    expiry_clocks_run,
    lapse_decide,
    lapse_send_renewal,
    stage_due,
)
from quality.services.recheck_schedule import rechecks_open_due
from quality.services.rechecks import recheck_item_change, recheck_item_review, recheck_submit
from tests.factories import api_client_for, person
from tests.quality.recheck_world import World, build_world, pdf

pytestmark = pytest.mark.django_db

EXPIRES = datetime.date(2027, 6, 30)


@pytest.fixture
def world() -> World:
    return build_world(insurance_until=EXPIRES)


def days_before(days: int) -> datetime.date:
    return EXPIRES - datetime.timedelta(days=days)


def notices(evidence: Evidence) -> list[str]:
    return list(
        ExpiryNotice.objects.filter(evidence=evidence)
        .order_by("sent_at", "id")
        .values_list("stage", flat=True)
    )


def expire(world: World) -> EvidenceLapse:
    """The insurance expired yesterday (the lapse's checks use the real date)."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Evidence.objects.filter(pk=world.insurance.pk).update(valid_until=yesterday)
    expiry_clocks_run(today=timezone.localdate())
    return EvidenceLapse.objects.get(evidence=world.insurance)


def renew(world: World, lapse: EvidenceLapse) -> EvidenceLapse:
    return lapse_send_renewal(
        actor=world.oak_actor,
        lapse=lapse,
        title="Employer's liability 2027",
        upload=pdf(),
        valid_until=timezone.localdate() + datetime.timedelta(days=365),
        insurer="Mutual Assurance",
        cover_amount=world.insurance.cover_amount,
    )


def test_the_stage_is_the_closest_reminder_whose_day_has_come() -> None:
    assert stage_due(valid_until=EXPIRES, today=days_before(61)) is None
    assert stage_due(valid_until=EXPIRES, today=days_before(60)) == ExpiryStage.DAYS_60
    assert stage_due(valid_until=EXPIRES, today=days_before(31)) == ExpiryStage.DAYS_60
    assert stage_due(valid_until=EXPIRES, today=days_before(30)) == ExpiryStage.DAYS_30
    assert stage_due(valid_until=EXPIRES, today=days_before(7)) == ExpiryStage.DAYS_7
    assert stage_due(valid_until=EXPIRES, today=EXPIRES) == ExpiryStage.DAYS_7  # valid today
    assert stage_due(valid_until=EXPIRES, today=days_before(-1)) == ExpiryStage.EXPIRED


def test_the_provider_is_reminded_60_30_and_7_days_before_once_each(world):
    for day in (61, 60, 60, 45, 30, 29, 7, 3):  # beat every day and twice on the 60th
        expiry_clocks_run(today=days_before(day))
    assert notices(world.insurance) == ["60", "30", "7"]
    assert notices(world.elm_insurance) == ["60", "30", "7"]  # Elm's expires the same day
    assert notices(world.policy) == []  # no expiry date: no clock
    oak = Notification.objects.filter(recipient=world.oak_user, event_key__startswith="evidence-")
    assert sorted(n.event_key for n in oak) == sorted(
        f"evidence-expiring:{world.insurance.pk}:{stage}" for stage in ("60", "30", "7")
    )
    assert "expires on 30 June 2027" in oak.first().subject  # type: ignore[union-attr]
    assert not Notification.objects.filter(recipient=world.elm_user, body__contains="Oak").exists()
    assert not EvidenceLapse.objects.exists()


def test_an_item_first_seen_late_gets_only_the_reminder_its_days_call_for(world):
    expiry_clocks_run(today=days_before(20))
    assert notices(world.insurance) == ["30"]
    expiry_clocks_run(today=days_before(40))  # a clock never goes back
    assert notices(world.insurance) == ["30"]


def test_a_replaced_item_stops_its_clock(world):
    Evidence.objects.filter(pk=world.insurance.pk).update(superseded_at=timezone.now())
    expiry_clocks_run(today=days_before(7))
    expiry_clocks_run(today=days_before(-3))
    assert notices(world.insurance) == []
    assert not EvidenceLapse.objects.filter(evidence=world.insurance).exists()


def test_on_expiry_the_lead_authority_is_told_once_and_commissioners_see_insurance_expired(world):
    assert expiry_clocks_run(today=days_before(-1)) == 2  # Oak's and Elm's insurance
    assert expiry_clocks_run(today=days_before(-1)) == 0  # beat run twice: one result
    assert expiry_clocks_run(today=days_before(-2)) == 0
    lapse = EvidenceLapse.objects.get(evidence=world.insurance)
    assert (lapse.state, lapse.expired_on, lapse.provider) == (
        LapseState.EXPIRED,
        EXPIRES,
        world.oak,
    )
    lead_told = Notification.objects.filter(
        recipient=world.lead, event_key=f"evidence-expired-lead:{world.insurance.pk}"
    )
    assert lead_told.count() == 1 and "Oak Trust" in lead_told.get().subject
    assert Notification.objects.filter(
        recipient=world.oak_user, event_key=f"evidence-expired:{world.insurance.pk}"
    ).exists()
    assert Setting.objects.get(pk=world.crewe.pk).insurance_expired is True
    assert (
        AuditEvent.objects.filter(object_type="quality.evidencelapse", verb="created").count() == 2
    )


def test_a_provider_on_no_purchasing_system_is_reminded_but_not_flagged(world):
    world.oak_membership.state = MembershipState.WITHDRAWN
    world.oak_membership.save()
    expiry_clocks_run(today=days_before(-1))
    assert not EvidenceLapse.objects.filter(provider=world.oak).exists()
    assert EvidenceLapse.objects.filter(provider=world.elm).exists()


def test_commissioners_see_insurance_expired_on_the_setting_page_and_in_the_api(world, client):
    expire(world)
    commissioner = person(Role.COMMISSIONER)
    client.force_login(commissioner)
    page = client.get(reverse("providers:setting-detail", args=[world.crewe.pk]))
    assert page.status_code == 200 and "Insurance expired" in page.content.decode()
    api = api_client_for(commissioner).get(f"/api/v1/settings/{world.crewe.pk}/")
    assert api.status_code == 200 and api.json()["insurance_expired"] is True


def test_commissioners_see_insurance_expired_in_search(world, client):
    from tests.providers.factories import LotFactory, SettingLotFactory

    lot = LotFactory(purchasing_system=world.oak_membership.purchasing_system, code="Z9")
    SettingLotFactory(setting=Setting.objects.get(pk=world.crewe.pk), lot=lot)
    client.force_login(person(Role.COMMISSIONER))
    before = client.get("/find-a-setting/?lot=Z9").content.decode()
    assert "Crewe School" in before and "Insurance expired" not in before
    expire(world)
    after = client.get("/find-a-setting/?lot=Z9").content.decode()
    assert "Crewe School" in after and "Insurance expired" in after


def test_the_renewal_accepted_by_the_lead_authority_clears_the_flag(world):
    lapse = expire(world)
    renewed = renew(world, lapse)
    assert renewed.state == LapseState.RENEWAL_SENT and renewed.renewal is not None
    world.insurance.refresh_from_db()
    assert world.insurance.superseded_at is not None
    assert Setting.objects.get(pk=world.crewe.pk).insurance_expired  # until it is accepted
    assert Notification.objects.filter(
        recipient=world.lead, event_key__startswith=f"lapse-renewal:{lapse.pk}:"
    ).exists()
    with pytest.raises(WrongState):
        renew(world, lapse)  # one renewal waits at a time
    lapse_decide(actor=world.lead_actor, lapse=lapse, outcome="accept", reason="")
    lapse.refresh_from_db()
    assert (lapse.state, lapse.resolved_by) == (LapseState.RESOLVED, world.lead)
    assert Setting.objects.get(pk=world.crewe.pk).insurance_expired is False
    with pytest.raises(WrongState):
        lapse_decide(actor=world.lead_actor, lapse=lapse, outcome="accept", reason="")


def test_a_returned_renewal_needs_a_reason_and_the_flag_stays(world):
    lapse = renew(world, expire(world))
    with pytest.raises(NotAllowed):
        lapse_decide(actor=world.oak_actor, lapse=lapse, outcome="accept", reason="")
    with pytest.raises(InvalidInput) as refused:
        lapse_decide(actor=world.lead_actor, lapse=lapse, outcome="return", reason="")
    assert refused.value.fields["reason"] == [LAPSE_RETURN_REASON_MISSING]
    lapse_decide(actor=world.lead_actor, lapse=lapse, outcome="return", reason="Cover is only £1m.")
    lapse.refresh_from_db()
    assert (lapse.state, lapse.returned_reason) == (LapseState.EXPIRED, "Cover is only £1m.")
    assert Setting.objects.get(pk=world.crewe.pk).insurance_expired is True
    renew(world, lapse)  # a corrected renewal replaces the returned one
    lapse.refresh_from_db()
    assert lapse.state == LapseState.RENEWAL_SENT


def test_bad_renewals_write_nothing(world):
    lapse = expire(world)
    with pytest.raises(InvalidInput) as past:
        lapse_send_renewal(
            actor=world.oak_actor,
            lapse=lapse,
            title="Old",
            upload=pdf(),
            valid_until=timezone.localdate(),
        )
    assert "valid_until" in past.value.fields
    with pytest.raises(InvalidInput) as empty:
        lapse_send_renewal(
            actor=world.oak_actor, lapse=lapse, title="", upload=None, valid_until=None
        )
    assert {"title", "file", "insurer", "cover_amount", "valid_until"} <= set(empty.value.fields)
    with pytest.raises(NotAllowed):
        renew(World(**{**world.__dict__, "oak_user": world.elm_user}), lapse)
    lapse.refresh_from_db()
    assert lapse.state == LapseState.EXPIRED and lapse.renewal is None
    assert Evidence.objects.filter(provider=world.oak).count() == 3


def test_a_renewal_accepted_in_a_recheck_resolves_the_lapse(world):
    lapse = expire(world)
    rechecks_open_due(today=datetime.date(timezone.localdate().year, 3, 10))
    recheck = world.oak_membership.rechecks.get()
    for item in recheck.items.select_related("evidence"):
        if item.evidence_id == world.insurance.pk:
            recheck_item_change(
                actor=world.oak_actor,
                item=item,
                title="Employer's liability 2027",
                upload=pdf(),
                valid_until=timezone.localdate() + datetime.timedelta(days=365),
                insurer="Mutual Assurance",
                cover_amount=world.insurance.cover_amount,
            )
        else:
            from quality.services.rechecks import recheck_item_confirm

            recheck_item_confirm(actor=world.oak_actor, item=item)
    recheck_submit(actor=world.oak_actor, recheck=recheck)
    for item in recheck.items.all():
        recheck_item_review(actor=world.lead_actor, item=item, outcome="accepted")
    lapse.refresh_from_db()
    assert lapse.state == LapseState.RESOLVED and lapse.renewal is not None
    assert Setting.objects.get(pk=world.crewe.pk).insurance_expired is False


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")
def test_two_clocks_at_once_and_two_acceptances_at_once_leave_one_result() -> None:
    world = build_world(insurance_until=timezone.localdate() - datetime.timedelta(days=1))
    barrier, outcomes, errors = threading.Barrier(2), [], []

    def run(step) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait(5)
            outcomes.append(step())
        except WrongState:
            outcomes.append("refused")
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def race(step) -> None:  # type: ignore[no-untyped-def]
        threads = [threading.Thread(target=run, args=(step,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)

    race(lambda: expiry_clocks_run(today=timezone.localdate()))
    assert errors == [] and sorted(outcomes) == [0, 1]  # the insurance lapsed once
    assert EvidenceLapse.objects.filter(evidence=world.insurance).count() == 1
    lapse = renew(world, EvidenceLapse.objects.get(evidence=world.insurance))
    outcomes.clear()
    race(lambda: lapse_decide(actor=world.lead_actor, lapse=lapse, outcome="accept", reason=""))
    assert errors == [] and outcomes.count("refused") == 1
    resolved = AuditEvent.objects.filter(
        object_type="quality.evidencelapse", object_id=str(lapse.pk), verb="state_changed"
    )
    assert resolved.count() == 2  # renewal sent, then accepted once
