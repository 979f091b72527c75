"""Application: draft, scope, prices, declarations, submit inside the window only, once,
withdraw."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from fps_portal.accounts.models import Role
from fps_portal.audit.models import AuditEvent, AuditVerb
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from providers.models import (
    Application,
    ApplicationState,
    EvaluationWindow,
    EvidenceKind,
    PurchasingSystemKind,
    SettingLot,
    WindowState,
)
from providers.models.application import LIVE_STATES
from providers.money import parse_money
from providers.services.application_prices import (
    application_add_service_price,
    application_set_prices,
)
from providers.services.application_submission import application_submit, application_withdraw
from providers.services.applications import (
    application_set_scope,
    application_start,
)
from tests.factories import person
from tests.providers.onboarding import states
from tests.providers.onboarding.factories import (
    actor,
    draft_application,
    make_lot,
    make_setting,
    make_system,
    open_window,
    ready_provider,
    scheduled_window,
    submitted_application,
)

pytestmark = pytest.mark.django_db


def test_a_draft_offers_the_evidence_already_held_and_valid() -> None:
    ready = ready_provider()
    window = open_window()
    application = draft_application(ready, window)
    kinds = set(application.evidence.values_list("kind", flat=True))
    assert EvidenceKind.INSURANCE in kinds and EvidenceKind.STATEMENT_OF_PURPOSE in kinds
    assert (
        application.evidence.count() == 10
    )  # 6 organisation + 4 setting items, nothing uploaded twice


def test_starting_twice_returns_the_same_draft() -> None:
    ready = ready_provider()
    window = open_window()
    first = application_start(actor=ready.actor, system=window.purchasing_system, window=window)
    second = application_start(actor=ready.actor, system=window.purchasing_system, window=window)
    assert first.pk == second.pk
    assert Application.objects.count() == 1


def test_live_is_one_definition_for_the_constraints_and_for_starting_again() -> None:
    """The unique constraints and `application_start` both read LIVE_STATES: a submitted
    application is returned, not duplicated; a withdrawn one no longer counts."""
    conditions = [
        constraint.condition.children
        for constraint in Application._meta.constraints
        if constraint.name.startswith("one_live_")
    ]
    assert len(conditions) == 2
    assert all(("state__in", list(LIVE_STATES)) in children for children in conditions)
    ready = ready_provider()
    window = open_window()
    submitted = states.submitted(ready, window)
    system = window.purchasing_system
    assert application_start(actor=ready.actor, system=system, window=window).pk == submitted.pk
    application_withdraw(actor=ready.actor, application=submitted, reason="Not ready this round")
    fresh = application_start(actor=ready.actor, system=system, window=window)
    assert fresh.pk != submitted.pk and fresh.state == ApplicationState.DRAFT


@pytest.mark.parametrize(
    "raw,expected", [("3250", "3250.00"), ("£3,250.5", "3250.50"), (" 99.99 ", "99.99")]
)
def test_money_in_pounds_and_pence(raw: str, expected: str) -> None:
    assert parse_money(raw, field_name="price") == Decimal(expected)


@pytest.mark.parametrize("raw", ["0", "-5", "12.345", "abc", "1e3", "", "3250.00.1"])
def test_a_price_that_is_not_a_positive_amount_is_refused_and_nothing_is_written(raw: str) -> None:
    ready = ready_provider()
    window = open_window()
    application = draft_application(ready, window)
    lot = application.lots.get()
    key = (ready.setting.pk, lot.pk)
    if raw == "":
        with pytest.raises(InvalidInput, match="at least one"):
            application_set_prices(actor=ready.actor, application=application, prices={key: raw})
    else:
        with pytest.raises(InvalidInput) as error:
            application_set_prices(actor=ready.actor, application=application, prices={key: raw})
        assert f"price_{ready.setting.pk}_{lot.pk}" in error.value.fields
    # The setting's own price list is where a draft's price lives (issue 10).
    assert SettingLot.objects.get(setting=ready.setting, lot=lot).weekly_price == Decimal("3250.00")


def test_an_additional_service_rate_must_be_money() -> None:
    ready = ready_provider()
    application = draft_application(ready, open_window())
    with pytest.raises(InvalidInput) as error:
        application_add_service_price(
            actor=ready.actor,
            application=application,
            setting=ready.setting,
            name="1:1 support",
            unit="hour",
            rate="-3",
        )
    assert "rate" in error.value.fields
    line = application_add_service_price(
        actor=ready.actor,
        application=application,
        setting=ready.setting,
        name="1:1 support",
        unit="hour",
        rate="25.50",
    )
    assert line.rate == Decimal("25.50")


def test_another_providers_setting_or_lot_of_another_system_is_refused() -> None:
    ready = ready_provider()
    window = open_window()
    application = application_start(
        actor=ready.actor, system=window.purchasing_system, window=window
    )
    with pytest.raises(InvalidInput) as error:
        application_set_scope(
            actor=ready.actor,
            application=application,
            lots=[make_lot()],
            settings=[make_setting()],
        )
    assert {"lots", "settings"} <= set(error.value.fields)


def test_submit_inside_the_open_window_notifies_and_audits() -> None:
    ready = ready_provider()
    application = submitted_application(ready, open_window())
    assert application.state == ApplicationState.SUBMITTED
    assert application.submitted_by == ready.user and application.submitted_at is not None
    assert AuditEvent.objects.filter(
        verb=AuditVerb.STATE_CHANGED, object_id=str(application.pk)
    ).exists()
    assert ready.user.notifications.filter(
        event_key=f"application-submitted:{application.pk}"
    ).exists()


def test_submitting_twice_is_a_wrong_state() -> None:
    ready = ready_provider()
    application = states.submitted(ready, open_window())
    with pytest.raises(WrongState, match="already been submitted"):
        application_submit(actor=ready.actor, application=application)


def test_submit_before_the_window_opens_says_when_it_opens() -> None:
    ready = ready_provider()
    window = scheduled_window()
    application = draft_application(ready, window)
    with pytest.raises(WrongState, match=r"has not opened yet\. It opens on"):
        application_submit(actor=ready.actor, application=application)
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT


def test_submit_after_the_window_closes_says_when_the_next_one_opens() -> None:
    ready = ready_provider()
    window = open_window()
    application = draft_application(ready, window)
    EvaluationWindow.objects.filter(pk=window.pk).update(state=WindowState.EVALUATING)
    scheduled_window(
        purchasing_system=window.purchasing_system,
        name="Round next",
        opens_at=timezone.now() + datetime.timedelta(days=30),
        closes_at=timezone.now() + datetime.timedelta(days=60),
    )
    with pytest.raises(WrongState, match=r"is closed.*The next window, Round next, opens on"):
        application_submit(actor=ready.actor, application=application)


def test_submit_after_closing_time_even_before_beat_runs_is_refused() -> None:
    ready = ready_provider()
    window = open_window()
    application = draft_application(ready, window)
    with pytest.raises(WrongState, match="is closed"):
        application_submit(
            actor=ready.actor,
            application=application,
            now=window.closes_at + datetime.timedelta(minutes=1),
        )


def test_an_incomplete_application_cannot_be_submitted() -> None:
    ready = ready_provider()
    window = open_window()
    application = application_start(
        actor=ready.actor, system=window.purchasing_system, window=window
    )
    with pytest.raises(InvalidInput) as error:
        application_submit(actor=ready.actor, application=application)
    assert {"scope", "declarations"} <= set(error.value.fields)


def test_a_dps_admits_on_a_rolling_basis_straight_into_evaluation() -> None:
    ready = ready_provider()
    system = make_system(
        kind=PurchasingSystemKind.DPS, direct_award_allowed=False, admits_by_windows=False
    )
    lot = make_lot(purchasing_system=system)
    application = application_start(actor=ready.actor, system=system)
    assert application.window is None
    application_set_scope(
        actor=ready.actor, application=application, lots=[lot], settings=[ready.setting]
    )
    application_set_prices(
        actor=ready.actor, application=application, prices={(ready.setting.pk, lot.pk): "100"}
    )
    from providers.services.applications import application_declare

    application_declare(
        actor=ready.actor,
        application=application,
        accurate=True,
        no_exclusion_grounds=True,
        safeguarding=True,
    )
    application = application_submit(actor=ready.actor, application=application)
    assert application.state == ApplicationState.UNDER_EVALUATION
    assert application.results.exists()


def test_withdraw_a_submitted_application_then_not_again() -> None:
    ready = ready_provider()
    application = states.submitted(ready, open_window())
    application_withdraw(actor=ready.actor, application=application, reason="Not ready this round")
    application.refresh_from_db()
    assert (
        application.state == ApplicationState.WITHDRAWN and application.withdrawn_by == ready.user
    )
    with pytest.raises(WrongState):
        application_withdraw(actor=ready.actor, application=application)


def test_a_submitted_application_cannot_be_edited() -> None:
    ready = ready_provider()
    application = states.submitted(ready, open_window())
    with pytest.raises(WrongState, match="can no longer be changed"):
        application_set_prices(
            actor=ready.actor,
            application=application,
            prices={(ready.setting.pk, application.lots.get().pk): "1"},
        )


def test_another_provider_cannot_act_on_an_application() -> None:
    ready = ready_provider()
    application = draft_application(ready, open_window())
    stranger = actor(person(Role.PROVIDER_USER))
    with pytest.raises(NotAllowed):
        application_submit(actor=stranger, application=application)
