"""Downloading the PDFs of the IPA and the Order, and the Order's page (issue 12): only the two
parties (another provider's is 404, anyone else is refused), each download audited as a view of
the child's record and as a download; until the worker has stored the PDF, the page says it is
being prepared."""

from __future__ import annotations

import hashlib

import pytest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from contracts.models import RenderedPdf, RenderKind
from contracts.services.versions import version_issue
from fps_portal.audit.models import AuditEvent, AuditVerb
from tests.contracts.pdf_world import issued
from tests.contracts.world import placed, ready_to_issue
from tests.referrals.awards.world import as_actor

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_both_parties_download_the_ipa_and_each_download_is_audited(
    django_capture_on_commit_callbacks, client
):
    i = issued(django_capture_on_commit_callbacks)
    stored = i.pdf()
    url = reverse("contracts:agreement-pdf", args=[i.p.agreement.pk, 1])
    for user in (i.p.provider_user, i.p.commissioner):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "no-store" in response["Cache-Control"]
        assert "attachment" in response["Content-Disposition"]
        assert hashlib.sha256(_body(response)).hexdigest() == stored.sha256
        viewed = AuditEvent.objects.filter(
            actor=user, verb=AuditVerb.VIEWED_CHILD_RECORD, object_type="referrals.child"
        ).get()
        assert viewed.object_id == str(i.p.agreement.child_id)
        assert "PDF downloaded" in viewed.reason
        downloaded = AuditEvent.objects.filter(actor=user, verb=AuditVerb.DOWNLOADED).get()
        assert downloaded.object_type == "contracts.renderedpdf"
        assert downloaded.object_id == str(stored.pk)
        assert stored.sha256 in downloaded.reason


def test_another_provider_gets_404_and_anonymous_signs_in(
    django_capture_on_commit_callbacks, client
):
    i = issued(django_capture_on_commit_callbacks)
    urls = [
        reverse("contracts:agreement-pdf", args=[i.p.agreement.pk, 1]),
        reverse("contracts:agreement-signed-pdf", args=[i.p.agreement.pk, 1]),
        reverse("contracts:order", args=[i.p.order.pk]),
        reverse("contracts:order-pdf", args=[i.p.order.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302
    client.force_login(i.p.other_provider_user)
    for url in urls:
        assert client.get(url).status_code == 404
    client.force_login(i.p.commissioner)
    missing = reverse("contracts:agreement-pdf", args=[i.p.agreement.pk, 9])
    assert client.get(missing).status_code == 404
    assert not AuditEvent.objects.filter(verb=AuditVerb.DOWNLOADED).exists()


def test_until_it_is_rendered_the_page_says_it_is_being_prepared(
    django_capture_on_commit_callbacks, client
):
    p = placed()
    ready_to_issue(p)
    client.force_login(p.provider_user)
    draft = client.get(reverse("contracts:agreement-pdf", args=[p.agreement.pk, 1]))
    assert draft.status_code == 409
    assert "is a draft: its PDF is made when it is issued" in draft.content.decode()
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not run yet
        version_issue(actor=as_actor(p.commissioner), version=p.draft)
    for url in (
        reverse("contracts:agreement-pdf", args=[p.agreement.pk, 1]),
        reverse("contracts:order-pdf", args=[p.order.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert "is being prepared" in response.content.decode()
    unsigned = client.get(reverse("contracts:agreement-signed-pdf", args=[p.agreement.pk, 1]))
    assert unsigned.status_code == 409
    assert "made when both parties have signed it" in unsigned.content.decode()
    page = client.get(reverse("contracts:agreement", args=[p.agreement.pk])).content.decode()
    assert "Individual Placement Agreement, version 1: the PDF is being prepared" in " ".join(
        page.split()
    )
    assert not AuditEvent.objects.filter(verb=AuditVerb.DOWNLOADED).exists()


def test_the_agreement_page_lists_the_pdfs_with_size_and_sha256(
    django_capture_on_commit_callbacks, client
):
    i = issued(django_capture_on_commit_callbacks, sign=True)
    client.force_login(i.p.commissioner)
    page = " ".join(
        client.get(reverse("contracts:agreement", args=[i.p.agreement.pk])).content.decode().split()
    )
    for kind, url in (
        (RenderKind.AGREEMENT, reverse("contracts:agreement-pdf", args=[i.p.agreement.pk, 1])),
        (
            RenderKind.SIGNED_AGREEMENT,
            reverse("contracts:agreement-signed-pdf", args=[i.p.agreement.pk, 1]),
        ),
    ):
        stored = i.pdf(kind)
        assert f'href="{url}"' in page
        assert stored.sha256 in page
        size = filesizeformat(stored.size_bytes).replace("\xa0", " ")
        assert f"(PDF, {size}, {stored.pages} pages)" in page
    order_pdf = RenderedPdf.objects.get(order=i.p.order)
    assert order_pdf.sha256 in page
    assert f"Order {i.p.order.number} (PDF, " in page
    assert f"{i.pdf().pages} pages)" in page
    # The signed copy downloads as itself.
    response = client.get(reverse("contracts:agreement-signed-pdf", args=[i.p.agreement.pk, 1]))
    assert hashlib.sha256(_body(response)).hexdigest() == i.pdf(RenderKind.SIGNED_AGREEMENT).sha256


def test_the_order_page_and_its_pdf_for_both_parties(django_capture_on_commit_callbacks, client):
    with django_capture_on_commit_callbacks(execute=True):
        p = placed()
    order = p.order
    stored = RenderedPdf.objects.get(order=order)
    for user in (p.commissioner, p.provider_user):
        client.force_login(user)
        page = " ".join(
            client.get(reverse("contracts:order", args=[order.pk])).content.decode().split()
        )
        for item in (
            f"Order {order.number}",
            order.authority.name,
            order.provider_name,
            order.setting_name,
            order.referral.reference,
            "Open mini-competition",
            "procured under the North West SEND Flexible Purchasing System Agreement",
            stored.sha256,
        ):
            assert item in page, item
        response = client.get(reverse("contracts:order-pdf", args=[order.pk]))
        assert hashlib.sha256(_body(response)).hexdigest() == stored.sha256
        downloaded = AuditEvent.objects.get(actor=user, verb=AuditVerb.DOWNLOADED)
        assert downloaded.object_id == str(stored.pk)
        # The Order names no child: no view of a child's record is written for it.
        assert not AuditEvent.objects.filter(
            actor=user, verb=AuditVerb.VIEWED_CHILD_RECORD
        ).exists()
