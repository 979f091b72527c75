"""The demo's FPS agreement: a real PDF made with WeasyPrint from a template and published by the
lead authority through the service, so "read the agreement, then sign" works in the demo."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from weasyprint import HTML

from fps_portal.accounts.models import User
from fps_portal.actors import actor_for_user
from providers.models import AgreementDocument, Lot, PurchasingSystem
from providers.services.agreement_documents import agreement_document_publish

SYSTEM_NAME = "North West SEND Flexible Purchasing System"
PUBLISHED_AT = datetime.datetime(2021, 3, 1, 9, 0, tzinfo=datetime.UTC)


def agreement_pdf(system: PurchasingSystem, *, version: int) -> bytes:
    html = render_to_string(
        "demo/fps_agreement.html",
        {
            "system": system,
            "version": version,
            "lots": Lot.objects.filter(purchasing_system=system).order_by("display_order"),
        },
    )
    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return pdf


def load_agreement() -> AgreementDocument:
    system = PurchasingSystem.objects.select_related("lead_authority").get(name=SYSTEM_NAME)
    existing = AgreementDocument.objects.filter(purchasing_system=system).first()
    if existing is not None:
        return existing
    actor = actor_for_user(User.objects.get(email="lead@cheshireeast.example"))
    assert actor is not None
    document = agreement_document_publish(
        actor=actor,
        system=system,
        title="North West SEND FPS agreement",
        upload=SimpleUploadedFile(
            "north-west-send-fps-agreement.pdf",
            agreement_pdf(system, version=1),
            content_type="application/pdf",
        ),
    )
    # Published before the first window, as it was; the audit event keeps the real time.
    AgreementDocument.objects.filter(pk=document.pk).update(published_at=PUBLISHED_AT)
    document.refresh_from_db()
    return document
