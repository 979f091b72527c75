"""The demo's Orders and IPAs (`load_demo_data`, demo/contracts.py): every complete award of the
demo has its Order and agreement, made through the award handlers, and five agreements stand in
the states the demo describes, each reached through the services (issue, the provider's
signature, the countersignature, the beat's activation, a variation, a breakdown), with the
stamps, signatures, fee history, audit rows and PDFs those leave.

One load serves each test's many checks."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contracts.models import (
    Agreement,
    AgreementState,
    EndKind,
    FeePeriod,
    Order,
    Party,
    PlacementEnd,
    RenderedPdf,
    RenderKind,
    Signature,
    VariationKind,
    VariationState,
    VersionState,
)
from contracts.services.versions import version_sign
from contracts.terms import Terms, problems
from demo.contracts import (
    AWAITING_PROVIDER,
    ENDED,
    JOINTLY_FUNDED,
    SPOT_PURCHASE,
    UPLIFT_PERCENT,
    UPLIFTED,
    load_contracts,
)
from fps_portal.accounts.models import User
from fps_portal.actors import actor_for_user
from fps_portal.audit.models import AuditEvent, AuditVerb
from fps_portal.notifications.models import Notification
from fps_portal.scoping import scoped
from referrals.models import Award, AwardState

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    call_command("load_demo_data", stdout=StringIO())


@pytest.fixture
def demo_committed(django_capture_on_commit_callbacks) -> None:
    """The demo as it stands once the loader's transaction commits: the PDFs it asked for are
    rendered (in-process here; by the worker in `make run`)."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_data", stdout=StringIO())


def _agreement(case_number: str) -> Agreement:
    return Agreement.objects.select_related("order", "current_version").get(
        child__case_number=case_number
    )


def _signed_by_both(agreement: Agreement, number: int) -> None:
    version = agreement.versions.get(number=number)
    assert version.state == VersionState.SIGNED
    signatures = list(version.signatures.order_by("signed_at", "pk"))
    assert [s.party for s in signatures] == [Party.PROVIDER, Party.AUTHORITY]
    for signature in signatures:
        # Each records the exact version signed, by whom and in what role.
        assert signature.content_sha256 == version.content_sha256
        assert version.content_sha256 == Terms.from_json(version.terms).content_sha256()
        assert signature.name and signature.position and signature.organisation_name
    provider_signature, countersignature = signatures
    assert provider_signature.user.memberships.filter(organisation=agreement.provider_id)
    # The moments as they would have happened, the signatures' the version's own.
    assert version.issued_at < version.provider_signed_at < version.signed_at
    assert provider_signature.signed_at == version.provider_signed_at
    assert countersignature.signed_at == version.signed_at
    assert countersignature.user_id == agreement.authority_signatory_id
    assert {AuditVerb.SIGNED} == set(
        AuditEvent.objects.filter(
            object_type="contracts.agreementversion", object_id=str(version.pk)
        )
        .filter(verb=AuditVerb.SIGNED)
        .values_list("verb", flat=True)
    )


def test_every_demo_award_has_its_order_and_agreement(demo: None) -> None:
    complete = Award.objects.filter(state=AwardState.COMPLETE)
    assert complete.count() == 5
    for award in complete:
        order = Order.objects.get(award=award)
        assert order.number.startswith(f"{award.referral.reference[:3]}-ORD-")
        assert order.agreement.reference == f"{order.number}-IPA"
        # Made by the award handler, in the commissioner's name, as the portal does.
        made = AuditEvent.objects.get(
            object_type="contracts.order", object_id=str(order.pk), verb=AuditVerb.CREATED
        )
        assert made.actor_id == award.proposed_by_id
    spot = _agreement(SPOT_PURCHASE)
    assert spot.order.under_fps_agreement is False and spot.provider is None
    assert spot.order.provider_name == "Bayview Supported Living Ltd"
    assert spot.state == AgreementState.DRAFT and spot.versions.get().state == VersionState.DRAFT
    # Every agreement but the spot purchase's was completed: nothing is missing from its terms.
    for agreement in Agreement.objects.exclude(pk=spot.pk):
        assert problems(Terms.from_json(agreement.versions.get(number=1).terms)) == {}


def test_the_five_agreements_in_their_states(demo: None) -> None:
    today = timezone.localdate()
    joint = _agreement(JOINTLY_FUNDED)
    assert joint.state == AgreementState.ACTIVE and joint.activated_at is not None
    _signed_by_both(joint, 1)
    terms = Terms.from_json(joint.current_version.terms)
    assert [(s.stream, s.percent) for s in terms.funding] == [
        ("education", Decimal("80")),
        ("health", Decimal("20")),
    ]
    assert sum(amount for _, amount in terms.funding_lines) == terms.weekly_total
    assert terms.provision.health_and_therapies and terms.child_costs

    waiting = _agreement(AWAITING_PROVIDER)
    assert waiting.state == AgreementState.ISSUED
    version = waiting.versions.get()
    assert version.state == VersionState.ISSUED and version.content_sha256
    assert not version.signatures.exists() and waiting.provider.name == "Oakfield Learning Trust"
    assert Notification.objects.filter(
        recipient__email="bids@oakfield.example",
        url=reverse("contracts:agreement-sign", args=[waiting.pk]),
    ).exists()

    uplifted = _agreement(UPLIFTED)
    assert uplifted.state == AgreementState.ACTIVE and uplifted.current_version.number == 2
    _signed_by_both(uplifted, 1)
    _signed_by_both(uplifted, 2)
    variation = uplifted.variations.get()
    assert variation.kind == VariationKind.PRICE_UPLIFT
    assert variation.state == VariationState.AGREED and variation.proposed_by_party == "provider"
    assert variation.uplift_percent == UPLIFT_PERCENT and variation.version.number == 2
    first, second = FeePeriod.objects.filter(agreement=uplifted).order_by("starts")
    assert second.weekly_fee == (first.weekly_fee * Decimal("1.04")).quantize(Decimal("0.01"))
    assert first.until == second.starts - datetime.timedelta(days=1) and second.until is None
    assert uplifted.weekly_fee == second.weekly_fee
    assert second.starts == variation.effective_from < today
    assert timezone.localtime(variation.agreed_at).date() < variation.effective_from

    ended = _agreement(ENDED)
    assert ended.state == AgreementState.ENDED and ended.activated_at and ended.ended_at
    _signed_by_both(ended, 1)
    end = PlacementEnd.objects.get(agreement=ended)
    assert end.kind == EndKind.BREAKDOWN and end.reason and end.details and end.requested_by
    assert end.notice_given_on <= end.last_day < today
    assert ended.start_date < end.last_day <= ended.end_date
    # Signed before it started a year ago, ended by the beat the day after its last day.
    assert timezone.localtime(ended.signed_at).date() <= ended.start_date
    assert timezone.localtime(ended.ended_at).date() == end.last_day + datetime.timedelta(days=1)
    assert end.notice_given_on < timezone.localtime(end.recorded_at).date() <= end.last_day

    # The beat activated the started ones (no one set the state): an audited transition with
    # no actor, after the countersignature.
    for agreement in (joint, uplifted, ended):
        assert agreement.start_date <= today and agreement.signed_at < agreement.activated_at
        activated = AuditEvent.objects.filter(
            object_type="contracts.agreement",
            object_id=str(agreement.pk),
            verb=AuditVerb.STATE_CHANGED,
            after__state=AgreementState.ACTIVE,
        )
        assert activated.get().actor_id is None


def test_the_demo_pdfs_are_rendered(demo_committed: None) -> None:
    for order in Order.objects.all():
        assert RenderedPdf.objects.filter(order=order, kind=RenderKind.ORDER).exists()
    for agreement in Agreement.objects.all():
        for version in agreement.versions.exclude(state=VersionState.DRAFT):
            kinds = set(version.pdfs.values_list("kind", flat=True))
            expected = {RenderKind.AGREEMENT}
            if version.state == VersionState.SIGNED:
                expected.add(RenderKind.SIGNED_AGREEMENT)
            assert kinds == expected, (agreement.reference, version.number)
    assert all(pdf.file.read(5) == b"%PDF-" for pdf in RenderedPdf.objects.all())


def test_the_demo_provider_signs_the_agreement_waiting_for_it(demo: None) -> None:
    """What the demo offers to try: Oakfield's sign-in opens its agreement (another provider's is
    404), signs the exact version, and Sefton's head of service countersigns."""
    waiting = _agreement(AWAITING_PROVIDER)
    oakfield = User.objects.get(email="bids@oakfield.example")
    client = Client()
    client.force_login(oakfield)
    assert client.get(reverse("contracts:agreement", args=[waiting.pk])).status_code == 200
    joint = _agreement(JOINTLY_FUNDED)
    assert client.get(reverse("contracts:agreement", args=[joint.pk])).status_code == 404
    actor = actor_for_user(oakfield)
    assert actor is not None
    assert list(scoped(Agreement, actor)) == [waiting]
    version = waiting.versions.get()
    version_sign(
        actor=actor,
        version=version,
        content_sha256=version.content_sha256,
        name="Alex Morgan",
        position="Bids and Contracts Manager",
    )
    head = actor_for_user(User.objects.get(email="headofservice@sefton.example"))
    assert head is not None
    version_sign(
        actor=head,
        version=version,
        content_sha256=version.content_sha256,
        name="Priya Nair",
        position="Head of Service, SEND Commissioning",
    )
    waiting.refresh_from_db()
    assert waiting.state == AgreementState.SIGNED
    assert Signature.objects.filter(version=version).count() == 2


def test_each_authority_sees_only_its_own_agreements(demo: None) -> None:
    for email, authority in (
        ("placements@sefton.example", "Sefton"),
        ("placements@blackpool.example", "Blackpool"),
    ):
        actor = actor_for_user(User.objects.get(email=email))
        assert actor is not None
        seen = scoped(Agreement, actor)
        assert seen.exists()
        assert set(seen.values_list("authority__name", flat=True)) == {authority}
    forum = actor_for_user(User.objects.get(email="forum@seftonparentcarers.example"))
    assert forum is not None and not scoped(Agreement, forum).exists()


def test_loading_the_contracts_again_changes_nothing(demo: None) -> None:
    counts = (Order.objects.count(), Agreement.objects.count(), Signature.objects.count())
    load_contracts()
    assert (Order.objects.count(), Agreement.objects.count(), Signature.objects.count()) == counts
