"""Signing an IPA's versions as services (issue 12): two signatures at once make one, the wrong
version is 409, a change after signature is a new version both parties sign again; the beat's
activation and reminders each do their thing once however often they run."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from contracts.models import Agreement, AgreementState, AgreementVersion, Signature, VersionState
from contracts.services import beat
from contracts.services.versions import version_issue, version_new, version_sign
from contracts.tasks import activate_started_agreements, remind_unsigned_agreements
from contracts.terms import Terms
from fps_portal.accounts.recipients import provider_users
from fps_portal.audit.models import AuditEvent
from fps_portal.errors import WrongState
from fps_portal.notifications.models import Notification
from tests.contracts.world import Placed, placed, ready_to_issue
from tests.referrals.awards.world import as_actor

pytestmark = pytest.mark.django_db


def _issued(p: Placed) -> AgreementVersion:
    ready_to_issue(p)
    return version_issue(actor=as_actor(p.commissioner), version=p.draft)


def _sign(p: Placed, version: AgreementVersion, who: str = "provider") -> Signature:
    user = p.provider_user if who == "provider" else p.commissioner
    return version_sign(
        actor=as_actor(user),
        version=version,
        content_sha256=version.content_sha256,
        name="Pat Head" if who == "provider" else "Sam Commissioner",
        position="Headteacher" if who == "provider" else "Head of SEND",
    )


def test_signing_an_older_version_or_with_another_hash_is_409_and_signs_nothing():
    p = placed()
    version = _issued(p)
    with pytest.raises(WrongState, match="has changed"):
        version_sign(
            actor=as_actor(p.provider_user),
            version=version,
            content_sha256="f" * 64,
            name="Pat Head",
            position="Headteacher",
        )
    _sign(p, version)
    _sign(p, version, "authority")
    second = version_new(
        actor=as_actor(p.commissioner),
        agreement=p.agreement,
        terms=Terms.from_json(version.terms).with_changes(notice_weeks=8),
        reason="A shorter notice period.",
        effective_from=version.effective_from,
        issue=True,
    )
    # Signing version 1 again, or version 2 with version 1's hash, is refused.
    with pytest.raises(WrongState, match="version 2 is"):
        _sign(p, version)
    with pytest.raises(WrongState, match="has changed"):
        version_sign(
            actor=as_actor(p.provider_user),
            version=second,
            content_sha256=version.content_sha256,
            name="Pat Head",
            position="Headteacher",
        )
    assert Signature.objects.filter(version=second).count() == 0


def test_a_change_after_signature_is_a_new_version_that_both_sign_again():
    p = placed()
    first = _issued(p)
    _sign(p, first)
    _sign(p, first, "authority")
    frozen = AgreementVersion.objects.get(pk=first.pk)
    second = version_new(
        actor=as_actor(p.commissioner),
        agreement=p.agreement,
        terms=Terms.from_json(first.terms).with_changes(notice_weeks=8),
        reason="A shorter notice period.",
        effective_from=first.effective_from,
        issue=True,
    )
    assert second.content_sha256 != first.content_sha256
    # The provider's users hear of the new version to sign.
    assert Notification.objects.filter(
        recipient=p.provider_user, event_key=f"contracts.version_issued.{second.pk}"
    ).exists()
    _sign(p, second)
    _sign(p, second, "authority")
    second.refresh_from_db()
    assert second.state == VersionState.SIGNED
    assert {s.party for s in second.signatures.all()} == {"provider", "authority"}
    assert AgreementVersion.objects.get(pk=first.pk).terms == frozen.terms
    p.agreement.refresh_from_db()
    assert p.agreement.current_version_id == second.pk


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")
def test_two_signatures_at_once_make_one() -> None:
    p = placed()
    version = _issued(p)
    first_done, results, errors = threading.Event(), {}, []

    def sign(label: str, hold_open: bool) -> None:
        try:
            with transaction.atomic():
                results[label] = _sign(p, AgreementVersion.objects.get(pk=version.pk))
                if hold_open:
                    first_done.set()
                    _wait_until_another_session_waits_on_a_lock()
        except Exception as exc:  # reported below: a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connections.close_all()

    first = threading.Thread(target=sign, args=("first", True))
    first.start()
    assert first_done.wait(20)
    second = threading.Thread(target=sign, args=("second", False))
    second.start()
    first.join(30)
    second.join(30)
    assert set(results) == {"first"}
    assert len(errors) == 1 and isinstance(errors[0], WrongState)
    assert Signature.objects.filter(version_id=version.pk).count() == 1
    assert Agreement.objects.get(pk=p.agreement.pk).state == AgreementState.PROVIDER_SIGNED


def test_two_signatures_one_after_the_other_make_one():
    p = placed()
    version = _issued(p)
    _sign(p, version)
    with pytest.raises(WrongState):
        _sign(p, AgreementVersion.objects.get(pk=version.pk))
    assert Signature.objects.filter(version=version).count() == 1


def _wait_until_another_session_waits_on_a_lock(timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock' "
                "AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the second signature never waited on the agreement's lock")


def test_a_signed_agreement_becomes_active_on_its_start_date_once():
    p = placed()
    version = _issued(p)
    _sign(p, version)
    _sign(p, version, "authority")
    agreement = Agreement.objects.get(pk=p.agreement.pk)
    Agreement.objects.filter(pk=agreement.pk).update(
        start_date=beat.uk_today() + datetime.timedelta(days=1)
    )
    assert activate_started_agreements() == 0
    Agreement.objects.filter(pk=agreement.pk).update(start_date=beat.uk_today())
    audits = AuditEvent.objects.filter(object_type="contracts.agreement").count()
    assert activate_started_agreements() == 1
    assert activate_started_agreements() == 0
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.ACTIVE and agreement.activated_at is not None
    assert AuditEvent.objects.filter(object_type="contracts.agreement").count() == audits + 1


def test_an_unsigned_version_reminds_whose_turn_it_is_once_per_interval():
    p = placed()
    version = _issued(p)
    assert remind_unsigned_agreements() == 0  # issued just now: not due
    long_ago = timezone.now() - beat.REMIND_AFTER - datetime.timedelta(hours=1)
    AgreementVersion.objects.filter(pk=version.pk).update(issued_at=long_ago)
    assert remind_unsigned_agreements() == 1
    assert remind_unsigned_agreements() == 0
    reminders = Notification.objects.filter(event_key__startswith="contracts.unsigned_reminder")
    providers = set(provider_users(p.provider).values_list("pk", flat=True))
    assert {n.recipient_id for n in reminders} == providers and p.provider_user.pk in providers
    assert reminders.count() == len(providers)
    assert all(p.terms.child_name not in n.body for n in reminders)
    # After another interval, once more.
    later = timezone.now() + beat.REMIND_AFTER + datetime.timedelta(hours=1)
    assert beat.version_remind(version_id=version.pk, now=later) is True
    assert beat.version_remind(version_id=version.pk, now=later) is False
    # The provider signs: now it is the named signatory's turn, reminded once when due.
    _sign(p, AgreementVersion.objects.get(pk=version.pk))
    AgreementVersion.objects.filter(pk=version.pk).update(provider_signed_at=long_ago)
    Agreement.objects.filter(pk=p.agreement.pk).update(reminded_at=long_ago)
    assert remind_unsigned_agreements() == 1
    assert remind_unsigned_agreements() == 0
    assert reminders.filter(recipient=p.commissioner).count() == 1


def test_a_draft_with_funding_that_does_not_add_up_or_an_end_before_the_start_is_refused():
    from decimal import Decimal

    from contracts.services.versions import draft_update
    from contracts.terms import FundingShare
    from fps_portal.errors import InvalidInput

    p = placed()
    before = p.draft.terms
    audits = AuditEvent.objects.count()
    terms = p.terms
    with pytest.raises(InvalidInput) as refused:
        draft_update(
            actor=as_actor(p.commissioner),
            version=p.draft,
            terms=terms.with_changes(
                funding=(
                    FundingShare("education", "Sefton", Decimal("50")),
                    FundingShare("health", "NHS", Decimal("40")),
                ),
                end_date=terms.start_date - datetime.timedelta(days=1),
            ),
        )
    assert set(refused.value.fields) == {"funding", "end_date"}
    assert "add up to 90%" in str(refused.value.fields["funding"])
    p.draft.refresh_from_db()
    assert p.draft.terms == before
    assert AuditEvent.objects.count() == audits


def test_the_dashboard_counts_are_each_actors_turn():
    from contracts.selectors.signing import signing_counts

    p = placed()
    commissioner, provider = as_actor(p.commissioner), as_actor(p.provider_user)
    other = as_actor(p.other_provider_user)
    assert signing_counts(commissioner).to_complete == 1
    assert signing_counts(provider).to_sign == 0
    version = _issued(p)
    assert signing_counts(commissioner).to_complete == 0
    assert signing_counts(provider).to_sign == 1
    assert signing_counts(other).to_sign == 0  # another provider's agreement is not counted
    _sign(p, version)
    assert signing_counts(provider).to_sign == 0
    assert signing_counts(commissioner).to_countersign == 1
    # A colleague who is not the named signatory has nothing to countersign.
    assert signing_counts(as_actor(p.world.head_of_service)).to_countersign == 0
