"""Responses per setting: drafted pre-filled from the setting's record, priced against the
approved indicative price, complete before submission, withdrawn and resubmitted until the
deadline; declines with a structured reason; bad input writes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from fps_portal.audit.models import AuditEvent
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from referrals.models import (
    CriterionAnswer,
    Invitation,
    InvitationState,
    Response,
    ResponseAttachment,
    ResponseService,
    ResponseState,
)
from referrals.services import invitations as inv
from referrals.services import response_parts as parts
from referrals.services import response_submission as submission
from referrals.services import responses as svc
from tests.factories import person
from tests.providers.onboarding.factories import actor
from tests.referrals.factories import Competition
from tests.referrals.invitations.conftest import add_pass_fail, pdf, price_list_item

pytestmark = pytest.mark.django_db


def _complete(world: Competition, provider, **overrides) -> Response:  # type: ignore[no-untyped-def]
    response = svc.response_start(
        actor=provider, invitation=world.invitation, setting=world.setting
    )
    criteria = list(world.referral.criteria.all())
    data = {
        "how_needs_met": "A quiet base room and a speech therapist on site.",
        "how_outcomes_met": "Termly reviews against each outcome.",
        "inspection_judgement": "Ofsted: Good",
        "inspection_date": datetime.date(2024, 5, 1),
        "inspection_confirmed": True,
        "answers": {c.pk: f"Our answer to {c.title}." for c in criteria},
        **overrides,
    }
    return svc.response_update(actor=provider, response=response, data=svc.ResponseData(**data))


def test_a_draft_is_prefilled_from_the_settings_record(world: Competition, provider) -> None:  # type: ignore[no-untyped-def]
    world.setting.current_band_summary = "Ofsted: Overall effectiveness: 2 (Good)"
    world.setting.current_band_as_at = datetime.date(2024, 2, 9)
    world.setting.save()
    response = svc.response_start(
        actor=provider, invitation=world.invitation, setting=world.setting
    )
    assert response.state == ResponseState.DRAFT
    assert response.weekly_price == Decimal("3250.00") == response.indicative_price
    assert response.inspection_judgement == "Ofsted: Overall effectiveness: 2 (Good)"
    assert response.inspection_date == datetime.date(2024, 2, 9)
    assert response.inspection_confirmed is False  # the provider must confirm it
    assert response.proposed_start_date == world.referral.start_date
    # One per setting: starting again answers with the same draft.
    again = svc.response_start(actor=provider, invitation=world.invitation, setting=world.setting)
    assert again.pk == response.pk
    assert Response.objects.count() == 1


def test_a_setting_not_approved_on_the_lot_cannot_be_proposed(world: Competition, provider) -> None:  # type: ignore[no-untyped-def]
    from tests.providers.factories import SettingFactory

    other = SettingFactory(provider=world.provider)
    with pytest.raises(InvalidInput) as raised:
        svc.response_start(actor=provider, invitation=world.invitation, setting=other)
    assert raised.value.fields == {"setting": [svc.SETTING_NOT_PROPOSABLE]}
    assert not Response.objects.exists()


def test_submitting_needs_every_answer_and_the_confirmed_judgement(
    world: Competition, provider
) -> None:  # type: ignore[no-untyped-def]
    pass_fail = add_pass_fail(world)
    response = svc.response_start(
        actor=provider, invitation=world.invitation, setting=world.setting
    )
    with pytest.raises(InvalidInput) as raised:
        submission.response_submit(actor=provider, response=response)
    fields = raised.value.fields
    assert fields["how_needs_met"] == [submission.NEEDS_MISSING]
    assert fields["how_outcomes_met"] == [submission.OUTCOMES_MISSING]
    assert fields["inspection_confirmed"] == [submission.NOT_CONFIRMED]
    assert f"answers.{pass_fail.pk}" in fields
    response.refresh_from_db()
    assert response.state == ResponseState.DRAFT
    assert Invitation.objects.get().state == InvitationState.INVITED


def test_a_price_that_differs_from_the_indicative_price_needs_its_reason(
    world: Competition, provider, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    response = _complete(world, provider, weekly_price=Decimal("3600.00"))
    with pytest.raises(InvalidInput) as raised:
        submission.response_submit(actor=provider, response=response)
    assert raised.value.fields == {"price_difference_reason": [submission.REASON_NEEDED]}
    svc.response_update(
        actor=provider,
        response=response,
        data=svc.ResponseData(price_difference_reason="A 1:1 key worker for the first term."),
    )
    with django_capture_on_commit_callbacks(execute=True):
        submitted = submission.response_submit(actor=provider, response=response)
    assert submitted.state == ResponseState.SUBMITTED
    assert submitted.weekly_price == Decimal("3600.00")
    assert submitted.indicative_price == Decimal("3250.00")
    assert Invitation.objects.get().state == InvitationState.RESPONDED
    # The provider's receipt, by e-mail too.
    assert [m.subject.split(" – ")[0] for m in mail.outbox] == [
        f"Response submitted for referral {world.referral.reference}"
    ]


def test_changing_the_judgement_must_be_confirmed_again(world: Competition, provider) -> None:  # type: ignore[no-untyped-def]
    response = _complete(world, provider)
    assert response.inspection_confirmed
    svc.response_update(
        actor=provider,
        response=response,
        data=svc.ResponseData(inspection_judgement="Ofsted: Outstanding"),
    )
    response.refresh_from_db()
    assert response.inspection_confirmed is False


def test_bad_values_write_nothing(world: Competition, provider) -> None:  # type: ignore[no-untyped-def]
    response = svc.response_start(
        actor=provider, invitation=world.invitation, setting=world.setting
    )
    audits = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as raised:
        svc.response_update(
            actor=provider,
            response=response,
            data=svc.ResponseData(
                weekly_price=Decimal("-5"),
                proposed_start_date=timezone.localdate() - datetime.timedelta(days=3),
                how_needs_met="Fine.",
                answers={987654: "An answer to no criterion."},
            ),
        )
    assert set(raised.value.fields) == {"weekly_price", "proposed_start_date", "answers.987654"}
    response.refresh_from_db()
    assert response.how_needs_met == ""
    assert not CriterionAnswer.objects.exists()
    assert AuditEvent.objects.count() == audits


def test_withdraw_and_resubmit_until_the_deadline(world: Competition, provider) -> None:  # type: ignore[no-untyped-def]
    response = submission.response_submit(actor=provider, response=_complete(world, provider))
    with pytest.raises(WrongState):  # a submitted response is not edited in place
        svc.response_update(
            actor=provider, response=response, data=svc.ResponseData(how_needs_met="x")
        )
    withdrawn = submission.response_withdraw(actor=provider, response=response)
    assert withdrawn.state == ResponseState.WITHDRAWN
    assert Invitation.objects.get().state == InvitationState.INVITED  # still to answer
    draft = submission.response_resubmit(actor=provider, response=response)
    assert draft.state == ResponseState.DRAFT
    assert draft.how_needs_met.startswith("A quiet base room")  # the answers are kept
    svc.response_update(
        actor=provider, response=draft, data=svc.ResponseData(inspection_confirmed=True)
    )
    again = submission.response_submit(actor=provider, response=draft)
    assert again.state == ResponseState.SUBMITTED
    assert Invitation.objects.get().state == InvitationState.RESPONDED


def test_after_the_deadline_a_response_is_refused_with_a_clear_message(
    world: Competition, provider
) -> None:  # type: ignore[no-untyped-def]
    response = _complete(world, provider)
    later = world.referral.response_deadline + datetime.timedelta(seconds=1)
    with pytest.raises(WrongState) as raised:
        submission.response_submit(actor=provider, response=response, now=later)
    assert raised.value.message.startswith(
        f"The deadline for referral {world.referral.reference} passed at "
    )
    assert "takes no more responses" in raised.value.message
    response.refresh_from_db()
    assert response.state == ResponseState.DRAFT


def test_services_from_the_price_list_or_new(world: Competition, provider) -> None:  # type: ignore[no-untyped-def]
    item = price_list_item(world)
    response = svc.response_start(
        actor=provider, invitation=world.invitation, setting=world.setting
    )
    listed = parts.response_service_add(
        actor=provider, response=response, price_list_item=item, quantity="2"
    )
    assert (listed.name, listed.unit, listed.rate, listed.quantity) == (
        "1:1 support", "hour", Decimal("35.00"), Decimal("2"),
    )  # fmt: skip
    new = parts.response_service_add(
        actor=provider,
        response=response,
        name="Transport escort",
        unit="journey",
        rate="18.50",
        quantity="10",
    )
    assert new.price_list_item is None and new.rate == Decimal("18.50")
    with pytest.raises(InvalidInput) as raised:
        parts.response_service_add(
            actor=provider, response=response, name="", unit="", rate="0", quantity="-1"
        )
    assert set(raised.value.fields) == {"name", "unit", "rate", "quantity"}
    assert ResponseService.objects.count() == 2
    parts.response_service_remove(actor=provider, service=new)
    assert list(ResponseService.objects.values_list("name", flat=True)) == ["1:1 support"]


def test_attachments_follow_the_upload_rules(world: Competition, provider) -> None:  # type: ignore[no-untyped-def]
    response = svc.response_start(
        actor=provider, invitation=world.invitation, setting=world.setting
    )
    upload = pdf()
    attached = parts.response_attachment_add(
        actor=provider, response=response, title="Transition plan", upload=upload
    )
    assert attached.content_type == "application/pdf"
    upload.seek(0)
    with pytest.raises(InvalidInput) as raised:
        parts.response_attachment_add(
            actor=provider, response=response, title="Again", upload=upload
        )
    assert raised.value.fields == {"file": [parts.ALREADY_ATTACHED]}
    from django.core.files.uploadedfile import SimpleUploadedFile

    program = SimpleUploadedFile(
        "plan.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf"
    )
    with pytest.raises(InvalidInput) as raised:
        parts.response_attachment_add(actor=provider, response=response, title="", upload=program)
    assert set(raised.value.fields) == {"title", "file"}
    assert ResponseAttachment.objects.count() == 1


def test_only_the_invitee_may_respond(world: Competition) -> None:
    from fps_portal.accounts.models import Role
    from tests.factories import ProviderOrganisationFactory

    stranger = actor(person(Role.PROVIDER_USER, ProviderOrganisationFactory()))
    with pytest.raises(NotAllowed):
        svc.response_start(actor=stranger, invitation=world.invitation, setting=world.setting)
    with pytest.raises(NotAllowed):
        inv.invitation_decline(actor=stranger, invitation=world.invitation, reason="no_vacancy")


def test_decline_with_a_structured_reason_and_undo(world: Competition, provider) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as raised:
        inv.invitation_decline(
            actor=provider, invitation=world.invitation, reason="other", note="  "
        )
    assert raised.value.fields == {"note": [inv.OTHER_NEEDS_WORDS]}
    with pytest.raises(InvalidInput) as raised:
        inv.invitation_decline(actor=provider, invitation=world.invitation, reason="bored")
    assert raised.value.fields == {"reason": [inv.REASON_MISSING]}
    assert Invitation.objects.get().state == InvitationState.INVITED
    declined = inv.invitation_decline(
        actor=provider,
        invitation=world.invitation,
        reason="other",
        note="Our only place is promised.",
    )
    assert (declined.state, declined.decline_reason, declined.decline_note) == (
        InvitationState.DECLINED, "other", "Our only place is promised.",
    )  # fmt: skip
    assert declined.declined_by == world.provider_user
    reopened = inv.invitation_reopen(actor=provider, invitation=world.invitation)
    assert reopened.state == InvitationState.INVITED and reopened.decline_reason == ""


def test_a_declined_provider_that_submits_is_responded(world: Competition, provider) -> None:  # type: ignore[no-untyped-def]
    inv.invitation_decline(actor=provider, invitation=world.invitation, reason="no_vacancy")
    response = _complete(world, provider)
    submission.response_submit(actor=provider, response=response)
    invitation = Invitation.objects.get()
    assert invitation.state == InvitationState.RESPONDED
    assert invitation.decline_reason == ""
