"""Demo onboarding: a round in each state.

- Round 1 (2021), completed: Oakfield Learning Trust passed and signed the agreement (if the
  directory step gave it settings); Northshore Care and Education was refused, with reasons
  (its employer's liability insurance had expired).
- Round 5 (2026), evaluating: Northshore's new application, and Oakfield's to add its settings to
  the 2025 lots, checked automatically; one evaluator has started on Northshore's, and a
  clarification question awaits its answer.
- Round 6 (2026), open now and closing in three weeks.

Idempotent: each round is made only if no window of that name exists. Every change goes through
the services, so the audit log and notifications look as they would in real use.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from fps_portal.accounts.models import Organisation, OrganisationKind, User
from fps_portal.actors import Actor, actor_for_user
from providers.inspections.services import JudgementData, judgement_record
from providers.models import (
    Application,
    EvaluationWindow,
    Evidence,
    EvidenceKind,
    FpsMembership,
    InsuranceType,
    Lot,
    PurchasingSystem,
    RequirementResult,
    Setting,
    SettingLot,
    SettingOverview,
    Specialism,
    Verdict,
    WindowState,
)
from providers.services.application_prices import (
    application_add_service_price,
    application_set_prices,
)
from providers.services.application_submission import application_submit
from providers.services.applications import (
    application_declare,
    application_set_scope,
    application_start,
)
from providers.services.clarifications import clarification_ask
from providers.services.evaluation import application_moderate, evaluation_record
from providers.services.membership import agreement_sign
from providers.services.windows import window_close

DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Count 0 /Kids [] >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)
UTC = datetime.UTC


def _actor(email: str) -> Actor:
    user = User.objects.get(email=email)
    found = actor_for_user(user)
    assert found is not None
    return found


def _evidence(
    provider: Organisation,
    kind: str,
    title: str,
    *,
    setting: Setting | None = None,
    insurance_type: str = "",
    valid_until: datetime.date | None = None,
    uploaded_at: datetime.datetime | None = None,
) -> Evidence:
    existing = Evidence.objects.filter(
        provider=provider, setting=setting, kind=kind, title=title
    ).first()
    if existing is not None:
        return existing
    evidence = Evidence(
        provider=provider,
        setting=setting,
        kind=kind,
        title=title,
        insurance_type=insurance_type,
        insurer="Zurich Municipal" if insurance_type else "",
        valid_until=valid_until,
        cover_amount=Decimal("10000000") if insurance_type else None,
        original_filename=f"{kind}.pdf",
        content_type="application/pdf",
        size_bytes=len(DEMO_PDF),
        uploaded_at=uploaded_at or timezone.now(),
    )
    evidence.file.save(f"{kind}.pdf", ContentFile(DEMO_PDF), save=False)
    evidence.save()
    return evidence


def _evidence_set(
    provider: Organisation,
    settings: list[Setting],
    *,
    insurance_until: datetime.date,
    uploaded_at: datetime.datetime,
) -> None:
    for insurance_type in InsuranceType.values[:3]:
        label = InsuranceType(insurance_type).label
        _evidence(
            provider,
            EvidenceKind.INSURANCE,
            f"{label} insurance {insurance_until.year}",
            insurance_type=insurance_type,
            valid_until=insurance_until,
            uploaded_at=uploaded_at,
        )
    _evidence(
        provider,
        EvidenceKind.POLICY,
        "Safeguarding and child protection policy",
        uploaded_at=uploaded_at,
    )
    _evidence(
        provider,
        EvidenceKind.POLICY,
        "Behaviour and positive handling policy",
        uploaded_at=uploaded_at,
    )
    _evidence(
        provider, EvidenceKind.REGISTRATION, "Companies House certificate", uploaded_at=uploaded_at
    )
    _evidence(
        provider,
        EvidenceKind.FINANCIAL_CHECK,
        "Audited accounts and credit check",
        uploaded_at=uploaded_at,
    )
    for setting in settings:
        for kind in (
            EvidenceKind.REGISTRATION_CERTIFICATE,
            EvidenceKind.DFE_REGISTRATION,
            EvidenceKind.INSPECTION_REPORT,
            EvidenceKind.STATEMENT_OF_PURPOSE,
        ):
            _evidence(
                provider,
                kind,
                f"{EvidenceKind(kind).label}, {setting.name}",
                setting=setting,
                uploaded_at=uploaded_at,
            )
        SettingOverview.objects.get_or_create(
            setting=setting,
            defaults={
                "services_overview": f"{setting.name} offers small classes, therapies on site "
                "and a personalised curriculum.",
                "working_with_parents": "Weekly contact with every family, termly reviews and a "
                "parents' forum.",
                "learner_voice": "A school council, one-page profiles and pupil-led annual "
                "reviews.",
            },
        )


def _apply(
    who: Actor,
    window: EvaluationWindow,
    settings: list[Setting],
    prices: dict[tuple[int, int], Decimal],
    when: datetime.datetime,
) -> Application:
    application = application_start(actor=who, system=window.purchasing_system, window=window)
    lots = Lot.objects.filter(pk__in={lot for _, lot in prices})
    application_set_scope(actor=who, application=application, lots=lots, settings=settings)
    application_set_prices(
        actor=who, application=application, prices={k: str(v) for k, v in prices.items()}
    )
    application_add_service_price(
        actor=who,
        application=application,
        setting=settings[0],
        name="1:1 support",
        unit="hour",
        rate="24.00",
    )
    application_declare(
        actor=who,
        application=application,
        accurate=True,
        no_exclusion_grounds=True,
        safeguarding=True,
    )
    return application_submit(actor=who, application=application, now=when)


def _evaluate(application: Application, email: str, fail: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    decisions = {}
    for result in RequirementResult.objects.filter(application=application):
        verdict = (
            Verdict.FAIL
            if result.requirement in fail or result.automatic_result == "fail"
            else Verdict.PASS
        )
        reason = (
            result.automatic_reason
            if verdict == Verdict.FAIL
            else "Checked: meets the requirement."
        )
        decisions[result.pk] = (verdict, reason)
    evaluation_record(actor=_actor(email), application=application, decisions=decisions)


def _northshore_setting(
    provider: Organisation, urn: str, name: str, postcode: str, town: str
) -> Setting:
    setting, created = Setting.objects.get_or_create(
        urn=urn,
        defaults={
            "provider": provider,
            "name": name,
            "postcode": postcode,
            "postcode_district": postcode.split()[0],
            "town": town,
            "address": f"{town} seafront",
            "age_from": 9,
            "age_to": 18,
            "capacity": 24,
            "vacancies": 3,
            "offers_day": True,
            "offers_residential": True,
            "public_summary": f"{name} is a small residential school for young people with SEMH "
            "needs.",
            # Southport is in Sefton: the host the postcode gives (providers.postcodes).
            "host_authority": Organisation.objects.filter(
                kind=OrganisationKind.AUTHORITY, name="Sefton"
            ).first(),
        },
    )
    # The tender needs a setting's areas of need (issue 10).
    setting.specialisms.add(*Specialism.objects.filter(code="semh"))
    if created:
        judgement_record(
            actor=None,
            setting=setting,
            data=JudgementData(
                framework="ofsted_4point",
                inspection_start_date=datetime.date(2024, 2, 6),
                grades={"overall_effectiveness": "2"},
                inspection_number=f"2{urn}",
                source_reference="Demo data",
            ),
        )
    return setting


def _completed_round(system: PurchasingSystem, lots: dict[str, Lot]) -> None:
    opens = datetime.datetime(2021, 5, 4, 9, 0, tzinfo=UTC)
    window = EvaluationWindow.objects.create(
        purchasing_system=system,
        name="Round 1 (2021)",
        opens_at=opens,
        closes_at=datetime.datetime(2021, 6, 15, 12, 0, tzinfo=UTC),
        evaluation_deadline=datetime.datetime(2021, 8, 31, 17, 0, tzinfo=UTC),
        state=WindowState.OPEN,
        opened_at=opens,
    )
    submitted = datetime.datetime(2021, 6, 10, 11, 0, tzinfo=UTC)
    oakfield = Organisation.objects.filter(
        kind=OrganisationKind.PROVIDER, name="Oakfield Learning Trust"
    ).first()
    oak_settings = (
        list(Setting.objects.filter(provider=oakfield).order_by("name")) if oakfield else []
    )
    oak_application = None
    if oakfield is not None and oak_settings:
        _evidence_set(
            oakfield,
            oak_settings,
            insurance_until=timezone.localdate() + datetime.timedelta(days=200),
            uploaded_at=datetime.datetime(2021, 5, 20, tzinfo=UTC),
        )
        prices = {
            (o.setting_id, o.lot_id): o.weekly_price
            for o in SettingLot.objects.filter(
                setting__in=oak_settings, lot__code__in=["1", "2", "3", "4"]
            )
        }
        if not prices:
            prices = {(oak_settings[0].pk, lots["3"].pk): Decimal("2950.00")}
        oak_application = _apply(
            _actor("bids@oakfield.example"), window, oak_settings, prices, submitted
        )
    northshore = Organisation.objects.get(
        kind=OrganisationKind.PROVIDER, name="Northshore Care and Education"
    )
    house = _northshore_setting(northshore, "149941", "Northshore House", "PR8 1RY", "Southport")
    # In 2021 its employer's liability insurance had lapsed: the automatic check fails it.
    _evidence(
        northshore,
        EvidenceKind.INSURANCE,
        "Employer's liability insurance 2020",
        insurance_type=InsuranceType.EMPLOYERS_LIABILITY,
        valid_until=datetime.date(2021, 3, 31),
        uploaded_at=datetime.datetime(2021, 5, 25, tzinfo=UTC),
    )
    _evidence_set(
        northshore,
        [house],
        insurance_until=timezone.localdate() + datetime.timedelta(days=300),
        uploaded_at=datetime.datetime(2021, 5, 25, tzinfo=UTC),
    )
    who = _actor("bids@northshore.example")
    application = application_start(actor=who, system=system, window=window)
    application_set_scope(actor=who, application=application, lots=[lots["2"]], settings=[house])
    application_set_prices(
        actor=who, application=application, prices={(house.pk, lots["2"].pk): "4850.00"}
    )
    application_declare(
        actor=who,
        application=application,
        accurate=True,
        no_exclusion_grounds=True,
        safeguarding=True,
    )
    application.evidence.set(
        Evidence.objects.filter(provider=northshore).exclude(
            insurance_type=InsuranceType.EMPLOYERS_LIABILITY,
            valid_until__gt=datetime.date(2022, 1, 1),
        )
    )
    application_submit(actor=who, application=application, now=submitted)
    window_close(window_id=window.pk, now=window.closes_at)
    for done in filter(None, [oak_application, application]):
        _evaluate(done, "lead@cheshireeast.example")
        _evaluate(done, "evaluator@cheshireeast.example")
    if oak_application is not None:
        application_moderate(
            actor=_actor("lead@cheshireeast.example"),
            application=oak_application,
            reason="Every requirement is met. Oakfield House's education judgement is flagged "
            "for QA.",
        )
        membership = FpsMembership.objects.filter(
            purchasing_system=system, provider=oakfield
        ).first()
        if membership is not None:
            # The directory step made Oakfield a member with a stand-in signature; clear it so
            # the agreement is signed here through the service, as a real provider signs it.
            FpsMembership.objects.filter(pk=membership.pk).update(agreement_signed_at=None)
        agreement_sign(
            actor=_actor("bids@oakfield.example"),
            application=oak_application,
            signatory_name="Alex Morgan",
            signatory_role="Chief Executive",
        )
    application_moderate(
        actor=_actor("lead@cheshireeast.example"),
        application=application,
        reason="The employer's liability insurance provided had expired before the window closed.",
    )
    EvaluationWindow.objects.filter(pk=window.pk).update(
        state=WindowState.COMPLETED, completed_at=datetime.datetime(2021, 8, 20, tzinfo=UTC)
    )


def _evaluating_round(system: PurchasingSystem, lots: dict[str, Lot]) -> None:
    now = timezone.now()
    window = EvaluationWindow.objects.create(
        purchasing_system=system,
        name="Round 5 (2026)",
        opens_at=now - datetime.timedelta(days=45),
        closes_at=now - datetime.timedelta(days=5),
        evaluation_deadline=now + datetime.timedelta(days=40),
        state=WindowState.OPEN,
        opened_at=now - datetime.timedelta(days=45),
    )
    northshore = Organisation.objects.get(
        kind=OrganisationKind.PROVIDER, name="Northshore Care and Education"
    )
    house = _northshore_setting(northshore, "149941", "Northshore House", "PR8 1RY", "Southport")
    lodge = _northshore_setting(
        northshore, "149943", "Northshore Lodge", "FY8 1AA", "Lytham St Annes"
    )
    _evidence_set(
        northshore,
        [house, lodge],
        insurance_until=now.date() + datetime.timedelta(days=300),
        uploaded_at=now - datetime.timedelta(days=30),
    )
    submitted = now - datetime.timedelta(days=7)
    application = _apply(
        _actor("bids@northshore.example"),
        window,
        [house, lodge],
        {
            (house.pk, lots["A2"].pk): Decimal("4990.00"),
            (house.pk, lots["A3"].pk): Decimal("6150.00"),
            (lodge.pk, lots["A2"].pk): Decimal("4875.50"),
        },
        submitted,
    )
    # Oakfield, already a member, applies to add its settings to the 2025 lots.
    oak_settings = list(
        Setting.objects.filter(provider__name="Oakfield Learning Trust").order_by("name")
    )
    new_lots = [lots[code] for code in ("A1", "A3", "B1") if code in lots]
    if oak_settings and new_lots:
        _evidence_set(
            oak_settings[0].provider,
            oak_settings,
            insurance_until=now.date() + datetime.timedelta(days=200),
            uploaded_at=now - datetime.timedelta(days=20),
        )
        offered = {
            (s.pk, lot.pk): Decimal("3150.00") for s in oak_settings[:1] for lot in new_lots[:1]
        }
        offered.update(
            {(s.pk, lot.pk): Decimal("2600.00") for s in oak_settings[-1:] for lot in new_lots[-1:]}
        )
        _apply(
            _actor("bids@oakfield.example"),
            window,
            sorted(
                {s for s in oak_settings if any(k[0] == s.pk for k in offered)},
                key=lambda s: s.name,
            ),
            offered,
            submitted,
        )
    window_close(window_id=window.pk, now=window.closes_at)
    application.refresh_from_db()
    _evaluate(application, "evaluator@cheshireeast.example")
    clarification_ask(
        actor=_actor("lead@cheshireeast.example"),
        application=application,
        question="Northshore Lodge's Statement of Purpose predates its new residential unit. "
        "Please confirm the number of residential places and when the statement was updated.",
        due_at=now + datetime.timedelta(days=10),
    )


def _open_round(system: PurchasingSystem) -> None:
    now = timezone.now()
    EvaluationWindow.objects.create(
        purchasing_system=system,
        name="Round 6 (2026)",
        opens_at=now - datetime.timedelta(days=3),
        closes_at=now + datetime.timedelta(days=21),
        evaluation_deadline=now + datetime.timedelta(days=80),
        state=WindowState.OPEN,
        opened_at=now - datetime.timedelta(days=3),
    )


@transaction.atomic
def load_onboarding() -> None:
    system = PurchasingSystem.objects.get(name="North West SEND Flexible Purchasing System")
    lots = {lot.code: lot for lot in Lot.objects.filter(purchasing_system=system)}
    names = set(
        EvaluationWindow.objects.filter(purchasing_system=system).values_list("name", flat=True)
    )
    if "Round 1 (2021)" not in names:
        _completed_round(system, lots)
    if "Round 5 (2026)" not in names:
        _evaluating_round(system, lots)
    if "Round 6 (2026)" not in names:
        _open_round(system)
