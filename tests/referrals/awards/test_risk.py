"""An award to a Requires Improvement or Inadequate setting cannot complete before every step:
the documents, the approach with a quality visit, both managers' sign-offs, then the alerts and
additional monitoring (C5-C8)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fps_portal.accounts.models import SeniorPosition
from fps_portal.audit.models import AuditEvent, AuditVerb
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from providers.models import Setting
from referrals.models import Award, AwardState, Child, LegalStatus, Referral, ReferralState
from referrals.services.awards import ServiceLine, award_propose
from referrals.services.risk import (
    ALREADY_SIGNED,
    APPROACH_FIRST,
    DOCUMENTS_FIRST,
    VISIT_IN_PAST,
    risk_attach_documents,
    risk_record_approach,
    risk_sign_off,
)
from tests.referrals.awards.world import Evaluation, as_actor, closed_competition, mark_all, senior

pytestmark = pytest.mark.django_db


def pdf(name: str) -> SimpleUploadedFile:
    body = b"%PDF-1.4\n% " + uuid.uuid4().hex.encode() + b"\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def concern_award(world: Evaluation) -> Award:
    Setting.objects.filter(pk=world.setting_a.pk).update(current_band="concern")
    world.response_a.setting.refresh_from_db()
    mark_all(world)
    return award_propose(
        actor=world.actor,
        response=world.response_a,
        reasons="The only setting with a sensory room.",
        agreed_weekly_price=Decimal("3250.00"),
        start_date=world.referral.start_date,
        services=[ServiceLine("Speech therapy", "hour", Decimal(60), Decimal(2))],
        parental_preference_reason="The preferred school has no place.",
    )


def _prepared(world: Evaluation, award: Award) -> None:
    approval = award.risk_approval
    risk_attach_documents(
        actor=world.actor,
        approval=approval,
        inspection_summary=pdf("summary.pdf"),
        action_plan=pdf("plan.pdf"),
    )
    risk_record_approach(
        actor=world.actor,
        approval=approval,
        risk_approach="Weekly calls with the head; termly review.",
        quality_visit_planned_on=timezone.localdate() + datetime.timedelta(days=14),
    )


def test_a_concern_award_waits_for_every_step_then_alerts_and_monitors(
    django_capture_on_commit_callbacks: Any,
) -> None:
    world = closed_competition()
    award = concern_award(world)
    assert award.state == AwardState.AWAITING_SIGN_OFF and award.band_at_award == "concern"
    assert Referral.objects.get(pk=world.referral.pk).state == ReferralState.CLOSED
    approval = award.risk_approval
    csw, commissioning = as_actor(world.csw_manager), as_actor(world.commissioning_manager)

    with pytest.raises(WrongState, match=DOCUMENTS_FIRST):
        risk_sign_off(actor=csw, approval=approval)
    risk_attach_documents(
        actor=world.actor,
        approval=approval,
        inspection_summary=pdf("summary.pdf"),
        action_plan=pdf("plan.pdf"),
    )
    with pytest.raises(WrongState, match=APPROACH_FIRST):
        risk_sign_off(actor=csw, approval=approval)
    with pytest.raises(InvalidInput) as caught:
        risk_record_approach(
            actor=world.actor,
            approval=approval,
            risk_approach="Calls.",
            quality_visit_planned_on=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert caught.value.fields["quality_visit_planned_on"] == [VISIT_IN_PAST]
    risk_record_approach(
        actor=world.actor,
        approval=approval,
        risk_approach="Weekly calls with the head; termly review.",
        quality_visit_planned_on=timezone.localdate() + datetime.timedelta(days=14),
    )
    with pytest.raises(NotAllowed):
        risk_sign_off(actor=as_actor(world.head_of_service), approval=approval)
    risk_sign_off(actor=csw, approval=approval)
    with pytest.raises(WrongState, match=ALREADY_SIGNED.format(post="csw service manager")):
        risk_sign_off(actor=csw, approval=approval)
    # One of the two signatures is not enough.
    assert Award.objects.get(pk=award.pk).state == AwardState.AWAITING_SIGN_OFF
    assert Referral.objects.get(pk=world.referral.pk).state == ReferralState.CLOSED
    with pytest.raises(WrongState):
        risk_record_approach(
            actor=world.actor,
            approval=approval,
            risk_approach="Changed after signing.",
            quality_visit_planned_on=timezone.localdate(),
        )

    with django_capture_on_commit_callbacks(execute=True):
        risk_sign_off(actor=commissioning, approval=approval)
    award.refresh_from_db()
    approval.refresh_from_db()
    assert award.state == AwardState.COMPLETE and award.additional_monitoring
    assert Referral.objects.get(pk=world.referral.pk).state == ReferralState.AWARDED
    # The child has no social worker or IRO, so the SEND caseworker is alerted.
    assert approval.alerted == [{"role": "SEND caseworker", "email": "casey.worker@sefton.example"}]
    alert = next(m for m in mail.outbox if m.to == ["casey.worker@sefton.example"])
    assert "planned for" in alert.body and "additional monitoring" in alert.body
    verbs = set(
        AuditEvent.objects.filter(object_type="referrals.riskapproval").values_list(
            "verb", flat=True
        )
    )
    assert {AuditVerb.UPDATED, AuditVerb.SIGNED} <= verbs


def test_a_looked_after_childs_social_worker_and_iro_are_alerted(
    django_capture_on_commit_callbacks: Any,
) -> None:
    world = closed_competition()
    Child.objects.filter(referrals=world.referral).update(
        legal_status=LegalStatus.LOOKED_AFTER_S31,
        social_worker_name="Sam Social",
        social_worker_email="sam.social@sefton.example",
        iro_name="Ira Reviewer",
        iro_email="ira.reviewer@sefton.example",
    )
    award = concern_award(world)
    _prepared(world, award)
    risk_sign_off(actor=as_actor(world.csw_manager), approval=award.risk_approval)
    with django_capture_on_commit_callbacks(execute=True):
        risk_sign_off(actor=as_actor(world.commissioning_manager), approval=award.risk_approval)
    recipients = sorted(m.to[0] for m in mail.outbox if m.to[0].endswith("@sefton.example"))
    assert recipients == ["ira.reviewer@sefton.example", "sam.social@sefton.example"]


def test_the_same_person_cannot_sign_twice_under_two_posts() -> None:
    world = closed_competition()
    award = concern_award(world)
    _prepared(world, award)
    risk_sign_off(actor=as_actor(world.csw_manager), approval=award.risk_approval)
    # The CSW manager also holds the commissioning post in a second membership? Not possible
    # in one authority (one senior role each); a second person of the same post cannot sign
    # the other post's line either.
    second_csw = senior(world.authority, SeniorPosition.CSW_SERVICE_MANAGER)
    with pytest.raises(WrongState):
        risk_sign_off(actor=as_actor(second_csw), approval=award.risk_approval)
    assert Award.objects.get(pk=award.pk).state == AwardState.AWAITING_SIGN_OFF


def test_bad_documents_are_refused_at_the_field() -> None:
    world = closed_competition()
    award = concern_award(world)
    with pytest.raises(InvalidInput) as caught:
        risk_attach_documents(
            actor=world.actor,
            approval=award.risk_approval,
            inspection_summary=SimpleUploadedFile("a.pdf", b"not a pdf at all"),
            action_plan=None,
        )
    assert set(caught.value.fields) == {"inspection_summary", "action_plan"}
    award.risk_approval.refresh_from_db()
    assert award.risk_approval.documents_attached_at is None


def test_a_lost_alert_is_kept_in_the_outbox_and_sent_once_by_the_sweep(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The social worker and IRO are no portal users: their alerts are outbox rows, so a send
    that fails at commit is retried by the sweep, and nothing goes twice."""
    from unittest import mock

    from fps_portal.notifications.models import ExternalEmail
    from fps_portal.notifications.tasks import resend_unsent_emails

    world = closed_competition()
    Child.objects.filter(referrals=world.referral).update(
        social_worker_email="sam.social@sefton.example", iro_email="ira.reviewer@sefton.example"
    )
    award = concern_award(world)
    _prepared(world, award)
    risk_sign_off(actor=as_actor(world.csw_manager), approval=award.risk_approval)
    mail.outbox.clear()
    down = mock.patch("fps_portal.notifications.delivery.send_mail", side_effect=OSError("down"))
    with down, django_capture_on_commit_callbacks(execute=True):
        risk_sign_off(actor=as_actor(world.commissioning_manager), approval=award.risk_approval)
    # The award completed; the alerts wait in the outbox, one per address.
    assert Award.objects.get(pk=award.pk).state == AwardState.COMPLETE
    alerts = ExternalEmail.objects.filter(event_key=f"risk-alert:{award.risk_approval.pk}")
    assert sorted(alerts.values_list("address", flat=True)) == [
        "ira.reviewer@sefton.example",
        "sam.social@sefton.example",
    ]
    assert all(a.emailed_at is None for a in alerts) and mail.outbox == []
    alerts.update(created_at=timezone.now() - datetime.timedelta(minutes=30))
    assert resend_unsent_emails.delay().get() == 2
    assert resend_unsent_emails.delay().get() == 0
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ira.reviewer@sefton.example",
        "sam.social@sefton.example",
    ]
    assert "additional monitoring" in mail.outbox[0].body
