"""Issue 9, defect 2: a suspended provider cannot reinstate itself. A suspension ends only when
the lead authority reinstates (or removes); a withdrawn provider rejoins only through a new
application that passes, never by signing the agreement of the application that admitted it
before. "An agreement still to sign" is one predicate (`agreement_sign_blocker`), so the
application page, the dashboard, the signing page and the API agree."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from fps_portal.accounts.models import Role
from providers.models import Application, FpsMembership, MembershipState
from providers.onboarding_web import provider_onboarding_panel
from providers.services.evaluation import application_moderate
from providers.services.membership import agreement_sign, membership_change
from tests.factories import api_client_for, person
from tests.providers.onboarding.factories import (
    ReadyProvider,
    actor,
    evaluate,
    evaluator,
    open_window,
    ready_provider,
    under_evaluation,
)

pytestmark = pytest.mark.django_db

SIGNATURE = {"signatory_name": "Alex Morgan", "signatory_role": "Director"}
SIGNING_FORM = {**SIGNATURE, "confirm": "on"}


def _pass(ready: ReadyProvider, application: Application) -> Application:
    first, second = evaluator(), evaluator()
    evaluate(application, first)
    evaluate(application, second)
    application_moderate(actor=actor(first), application=application, reason="All met.")
    application.refresh_from_db()
    return application


def _member() -> tuple[ReadyProvider, Application, FpsMembership]:
    ready = ready_provider()
    application = _pass(ready, under_evaluation(ready))
    membership = agreement_sign(actor=ready.actor, application=application, **SIGNATURE)
    return ready, application, membership


def _suspend(membership: FpsMembership) -> None:
    membership_change(
        actor=actor(person(Role.LEAD_EVALUATOR)),
        membership=membership,
        action="suspend",
        reason="Insurance expired",
        review_on=timezone.localdate() + datetime.timedelta(days=30),
    )


def _withdraw(ready: ReadyProvider, membership: FpsMembership) -> None:
    response = api_client_for(ready.user).post(
        f"/api/v1/memberships/{membership.pk}/change/",
        {"action": "withdraw", "reason": "Leaving"},
        format="json",
    )
    assert response.status_code == 200, response.content


def _state(membership: FpsMembership) -> tuple[str, str]:
    membership.refresh_from_db()
    return membership.state, membership.state_reason


def _panel_count(ready: ReadyProvider) -> int:
    panel = provider_onboarding_panel(ready.actor)
    return next(item.count for item in panel.items if item.label == "Agreements to sign")


def test_a_suspended_provider_cannot_withdraw_itself_through_the_api() -> None:
    ready, _, membership = _member()
    _suspend(membership)
    response = api_client_for(ready.user).post(
        f"/api/v1/memberships/{membership.pk}/change/",
        {"action": "withdraw", "reason": "Leaving"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "wrong_state"
    assert "Only the lead authority can end a suspension" in response.json()["error"]["message"]
    assert _state(membership) == (MembershipState.SUSPENDED, "Insurance expired")


def test_a_suspended_provider_cannot_sign_its_agreement_again_on_the_page_or_the_api(
    client: Client,
) -> None:
    ready, application, membership = _member()
    _suspend(membership)
    client.force_login(ready.user)
    page = client.post(f"/onboarding/applications/{application.pk}/agreement/", SIGNING_FORM)
    assert page.status_code == 409
    api = api_client_for(ready.user).post(
        f"/api/v1/applications/{application.pk}/agreement/", SIGNATURE, format="json"
    )
    assert api.status_code == 409
    assert _state(membership) == (MembershipState.SUSPENDED, "Insurance expired")


def test_a_withdrawn_provider_cannot_sign_the_old_application_again(client: Client) -> None:
    # The lead authority's (or the provider's own, while active) withdrawal: the application
    # that admitted the provider before cannot make it a member again.
    ready, application, membership = _member()
    _withdraw(ready, membership)
    client.force_login(ready.user)
    path = f"/onboarding/applications/{application.pk}/agreement/"
    form = client.get(path).content.decode()
    assert '<form method="post" novalidate' not in form
    assert "A withdrawn provider rejoins by applying in a window" in form
    assert client.post(path, SIGNING_FORM).status_code == 409
    api = api_client_for(ready.user).post(
        f"/api/v1/applications/{application.pk}/agreement/", SIGNATURE, format="json"
    )
    assert api.status_code == 409
    assert "rejoins by applying in a window" in api.json()["error"]["message"]
    assert _state(membership) == (MembershipState.WITHDRAWN, "Leaving")
    detail = client.get(f"/onboarding/applications/{application.pk}/").content.decode()
    assert "Sign the FPS agreement" not in detail
    assert "rejoins by applying in a window" in detail
    assert _panel_count(ready) == 0


def test_the_suspension_withdraw_and_sign_again_path_of_the_attack_stays_closed() -> None:
    # The sequence from the report, end to end through the API: suspended -> withdraw -> sign.
    ready, application, membership = _member()
    _suspend(membership)
    client = api_client_for(ready.user)
    client.post(
        f"/api/v1/memberships/{membership.pk}/change/",
        {"action": "withdraw", "reason": "Leaving"},
        format="json",
    )
    client.post(f"/api/v1/applications/{application.pk}/agreement/", SIGNATURE, format="json")
    assert _state(membership) == (MembershipState.SUSPENDED, "Insurance expired")


def test_the_lead_authority_still_reinstates_a_suspended_membership() -> None:
    _, _, membership = _member()
    _suspend(membership)
    membership_change(
        actor=actor(person(Role.LEAD_EVALUATOR)),
        membership=membership,
        action="reinstate",
        reason="New certificate",
    )
    assert _state(membership) == (MembershipState.ACTIVE, "New certificate")


def test_a_withdrawn_provider_rejoins_through_a_new_application_that_passed(
    client: Client,
) -> None:
    ready, first, membership = _member()
    _withdraw(ready, membership)
    window = open_window(purchasing_system=first.purchasing_system)
    second = _pass(ready, under_evaluation(ready, window))
    assert _panel_count(ready) == 1
    client.force_login(ready.user)
    detail = client.get(f"/onboarding/applications/{second.pk}/").content.decode()
    assert "Sign the FPS agreement" in detail
    response = client.post(f"/onboarding/applications/{second.pk}/agreement/", SIGNING_FORM)
    assert response.status_code == 302
    assert _state(membership) == (MembershipState.ACTIVE, "")
    assert _panel_count(ready) == 0


def test_the_application_page_offers_no_button_that_would_answer_409_when_suspended(
    client: Client,
) -> None:
    # A suspended member whose newer application passed after its signature: the page used to
    # offer "Sign the FPS agreement" (signed before the outcome) and the signing page refused.
    ready, first, membership = _member()
    window = open_window(purchasing_system=first.purchasing_system)
    second = _pass(ready, under_evaluation(ready, window))
    assert _panel_count(ready) == 1
    _suspend(membership)
    client.force_login(ready.user)
    detail = client.get(f"/onboarding/applications/{second.pk}/").content.decode()
    assert "Sign the FPS agreement" not in detail
    assert "the lead authority must reinstate it first" in detail
    assert _panel_count(ready) == 0
