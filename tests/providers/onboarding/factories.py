"""Factories and a ready-made provider for the onboarding tests.

`ready_provider` builds a provider with one setting, a good inspection judgement, every piece of
evidence and an overview, through the services (so the tests exercise the real path), and
`draft_application` ... `under_evaluation` and `evaluate` walk the service chain. A test that only
needs an application *in* a state (submitted, under evaluation, evaluated, passed, failed, a
member) builds it with `tests.providers.onboarding.states` instead.
"""

from __future__ import annotations

import datetime
import io
import uuid
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fps_portal.accounts.models import Organisation, Role, User
from fps_portal.actors import Actor, actor_for_user
from providers.models import (
    Application,
    EvaluationWindow,
    EvidenceKind,
    FpsMembership,
    InspectionJudgement,
    InsuranceType,
    Lot,
    PurchasingSystem,
    RequirementResult,
    Setting,
    Specialism,
    Verdict,
    WindowState,
)
from providers.services.application_prices import application_set_prices
from providers.services.application_submission import application_submit
from providers.services.applications import (
    application_declare,
    application_set_scope,
    application_start,
)
from providers.services.evaluation import evaluation_record
from providers.services.evidence import evidence_add, setting_overview_save
from providers.services.windows import window_close
from tests.factories import person
from tests.providers.factories import (
    FpsMembershipFactory,
    InspectionJudgementFactory,
    LotFactory,
    PurchasingSystemFactory,
    SettingFactory,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name: str = "evidence.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    """A PDF upload; each call's file is a different document unless `content` is given (the
    same content twice is refused as a duplicate, issue 10)."""
    if content is None:
        content = PDF_BYTES + f"% {uuid.uuid4()}\n".encode()
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def actor(user: User) -> Actor:
    found = actor_for_user(user)
    assert found is not None
    return found


class _OpenWindowFactory(factory.django.DjangoModelFactory):
    """An open window: opened yesterday, closing in ten days."""

    class Meta:
        model = EvaluationWindow

    purchasing_system = factory.SubFactory(PurchasingSystemFactory)
    name = factory.Sequence(lambda n: f"Round {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
    evaluation_deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=60))
    state = WindowState.OPEN
    opened_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


class _ScheduledWindowFactory(_OpenWindowFactory):
    opens_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=5))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=20))
    state = WindowState.SCHEDULED
    opened_at = None  # type: ignore[assignment]


# Typed front doors: factory_boy has no type information, so each returns the model it makes.
def open_window(**fields: Any) -> EvaluationWindow:
    return cast(EvaluationWindow, _OpenWindowFactory(**fields))


def scheduled_window(**fields: Any) -> EvaluationWindow:
    return cast(EvaluationWindow, _ScheduledWindowFactory(**fields))


def make_system(**fields: Any) -> PurchasingSystem:
    return cast(PurchasingSystem, PurchasingSystemFactory(**fields))


def make_lot(**fields: Any) -> Lot:
    return cast(Lot, LotFactory(**fields))


def make_setting(**fields: Any) -> Setting:
    """A setting as the tender needs it: with an area of need (issue 10)."""
    setting = cast(Setting, SettingFactory(**fields))
    setting.specialisms.add(Specialism.objects.order_by("display_order")[0])
    return setting


def make_judgement(**fields: Any) -> InspectionJudgement:
    return cast(InspectionJudgement, InspectionJudgementFactory(**fields))


def make_membership(**fields: Any) -> FpsMembership:
    return cast(FpsMembership, FpsMembershipFactory(**fields))


@dataclass
class ReadyProvider:
    user: User
    provider: Organisation
    setting: Setting
    actor: Actor


#: The overview a ready provider's setting has.
OVERVIEW = {
    "services_overview": "Small classes.",
    "working_with_parents": "Weekly calls.",
    "learner_voice": "School council.",
}


def provider_with_a_setting(*, grades: dict[str, str] | None = None) -> ReadyProvider:
    """A provider's user, and one setting with a good inspection judgement (unless `grades`
    say otherwise), before any evidence."""
    user = person(Role.PROVIDER_USER)
    me = actor(user)
    provider = me.organisation
    assert provider is not None
    setting = make_setting(provider=provider, dfe_number="8956001")
    make_judgement(setting=setting, grades=grades or {"overall_effectiveness": "2"})
    return ReadyProvider(user=user, provider=provider, setting=setting, actor=me)


def ready_evidence(
    setting: Setting, *, insurance_expires: datetime.date | None = None
) -> list[dict[str, Any]]:
    """Every piece of evidence a ready provider has: the three insurances, the organisation's
    documents and the setting's, as the fields of each (no file)."""
    expires = insurance_expires or timezone.localdate() + datetime.timedelta(days=300)
    insurances = [
        {
            "kind": EvidenceKind.INSURANCE,
            "title": f"{insurance} certificate",
            "insurance_type": insurance,
            "insurer": "Zurich",
            "cover_amount": Decimal("10000000"),
            "valid_until": expires,
        }
        for insurance in (
            InsuranceType.EMPLOYERS_LIABILITY,
            InsuranceType.PUBLIC_LIABILITY,
            InsuranceType.PROFESSIONAL_INDEMNITY,
        )
    ]
    documents = [
        {"kind": kind, "title": f"{kind} document"}
        for kind in (EvidenceKind.POLICY, EvidenceKind.REGISTRATION, EvidenceKind.FINANCIAL_CHECK)
    ]
    settings_documents = [
        {"kind": kind, "title": f"{kind} for {setting.name}", "setting": setting}
        for kind in (
            EvidenceKind.REGISTRATION_CERTIFICATE,
            EvidenceKind.DFE_REGISTRATION,
            EvidenceKind.INSPECTION_REPORT,
            EvidenceKind.STATEMENT_OF_PURPOSE,
        )
    ]
    return insurances + documents + settings_documents


def ready_provider(
    *, insurance_expires: datetime.date | None = None, grades: dict[str, str] | None = None
) -> ReadyProvider:
    """A provider with one setting, a good judgement, every piece of evidence and an overview,
    through the services."""
    ready = provider_with_a_setting(grades=grades)
    for fields in ready_evidence(ready.setting, insurance_expires=insurance_expires):
        evidence_add(actor=ready.actor, provider=ready.provider, upload=upload(), **fields)
    setting_overview_save(actor=ready.actor, setting=ready.setting, **OVERVIEW)
    return ready


def lot_for(system: PurchasingSystem) -> Lot:
    return make_lot(purchasing_system=system)


def draft_application(
    ready: ReadyProvider, window: EvaluationWindow, lot: Lot | None = None
) -> Application:
    lot = lot or lot_for(window.purchasing_system)
    application = application_start(
        actor=ready.actor, system=window.purchasing_system, window=window
    )
    application_set_scope(
        actor=ready.actor, application=application, lots=[lot], settings=[ready.setting]
    )
    application_set_prices(
        actor=ready.actor, application=application, prices={(ready.setting.pk, lot.pk): "3250.00"}
    )
    application_declare(
        actor=ready.actor,
        application=application,
        accurate=True,
        no_exclusion_grounds=True,
        safeguarding=True,
    )
    return application


def submitted_application(ready: ReadyProvider, window: EvaluationWindow) -> Application:
    application = draft_application(ready, window)
    return application_submit(actor=ready.actor, application=application)


def close(window: EvaluationWindow) -> None:
    window_close(window_id=window.pk, now=window.closes_at + datetime.timedelta(seconds=1))


def under_evaluation(
    ready: ReadyProvider | None = None, window: EvaluationWindow | None = None
) -> Application:
    ready = ready or ready_provider()
    window = window or open_window()
    application = submitted_application(ready, window)
    close(window)
    application.refresh_from_db()
    return application


def evaluator(name: str = "") -> User:
    return person(Role.LEAD_EVALUATOR)


def evaluate(application: Application, user: User, verdict: str | None = None) -> None:
    """Record a decision on every requirement: the automatic result (pass for 'needs an evaluator'),
    or `verdict` for all."""
    decisions = {}
    for result in RequirementResult.objects.filter(application=application):
        chosen = verdict or (
            result.automatic_result if result.automatic_result in Verdict.values else Verdict.PASS
        )
        decisions[result.pk] = (chosen, "Checked against the evidence.")
    evaluation_record(actor=actor(user), application=application, decisions=decisions)
