"""The Orders and agreements API (issue 12): both parties read an agreement (its terms audited as
a view of the child's record), another authority's or provider's is 404 and every other role
403; the authority issues, the provider signs and the authority's signatory countersigns the
exact version by its SHA-256 (another version or hash is 409, nothing signed; two signatures at
once make one); bad input is 400 on the field with nothing written; each PDF download is
audited, and a PDF the worker has not yet rendered is 202."""

from __future__ import annotations

import datetime
import hashlib
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from contracts.models import (
    AgreementState,
    AgreementVersion,
    Signature,
    VersionState,
)
from contracts.services.variations import variation_propose_uplift
from contracts.services.versions import version_issue
from fps_portal.accounts.models import Role
from fps_portal.audit.models import AuditEvent, AuditVerb
from tests.contracts.pdf_world import issued
from tests.contracts.signed_world import signed
from tests.contracts.world import placed, ready_to_issue
from tests.factories import api_client_for, authority, person
from tests.referrals.awards.world import as_actor

pytestmark = pytest.mark.django_db

AGREEMENTS = "/api/v1/agreements/"
ORDERS = "/api/v1/orders/"


def _error(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _child_reads(user) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(actor=user, verb=AuditVerb.VIEWED_CHILD_RECORD).order_by("pk")
    )


def _sign_body(signed_version: AgreementVersion, **changes):
    return {
        "version": signed_version.number,
        "content_sha256": signed_version.content_sha256,
        "name": "Pat Head",
        "position": "Headteacher",
        **changes,
    }


# -- reading --------------------------------------------------------------------------------------


def test_both_parties_read_the_agreement_with_its_terms_versions_signatures_and_fees():
    p = signed()
    for user in (p.provider_user, p.commissioner):
        client = api_client_for(user)
        listed = client.get(AGREEMENTS).json()["results"]
        assert [a["id"] for a in listed] == [p.agreement.pk]
        row = listed[0]
        assert row["state"] == "signed" and row["current_version"] == 1
        assert row["order_number"] == p.order.number
        assert "terms" not in row and "child_name" not in str(row)
        assert not _child_reads(user), "a list names no child: nothing to audit"

        detail = client.get(f"{AGREEMENTS}{p.agreement.pk}/")
        assert detail.status_code == 200, detail.json()
        body = detail.json()
        assert body["terms"]["child_name"] == p.terms.child_name
        assert body["terms"]["order_number"] == p.order.number
        assert body["awaiting"] is None
        assert body["authority_signatory_name"] == p.commissioner.full_name
        assert [f["version_number"] for f in body["fee_history"]] == [1]
        assert Decimal(body["fee_history"][0]["weekly_fee"]) == p.agreement.weekly_fee
        (version,) = body["versions"]
        assert version["state"] == "signed"
        assert version["content_sha256"] == p.draft.content_sha256
        signatures = {s["party"]: s for s in version["signatures"]}
        assert set(signatures) == {"provider", "authority"}
        assert signatures["provider"]["name"] == "Pat Head"
        assert signatures["provider"]["position"] == "Headteacher"
        assert signatures["authority"]["content_sha256"] == p.draft.content_sha256
        assert signatures["authority"]["signed_at"]
        (read,) = _child_reads(user)
        assert read.object_type == "referrals.child"
        assert read.object_id == str(p.agreement.child_id)
        assert read.reason.endswith("API.")


def test_versions_lists_every_version_with_its_terms_and_is_audited():
    p = signed()
    variation_propose_uplift(
        actor=as_actor(p.provider_user),
        agreement=p.agreement,
        percent=Decimal("4"),
        new_weekly_fee=None,
        effective_from=p.agreement.start_date + datetime.timedelta(days=30),
        reason="Annual uplift.",
    )
    client = api_client_for(p.commissioner)
    answer = client.get(f"{AGREEMENTS}{p.agreement.pk}/versions/")
    assert answer.status_code == 200, answer.json()
    first, second = answer.json()
    assert (first["number"], first["state"]) == (1, "signed")
    assert (second["number"], second["state"]) == (2, "issued")
    assert Decimal(second["terms"]["core_weekly_fee"]) > Decimal(first["terms"]["core_weekly_fee"])
    assert second["signatures"] == []
    assert "API versions" in _child_reads(p.commissioner)[0].reason
    # The detail says what the agreement waits for: the provider, on version 2, by its hash.
    detail = client.get(f"{AGREEMENTS}{p.agreement.pk}/").json()
    assert detail["awaiting"] == {
        "party": "provider",
        "version": 2,
        "content_sha256": second["content_sha256"],
    }
    assert detail["terms"] == first["terms"], "the terms in force until version 2 is signed"


def test_another_authority_or_provider_gets_404_and_every_other_role_403():
    p = signed()
    other_authority = person(Role.COMMISSIONER, authority("Knowsley"))
    detail = f"{AGREEMENTS}{p.agreement.pk}/"
    routes = [
        ("get", detail),
        ("get", f"{detail}versions/"),
        ("get", f"{detail}pdf/"),
        ("post", f"{detail}sign/"),
        ("get", f"{ORDERS}{p.order.pk}/"),
        ("get", f"{ORDERS}{p.order.pk}/pdf/"),
    ]
    for user in (p.other_provider_user, other_authority):
        client = api_client_for(user)
        for method, url in routes:
            _error(getattr(client, method)(url, format="json"), 404)
        assert client.get(AGREEMENTS).json()["results"] == []
        assert client.get(ORDERS).json()["results"] == []
    _error(api_client_for(other_authority).post(f"{detail}issue/", format="json"), 404)
    refused = [
        person(Role.FORUM_MEMBER),
        person(Role.LEAD_EVALUATOR),
        person(Role.QA_OFFICER, p.world.authority),
        person(Role.AUTHORITY_ADMIN, p.world.authority),
    ]
    for user in refused:
        client = api_client_for(user)
        for method, url in [*routes, ("get", AGREEMENTS), ("get", ORDERS)]:
            error = _error(getattr(client, method)(url, format="json"), 403)
            assert error["fields"] == {}
    for method, url in routes:
        _error(getattr(api_client_for(None), method)(url, format="json"), 401)
    assert not AuditEvent.objects.filter(verb=AuditVerb.VIEWED_CHILD_RECORD).exists()
    # A senior manager of the placing authority is a party, as its commissioners are.
    senior = person(Role.SENIOR_MANAGER, p.world.authority)
    assert api_client_for(senior).get(detail).status_code == 200


def test_filters_by_state_setting_provider_and_authority():
    p = signed()
    client = api_client_for(p.commissioner)
    agreement = p.agreement

    def ids(query: str) -> list[int]:
        answer = client.get(f"{AGREEMENTS}?{query}")
        assert answer.status_code == 200, answer.json()
        return [a["id"] for a in answer.json()["results"]]

    assert ids("state=signed") == [agreement.pk]
    assert ids("state=draft") == []
    assert ids(f"setting={agreement.setting_id}") == [agreement.pk]
    assert ids(f"provider={agreement.provider_id}") == [agreement.pk]
    assert ids(f"provider={p.world.invitation_b.provider.pk}") == []
    assert ids(f"authority={agreement.authority_id}") == [agreement.pk]
    assert "state" in _error(client.get(f"{AGREEMENTS}?state=lost"), 400)["fields"]
    assert "colour" in _error(client.get(f"{AGREEMENTS}?colour=red"), 400)["fields"]
    orders = client.get(f"{ORDERS}?under_fps_agreement=true&setting={agreement.setting_id}")
    assert [o["id"] for o in orders.json()["results"]] == [p.order.pk]


# -- the Order ------------------------------------------------------------------------------------


def test_the_order_reads_for_both_parties_and_its_pdf_is_audited(
    django_capture_on_commit_callbacks,
):
    i = issued(django_capture_on_commit_callbacks)
    order = i.p.order
    for user in (i.p.provider_user, i.p.commissioner):
        client = api_client_for(user)
        body = client.get(f"{ORDERS}{order.pk}/").json()
        assert body["number"] == order.number and body["agreement"] == i.p.agreement.pk
        assert body["under_fps_agreement"] is True
        assert Decimal(body["weekly_price"]) == order.weekly_price
        stored = order.pdfs.get()
        assert body["pdf"]["sha256"] == stored.sha256
        answer = client.get(f"{ORDERS}{order.pk}/pdf/")
        assert answer.status_code == 200
        assert answer["Content-Type"] == "application/pdf"
        assert "no-store" in answer["Cache-Control"]
        assert f'filename="{order.number}.pdf"' in answer["Content-Disposition"]
        assert hashlib.sha256(_body(answer)).hexdigest() == stored.sha256
        downloaded = AuditEvent.objects.get(actor=user, verb=AuditVerb.DOWNLOADED)
        assert downloaded.object_type == "contracts.renderedpdf"
        assert downloaded.object_id == str(stored.pk)
        # The Order names no child: its download is not a read of the child's record.
        assert not _child_reads(user)


def test_until_the_worker_renders_the_order_pdf_the_answer_is_202():
    p = placed()  # the award's commit never ran in this test: no PDF yet
    answer = api_client_for(p.provider_user).get(f"{ORDERS}{p.order.pk}/pdf/")
    assert answer.status_code == 202, answer.content
    assert answer["Retry-After"] == "30"
    body = answer.json()
    assert body["status"] == "being_prepared" and body["retry_after"] == 30
    assert p.order.number in body["message"]
    assert api_client_for(p.provider_user).get(f"{ORDERS}{p.order.pk}/").json()["pdf"] is None
    assert not AuditEvent.objects.filter(verb=AuditVerb.DOWNLOADED).exists()


# -- the agreement's PDF --------------------------------------------------------------------------


def test_the_agreement_pdf_of_each_version_is_audited_and_the_signed_copy_once_signed(
    django_capture_on_commit_callbacks,
):
    i = issued(django_capture_on_commit_callbacks, sign=True)
    url = f"{AGREEMENTS}{i.p.agreement.pk}/pdf/"
    client = api_client_for(i.p.provider_user)
    for query, kind, name in (
        ("", "agreement", "-v1-ipa.pdf"),
        ("?version=1", "agreement", "-v1-ipa.pdf"),
        ("?version=1&signed=true", "signed_agreement", "-v1-signed-ipa.pdf"),
    ):
        answer = client.get(url + query)
        assert answer.status_code == 200, query
        assert name in answer["Content-Disposition"]
        assert hashlib.sha256(_body(answer)).hexdigest() == i.pdf(kind).sha256
    downloads = AuditEvent.objects.filter(actor=i.p.provider_user, verb=AuditVerb.DOWNLOADED)
    assert downloads.count() == 3
    reads = _child_reads(i.p.provider_user)
    assert len(reads) == 3 and all("PDF downloaded" in r.reason for r in reads)
    assert {r.object_id for r in reads} == {str(i.p.agreement.child_id)}
    _error(client.get(f"{url}?version=9"), 404)
    assert "version" in _error(client.get(f"{url}?version=first"), 400)["fields"]
    assert "signed" in _error(client.get(f"{url}?signed=perhaps"), 400)["fields"]
    detail = client.get(f"{AGREEMENTS}{i.p.agreement.pk}/").json()
    assert {pdf["kind"] for pdf in detail["versions"][0]["pdfs"]} == {
        "agreement",
        "signed_agreement",
    }


def test_a_draft_has_no_pdf_409_and_an_issued_one_not_yet_rendered_is_202():
    p = placed()
    ready_to_issue(p)
    client = api_client_for(p.commissioner)
    url = f"{AGREEMENTS}{p.agreement.pk}/pdf/"
    assert "draft" in _error(client.get(url), 409)["message"]
    version_issue(actor=as_actor(p.commissioner), version=p.draft)  # its render never committed
    answer = client.get(url)
    assert answer.status_code == 202 and answer.json()["status"] == "being_prepared"
    assert "signed copy" in _error(client.get(f"{url}?signed=true"), 409)["message"]
    assert not AuditEvent.objects.filter(verb=AuditVerb.DOWNLOADED).exists()
    assert not _child_reads(p.commissioner)


# -- issuing, signing, withdrawing ----------------------------------------------------------------


def test_issue_an_incomplete_draft_is_400_naming_what_is_missing_and_writes_nothing():
    p = placed()
    client = api_client_for(p.commissioner)
    url = f"{AGREEMENTS}{p.agreement.pk}/issue/"
    _error(api_client_for(p.provider_user).post(url, format="json"), 403)
    audited = AuditEvent.objects.count()
    error = _error(client.post(url, format="json"), 400)
    assert "authority_signatory" in error["fields"]
    p.draft.refresh_from_db()
    assert p.draft.state == VersionState.DRAFT and p.draft.content_sha256 == ""
    assert AuditEvent.objects.count() == audited
    ready_to_issue(p)
    issued_answer = client.post(url, format="json")
    assert issued_answer.status_code == 200, issued_answer.json()
    body = issued_answer.json()
    assert body["state"] == "issued" and len(body["content_sha256"]) == 64
    p.agreement.refresh_from_db()
    assert p.agreement.state == AgreementState.ISSUED
    assert "no draft" in _error(client.post(url, format="json"), 409)["message"]


def test_the_provider_signs_then_the_signatory_countersigns_by_version_and_hash():
    p = placed()
    ready_to_issue(p)
    version = version_issue(actor=as_actor(p.commissioner), version=p.draft)
    url = f"{AGREEMENTS}{p.agreement.pk}/sign/"
    provider = api_client_for(p.provider_user)
    authority_client = api_client_for(p.commissioner)
    # The authority cannot sign first.
    _error(authority_client.post(url, _sign_body(version), format="json"), 409)
    signed_answer = provider.post(url, _sign_body(version), format="json")
    assert signed_answer.status_code == 201, signed_answer.json()
    assert signed_answer.json()["state"] == "provider_signed"
    assert [s["party"] for s in signed_answer.json()["signatures"]] == ["provider"]
    # Signing again is the wrong version: it no longer awaits the provider.
    _error(provider.post(url, _sign_body(version), format="json"), 409)
    # Another senior manager of the authority is not the named signatory.
    other = api_client_for(person(Role.SENIOR_MANAGER, p.world.authority))
    _error(other.post(url, _sign_body(version), format="json"), 403)
    countersigned = authority_client.post(
        url, _sign_body(version, name="Sam Commissioner", position="Head of SEND"), format="json"
    )
    assert countersigned.status_code == 201, countersigned.json()
    assert countersigned.json()["state"] == "signed"
    p.agreement.refresh_from_db()
    assert p.agreement.state == AgreementState.SIGNED
    assert p.agreement.fee_periods.count() == 1
    signatures = Signature.objects.filter(version=version)
    assert {s.content_sha256 for s in signatures} == {version.content_sha256}
    assert {s.position for s in signatures} == {"Headteacher", "Head of SEND"}


def test_signing_an_old_version_or_with_another_hash_is_409_and_signs_nothing():
    p = signed()
    variation = variation_propose_uplift(
        actor=as_actor(p.commissioner),
        agreement=p.agreement,
        percent=Decimal("3"),
        new_weekly_fee=None,
        effective_from=p.agreement.start_date + datetime.timedelta(days=30),
        reason="Annual uplift.",
    )
    second = variation.version
    old = p.draft
    url = f"{AGREEMENTS}{p.agreement.pk}/sign/"
    provider = api_client_for(p.provider_user)
    before = Signature.objects.count()
    stale = _error(provider.post(url, _sign_body(old), format="json"), 409)
    assert "version 2" in stale["message"]
    wrong_hash = _sign_body(second, content_sha256=old.content_sha256)
    assert "changed" in _error(provider.post(url, wrong_hash, format="json"), 409)["message"]
    nowhere = _error(provider.post(url, _sign_body(second, version=9), format="json"), 409)
    assert "version 2" in nowhere["message"]
    assert Signature.objects.count() == before
    second.refresh_from_db()
    assert second.state == VersionState.ISSUED
    assert provider.post(url, _sign_body(second), format="json").status_code == 201


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"position": ""}, "position"),
        ({"content_sha256": "not-a-hash"}, "content_sha256"),
        ({"version": 0}, "version"),
        ({"version": "two"}, "version"),
        ({"name": "x" * 201}, "name"),
    ],
)
def test_a_signature_with_bad_input_is_400_on_the_field_and_writes_nothing(changes, field):
    p = placed()
    ready_to_issue(p)
    version = version_issue(actor=as_actor(p.commissioner), version=p.draft)
    audited = AuditEvent.objects.count()
    answer = api_client_for(p.provider_user).post(
        f"{AGREEMENTS}{p.agreement.pk}/sign/", _sign_body(version, **changes), format="json"
    )
    error = _error(answer, 400)
    assert field in error["fields"], error
    assert not Signature.objects.exists()
    assert AuditEvent.objects.count() == audited
    version.refresh_from_db()
    assert version.state == VersionState.ISSUED


def test_two_signatures_one_after_the_other_make_one():
    p = placed()
    ready_to_issue(p)
    version = version_issue(actor=as_actor(p.commissioner), version=p.draft)
    url = f"{AGREEMENTS}{p.agreement.pk}/sign/"
    answers = [
        api_client_for(user).post(url, _sign_body(version), format="json").status_code
        for user in (p.provider_user, p.provider_user)
    ]
    assert answers == [201, 409]
    assert Signature.objects.filter(version=version).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs PostgreSQL")
def test_two_signatures_at_once_through_the_api_make_one(monkeypatch):
    """The first request holds the agreement's lock until the second is waiting on it; the
    second then sees the version signed and is refused (409)."""
    from contracts.services import versions as versions_service

    p = placed()
    ready_to_issue(p)
    version = version_issue(actor=as_actor(p.commissioner), version=p.draft)
    second_user = person(Role.PROVIDER_USER, p.provider)
    url = f"{AGREEMENTS}{p.agreement.pk}/sign/"
    holding = threading.local()
    told = versions_service.tell_provider_signed

    def tell_then_hold(*args, **kwargs):
        told(*args, **kwargs)
        if getattr(holding, "hold", False):
            _wait_until_another_session_waits_on_a_lock()

    monkeypatch.setattr(versions_service, "tell_provider_signed", tell_then_hold)
    started, statuses = threading.Event(), {}

    def sign(label: str, user, hold: bool) -> None:
        holding.hold = hold
        try:
            if hold:
                started.set()
            statuses[label] = (
                api_client_for(user).post(url, _sign_body(version), format="json").status_code
            )
        finally:
            connections.close_all()

    first = threading.Thread(target=sign, args=("first", p.provider_user, True))
    first.start()
    assert started.wait(20)
    second = threading.Thread(target=sign, args=("second", second_user, False))
    second.start()
    first.join(30)
    second.join(30)
    assert sorted(statuses.values()) == [201, 409], statuses
    assert Signature.objects.filter(version_id=version.pk).count() == 1


def _wait_until_another_session_waits_on_a_lock(timeout: float = 10.0) -> None:
    import time

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
            time.sleep(0.05)


def test_withdraw_a_version_with_its_reason():
    p = placed()
    ready_to_issue(p)
    version = version_issue(actor=as_actor(p.commissioner), version=p.draft)
    url = f"{AGREEMENTS}{p.agreement.pk}/withdraw-version/"
    body = {"version": 1, "reason": "The fee was wrong."}
    _error(api_client_for(p.provider_user).post(url, body, format="json"), 403)
    client = api_client_for(p.commissioner)
    audited = AuditEvent.objects.count()
    assert (
        "reason"
        in _error(client.post(url, {"version": 1, "reason": " "}, format="json"), 400)["fields"]
    )
    missing = _error(client.post(url, {**body, "version": 7}, format="json"), 400)
    assert "version" in missing["fields"]
    assert AuditEvent.objects.count() == audited
    version.refresh_from_db()
    assert version.state == VersionState.ISSUED
    answer = client.post(url, body, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["state"] == "withdrawn"
    assert answer.json()["withdrawal_reason"] == "The fee was wrong."
    # A first version comes back as a new draft, which the detail now shows in force.
    detail = client.get(f"{AGREEMENTS}{p.agreement.pk}/").json()
    assert detail["state"] == "draft" and detail["current_version"] == 2
    assert [v["state"] for v in detail["versions"]] == ["withdrawn", "draft"]
    _error(client.post(url, body, format="json"), 409)


def test_journey_through_the_api_issue_sign_countersign_then_an_uplift_signed_again():
    """An award's completed draft, issued, signed and countersigned through the API; then an
    uplift proposed through the variations API is a new version both sign again, and the fee
    history keeps both periods."""
    p = placed()
    ready_to_issue(p)
    authority_client, provider = api_client_for(p.commissioner), api_client_for(p.provider_user)
    detail = f"{AGREEMENTS}{p.agreement.pk}/"
    assert authority_client.post(f"{detail}issue/", format="json").status_code == 200

    def sign_what_is_awaited(client, name: str) -> None:
        awaiting = client.get(detail).json()["awaiting"]
        body = {
            "version": awaiting["version"],
            "content_sha256": awaiting["content_sha256"],
            "name": name,
            "position": "Signatory",
        }
        answer = client.post(f"{detail}sign/", body, format="json")
        assert answer.status_code == 201, answer.json()

    sign_what_is_awaited(provider, "Pat Head")
    sign_what_is_awaited(authority_client, "Sam Commissioner")
    assert provider.get(detail).json()["state"] == "signed"
    uplift = provider.post(
        "/api/v1/variations/",
        {
            "agreement": p.agreement.pk,
            "kind": "price_uplift",
            "uplift_percent": "5.00",
            "effective_from": (p.agreement.start_date + datetime.timedelta(days=60)).isoformat(),
            "reason": "Annual uplift.",
        },
        format="json",
    )
    assert uplift.status_code == 201, uplift.json()
    sign_what_is_awaited(provider, "Pat Head")
    sign_what_is_awaited(authority_client, "Sam Commissioner")
    body = authority_client.get(detail).json()
    assert body["current_version"] == 2 and body["awaiting"] is None
    first, second = body["fee_history"]
    assert (first["version_number"], second["version_number"]) == (1, 2)
    assert first["until"] is not None and second["until"] is None
    assert Decimal(second["weekly_fee"]) == (
        Decimal(first["weekly_fee"]) * Decimal("1.05")
    ).quantize(Decimal("0.01"))
    assert [v["state"] for v in body["versions"]] == ["signed", "signed"]
    assert all(len(v["signatures"]) == 2 for v in body["versions"])
