"""Issuing and signing an IPA: the provider signs first, the named signatory countersigns, each
signature holds the hash of the exact version; the wrong version or hash is 409 (issue 12)."""

from __future__ import annotations

import pytest

from contracts.models import AgreementState, FeePeriod, Signature, VersionState
from contracts.services.versions import version_issue, version_new, version_sign, version_withdraw
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from tests.contracts.world import placed, ready_to_issue
from tests.referrals.awards.world import as_actor

pytestmark = pytest.mark.django_db


def test_an_incomplete_draft_is_not_issued_and_says_what_is_missing():
    p = placed()
    with pytest.raises(InvalidInput) as caught:
        version_issue(actor=as_actor(p.commissioner), version=p.draft)
    assert "authority_signatory" in caught.value.fields
    p.draft.refresh_from_db()
    assert p.draft.state == VersionState.DRAFT
    assert p.draft.content_sha256 == ""


def test_issue_sign_countersign_brings_the_version_into_force():
    p = placed()
    ready_to_issue(p)
    version = version_issue(actor=as_actor(p.commissioner), version=p.draft)
    assert version.state == VersionState.ISSUED and len(version.content_sha256) == 64
    with pytest.raises(WrongState):
        version_sign(
            actor=as_actor(p.provider_user),
            version=version,
            content_sha256="0" * 64,
            name="Pat Head",
            position="Headteacher",
        )
    with pytest.raises(WrongState):  # the authority cannot sign first
        version_sign(
            actor=as_actor(p.commissioner),
            version=version,
            content_sha256=version.content_sha256,
            name="Sam",
            position="Head of SEND",
        )
    version_sign(
        actor=as_actor(p.provider_user),
        version=version,
        content_sha256=version.content_sha256,
        name="Pat Head",
        position="Headteacher",
    )
    p.agreement.refresh_from_db()
    assert p.agreement.state == AgreementState.PROVIDER_SIGNED
    version_sign(
        actor=as_actor(p.commissioner),
        version=version,
        content_sha256=version.content_sha256,
        name="Sam Commissioner",
        position="Head of SEND",
    )
    p.agreement.refresh_from_db()
    version.refresh_from_db()
    assert version.state == VersionState.SIGNED
    assert p.agreement.state == AgreementState.SIGNED
    assert set(
        Signature.objects.filter(version=version).values_list("content_sha256", flat=True)
    ) == {version.content_sha256}
    assert FeePeriod.objects.get(agreement=p.agreement).weekly_fee == p.award.agreed_weekly_price


def test_another_provider_cannot_sign_and_a_signed_version_changes_only_by_a_new_version():
    p = placed()
    ready_to_issue(p)
    version = version_issue(actor=as_actor(p.commissioner), version=p.draft)
    with pytest.raises(NotAllowed):
        version_sign(
            actor=as_actor(p.other_provider_user),
            version=version,
            content_sha256=version.content_sha256,
            name="X",
            position="Y",
        )
    for user, name in ((p.provider_user, "Pat Head"), (p.commissioner, "Sam")):
        version_sign(
            actor=as_actor(user),
            version=version,
            content_sha256=version.content_sha256,
            name=name,
            position="Signatory",
        )
    terms = p.terms.with_changes(notice_weeks=8)
    second = version_new(
        actor=as_actor(p.commissioner),
        agreement=p.agreement,
        terms=terms,
        reason="Notice corrected.",
        effective_from=p.agreement.start_date,
        issue=True,
    )
    assert second.number == 2 and second.content_sha256 != version.content_sha256
    with pytest.raises(WrongState):  # the old version cannot be signed again
        version_sign(
            actor=as_actor(p.provider_user),
            version=version,
            content_sha256=version.content_sha256,
            name="Pat",
            position="Head",
        )


def test_a_withdrawn_first_version_comes_back_as_a_draft():
    p = placed()
    ready_to_issue(p)
    version = version_issue(actor=as_actor(p.commissioner), version=p.draft)
    version_withdraw(actor=as_actor(p.commissioner), version=version, reason="Wrong start date.")
    p.agreement.refresh_from_db()
    assert p.agreement.state == AgreementState.DRAFT
    assert p.agreement.current_version.number == 2
    assert p.agreement.current_version.state == VersionState.DRAFT
