"""Variations of a signed IPA (issue 12): a price uplift, a change of provision and a change of
end date, proposed by either party as a new version both sign; refused by the other party or
withdrawn by the proposer; bad input is refused on the field with nothing written."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from contracts.models import (
    AgreementState,
    AgreementVersion,
    FeePeriod,
    Variation,
    VariationKind,
    VariationState,
    VersionState,
)
from contracts.services.variation_decisions import variation_refuse, variation_withdraw
from contracts.services.variation_rules import can_refuse, can_withdraw, variation_blocker
from contracts.services.variations import (
    ProvisionChange,
    variation_propose_end_date,
    variation_propose_provision,
    variation_propose_uplift,
)
from contracts.terms import FundingShare, ServiceLine, Terms
from fps_portal.audit.models import AuditEvent
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.notifications.models import Notification
from tests.contracts.signed_world import sign_both, signed
from tests.contracts.world import placed
from tests.referrals.awards.world import as_actor

pytestmark = pytest.mark.django_db


def _uplift(p, *, by=None, percent=Decimal("3.5"), fee=None, days=30, reason="Annual uplift."):
    return variation_propose_uplift(
        actor=as_actor(by or p.provider_user),
        agreement=p.agreement,
        percent=percent,
        new_weekly_fee=fee,
        effective_from=p.agreement.start_date + datetime.timedelta(days=days),
        reason=reason,
    )


def test_an_agreed_uplift_leaves_a_fee_history_with_both_periods_and_both_versions():
    p = signed()
    before_fee = p.agreement.weekly_fee
    variation = _uplift(p)
    assert variation.state == VariationState.PROPOSED
    assert variation.version.state == VersionState.ISSUED and variation.version.number == 2
    assert variation.new_weekly_fee == (before_fee * Decimal("1.035")).quantize(Decimal("0.01"))
    # The authority's commissioners hear of it; the words never name the child.
    told = Notification.objects.filter(event_key=f"contracts.variation.{variation.pk}.proposed")
    assert told.filter(recipient=p.commissioner).exists()
    child = p.agreement.child
    assert all(child.given_name not in n.subject + n.body for n in told)

    sign_both(p, variation.version)
    variation.refresh_from_db()
    assert variation.state == VariationState.AGREED and variation.agreed_at is not None
    assert p.agreement.weekly_fee == variation.new_weekly_fee
    assert p.agreement.current_version_id == variation.version_id
    periods = list(FeePeriod.objects.filter(agreement=p.agreement).order_by("starts"))
    assert [period.weekly_fee for period in periods] == [before_fee, variation.new_weekly_fee]
    assert periods[0].until == variation.effective_from - datetime.timedelta(days=1)
    assert periods[1].starts == variation.effective_from and periods[1].until is None
    versions = AgreementVersion.objects.filter(agreement=p.agreement).order_by("number")
    assert [v.state for v in versions] == [VersionState.SIGNED, VersionState.SIGNED]
    assert Terms.from_json(versions[0].terms).core_weekly_fee == before_fee
    assert Terms.from_json(versions[1].terms).core_weekly_fee == variation.new_weekly_fee


def test_a_new_fee_is_an_uplift_too_and_the_authority_may_propose():
    p = signed()
    variation = _uplift(p, by=p.commissioner, percent=None, fee=Decimal("4000.00"))
    assert variation.proposed_by_party == "authority"
    assert variation.uplift_percent is None and variation.new_weekly_fee == Decimal("4000.00")
    assert Terms.from_json(variation.version.terms).core_weekly_fee == Decimal("4000.00")
    assert Notification.objects.filter(
        event_key=f"contracts.variation.{variation.pk}.proposed", recipient=p.provider_user
    ).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"percent": Decimal("0")}, "percent"),
        ({"percent": Decimal("-2")}, "percent"),
        ({"percent": Decimal("50.01")}, "percent"),
        ({"percent": None, "fee": Decimal("0")}, "new_weekly_fee"),
        ({"percent": None, "fee": Decimal("-10")}, "new_weekly_fee"),
        ({"percent": None, "fee": Decimal("1.00")}, "new_weekly_fee"),  # below the fee in force
        ({"percent": None}, "percent"),
        ({"fee": Decimal("4000")}, "percent"),  # both
        ({"days": -1}, "effective_from"),
        ({"reason": "  "}, "reason"),
    ],
)
def test_bad_uplift_is_refused_on_the_field_and_nothing_is_written(changes, field):
    p = signed()
    audit = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as caught:
        _uplift(p, **changes)
    assert field in caught.value.fields
    assert not Variation.objects.exists()
    assert AgreementVersion.objects.filter(agreement=p.agreement).count() == 1
    assert AuditEvent.objects.count() == audit


def test_a_variation_needs_a_signed_agreement_one_at_a_time_and_a_party():
    p = placed()
    with pytest.raises(WrongState):  # a draft is changed, not varied
        _uplift(p)
    p = signed()
    assert variation_blocker(as_actor(p.provider_user), p.agreement) == ""
    _uplift(p)
    with pytest.raises(WrongState):
        _uplift(p, by=p.commissioner)
    assert variation_blocker(as_actor(p.provider_user), p.agreement) != ""
    with pytest.raises(NotAllowed):
        _uplift(p, by=p.other_provider_user)
    assert Variation.objects.count() == 1


def test_the_other_party_refuses_and_the_terms_in_force_stay():
    p = signed()
    fee = p.agreement.weekly_fee
    variation = _uplift(p)
    provider, authority = as_actor(p.provider_user), as_actor(p.commissioner)
    assert not can_refuse(provider, variation) and can_refuse(authority, variation)
    with pytest.raises(NotAllowed):  # the proposer withdraws instead
        variation_refuse(actor=provider, variation=variation, reason="No.")
    with pytest.raises(InvalidInput) as caught:
        variation_refuse(actor=authority, variation=variation, reason=" ")
    assert "reason" in caught.value.fields
    variation_refuse(actor=authority, variation=variation, reason="Not in this year's budget.")
    variation.refresh_from_db()
    assert variation.state == VariationState.REFUSED
    assert variation.refused_by == p.commissioner and variation.refusal_reason
    assert variation.version.state == VersionState.WITHDRAWN
    p.agreement.refresh_from_db()
    assert p.agreement.weekly_fee == fee and p.agreement.state == AgreementState.SIGNED
    assert p.agreement.current_version_id == p.draft.pk
    assert Notification.objects.filter(
        event_key=f"contracts.variation.{variation.pk}.refused", recipient=p.provider_user
    ).exists()
    assert AuditEvent.objects.filter(
        object_type="contracts.variation", object_id=str(variation.pk), verb="state_changed"
    ).exists()
    with pytest.raises(WrongState):  # refused already
        variation_refuse(actor=authority, variation=variation, reason="Again.")
    # Another variation can now be proposed.
    assert variation_blocker(provider, p.agreement) == ""


def test_a_party_that_signed_cannot_refuse_but_the_authority_can_until_it_countersigns():
    from contracts.services.versions import version_sign

    p = signed()
    variation = _uplift(p, by=p.commissioner)
    version_sign(
        actor=as_actor(p.provider_user),
        version=variation.version,
        content_sha256=variation.version.content_sha256,
        name="Pat Head",
        position="Headteacher",
    )
    variation.refresh_from_db()
    assert not can_refuse(as_actor(p.provider_user), variation)
    with pytest.raises(WrongState):
        variation_refuse(actor=as_actor(p.provider_user), variation=variation, reason="Changed.")
    # The proposer (the authority) can still withdraw before it countersigns.
    assert can_withdraw(as_actor(p.commissioner), variation)


def test_only_the_proposer_withdraws():
    p = signed()
    variation = _uplift(p)
    with pytest.raises(NotAllowed):
        variation_withdraw(actor=as_actor(p.commissioner), variation=variation, reason="Mine.")
    with pytest.raises(NotAllowed):
        variation_withdraw(
            actor=as_actor(p.other_provider_user), variation=variation, reason="Not mine."
        )
    variation_withdraw(actor=as_actor(p.provider_user), variation=variation, reason="Typo.")
    variation.refresh_from_db()
    assert variation.state == VariationState.WITHDRAWN
    assert variation.withdrawn_by == p.provider_user
    assert variation.version.state == VersionState.WITHDRAWN
    with pytest.raises(WrongState):
        variation_withdraw(actor=as_actor(p.provider_user), variation=variation, reason="Again.")
    p.agreement.refresh_from_db()
    assert p.agreement.state == AgreementState.SIGNED  # no redraft for a signed agreement


def _change(terms: Terms, **overrides) -> ProvisionChange:
    values = {
        "education": terms.provision.education,
        "residential_care": terms.provision.residential_care,
        "health_and_therapies": True,
        "weeks_per_year": terms.provision.weeks_per_year,
        "description": "Day education with speech and language therapy and occupational therapy.",
        "services": (ServiceLine("Occupational therapy", "hour", Decimal("60"), Decimal("2")),),
        "funding": (
            FundingShare("education", "Sefton Council", Decimal("70")),
            FundingShare("health", "NHS Cheshire and Merseyside", Decimal("30")),
        ),
        "summary": "Occupational therapy added, two hours a week, jointly funded by health.",
    }
    return ProvisionChange(**{**values, **overrides})


def test_a_change_of_provision_adds_a_service_and_a_joint_funder():
    p = signed()
    terms = p.terms
    variation = variation_propose_provision(
        actor=as_actor(p.commissioner),
        agreement=p.agreement,
        change=_change(terms),
        effective_from=p.agreement.start_date + datetime.timedelta(days=60),
        reason="The annual review added occupational therapy.",
    )
    assert variation.kind == VariationKind.PROVISION_CHANGE
    new = Terms.from_json(variation.version.terms)
    assert new.weekly_services == Decimal("120.00")
    assert [share.stream for share in new.funding] == ["education", "health"]
    sign_both(p, variation.version)
    assert p.agreement.weekly_services == Decimal("120.00")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {
                "funding": (
                    FundingShare("education", "Sefton Council", Decimal("70")),
                    FundingShare("health", "NHS", Decimal("20")),
                )
            },
            "funding",
        ),
        (
            {"education": False, "residential_care": False, "health_and_therapies": False},
            "provision",
        ),
        ({"weeks_per_year": 53}, "weeks_per_year"),
        ({"description": " "}, "description"),
        ({"summary": ""}, "summary"),
        ({"services": (ServiceLine("", "hour", Decimal("1"), Decimal("1")),)}, "services"),
        ({"services": (ServiceLine("OT", "hour", Decimal("1"), Decimal("0")),)}, "services"),
    ],
)
def test_a_bad_change_of_provision_writes_nothing(overrides, field):
    p = signed()
    with pytest.raises(InvalidInput) as caught:
        variation_propose_provision(
            actor=as_actor(p.provider_user),
            agreement=p.agreement,
            change=_change(p.terms, **overrides),
            effective_from=p.agreement.start_date,
            reason="Review.",
        )
    assert field in caught.value.fields
    assert not Variation.objects.exists()


def test_a_change_of_provision_that_changes_nothing_is_refused():
    p = signed()
    terms = p.terms
    same = ProvisionChange(
        education=terms.provision.education,
        residential_care=terms.provision.residential_care,
        health_and_therapies=terms.provision.health_and_therapies,
        weeks_per_year=terms.provision.weeks_per_year,
        description=terms.provision.description,
        services=terms.services,
        funding=terms.funding,
        summary="Nothing really.",
    )
    with pytest.raises(InvalidInput) as caught:
        variation_propose_provision(
            actor=as_actor(p.provider_user),
            agreement=p.agreement,
            change=same,
            effective_from=p.agreement.start_date,
            reason="Review.",
        )
    assert "provision" in caught.value.fields


def test_a_change_of_end_date():
    p = signed()
    start = p.agreement.start_date
    with pytest.raises(InvalidInput) as caught:
        variation_propose_end_date(
            actor=as_actor(p.commissioner),
            agreement=p.agreement,
            new_end_date=start - datetime.timedelta(days=1),
            reason="Earlier.",
        )
    assert "new_end_date" in caught.value.fields
    assert not Variation.objects.exists()
    new_end = start + datetime.timedelta(days=700)
    variation = variation_propose_end_date(
        actor=as_actor(p.commissioner),
        agreement=p.agreement,
        new_end_date=new_end,
        reason="Extended to the end of key stage 4.",
    )
    sign_both(p, variation.version)
    assert p.agreement.end_date == new_end
    variation.refresh_from_db()
    assert variation.state == VariationState.AGREED
