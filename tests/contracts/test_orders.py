"""An award becomes an Order and a draft IPA in the award's own transaction (issue 12)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from contracts.models import Agreement, AgreementState, Order
from contracts.services.orders import order_for_award
from contracts.terms import STANDARD_DOCUMENTS, problems
from fps_portal.audit.models import AuditEvent
from tests.contracts.world import placed

pytestmark = pytest.mark.django_db


def test_an_award_makes_one_order_under_the_fps_and_a_draft_ipa_from_the_award():
    p = placed()
    assert p.order.authority_id == p.world.authority.pk
    assert p.order.provider_id == p.provider.pk
    assert p.order.under_fps_agreement is True
    assert p.order.route == p.world.referral.route
    assert p.order.number.endswith("-0001")
    assert p.agreement.state == AgreementState.DRAFT
    assert p.agreement.child_id == p.world.referral.child_id
    assert p.agreement.current_version_id == p.draft.pk
    terms = p.terms
    # The agreed price, not the bid.
    assert terms.core_weekly_fee == p.award.agreed_weekly_price
    assert terms.order_number == p.order.number
    assert terms.documents[: len(STANDARD_DOCUMENTS)] == STANDARD_DOCUMENTS
    assert terms.funding[0].percent == Decimal("100")
    # What the commissioner must still complete before issuing: the signatories at least.
    assert {"authority_signatory", "provider_signatory"} <= set(problems(terms))
    assert AuditEvent.objects.filter(object_type="contracts.order").count() == 1
    assert AuditEvent.objects.filter(object_type="contracts.agreement").count() == 1


def test_making_the_order_again_makes_nothing_new():
    p = placed()
    again = order_for_award(award=p.award, actor=None)
    assert again.pk == p.order.pk
    assert Order.objects.count() == 1
    assert Agreement.objects.count() == 1


def test_order_numbers_follow_on_per_authority():
    first = placed()
    second = placed()
    assert first.order.authority_id == second.order.authority_id
    assert first.order.number.endswith("-0001")
    assert second.order.number.endswith("-0002")


def test_the_terms_partial_shows_every_item_of_section_3_11():
    from django.template.loader import render_to_string

    from contracts.terms import VARIATION_TEMPLATE

    p = placed()
    html = render_to_string(
        "contracts/includes/ipa_terms.html",
        {"terms": p.terms, "variation_template": VARIATION_TEMPLATE},
    )
    for heading in (
        "1. Parties to the agreement",
        "2. Types of provision",
        "3. Purposes of the parties",
        "4. Dates of provision",
        "5. Key contacts",
        "6. Costs and payments",
        "7. Variation template",
        "8. Documents that make up the contract",
        "9. Signatories",
    ):
        assert heading in html
    assert "Procured under the North West SEND Flexible Purchasing System Agreement" in html
    assert p.terms.child_name in html
    assert "Costs for the child or young person" in html
    assert "Who pays what" in html


def test_the_agreement_page_is_the_two_parties_alone_and_each_view_is_audited(client):
    from django.urls import reverse

    from fps_portal.accounts.models import Role
    from tests.factories import MembershipFactory, UserFactory

    p = placed()
    url = reverse("contracts:agreement", args=[p.agreement.pk])
    client.force_login(p.commissioner)
    page = client.get(url)
    assert page.status_code == 200
    assert p.terms.child_name in page.content.decode()
    viewed = AuditEvent.objects.filter(
        verb="viewed_child_record", object_id=str(p.agreement.child_id)
    )
    assert viewed.count() == 1
    client.force_login(p.provider_user)
    assert client.get(url).status_code == 200
    client.force_login(p.other_provider_user)
    assert client.get(url).status_code == 404
    qa = UserFactory()
    MembershipFactory(user=qa, organisation=p.world.authority, role=Role.QA_OFFICER)
    client.force_login(qa)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
