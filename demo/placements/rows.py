"""Row builders for the referrals demo: each writes the models directly, with the stamps
(`<event>_at` and `<event>_by`) the state it leaves behind would carry had the services made it.

The services of issue 11 are written in parallel with this demo, so nothing here calls them; what
it writes is what they write: a published referral carries its snapshot (`shown_*`), an open one
its invitations, a closed one its lapsed invitations, an awarded one its award, marks, outcomes and
the moment the outcome letters went out.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db.models import QuerySet

from fps_portal.accounts.models import Organisation, User
from providers.models import (
    AdditionalService,
    FpsMembership,
    Lot,
    MembershipState,
    PrimaryNeed,
    PurchasingSystem,
    Setting,
    SettingLot,
)
from referrals.models import (
    Award,
    AwardService,
    AwardState,
    Child,
    ChildDocument,
    ChildDocumentKind,
    Criterion,
    CriterionAnswer,
    CriterionCategory,
    CriterionKind,
    CriterionMark,
    EhcpOutcome,
    Invitation,
    InvitationState,
    Outcome,
    ParentCarer,
    Referral,
    Response,
    ResponseService,
    ResponseState,
    ScaleDescriptor,
)

UTC = datetime.UTC

DESCRIPTORS = [
    (0, "No answer, or the answer does not address the criterion."),
    (1, "Serious reservations: the answer meets little of what is asked."),
    (2, "Some reservations: parts of what is asked are met, with gaps."),
    (3, "Acceptable: meets what is asked, with little evidence."),
    (4, "Good: meets what is asked, with clear evidence."),
    (5, "Excellent: meets all of it, with strong evidence drawn from this setting."),
]

# The referral's criteria: one pass/fail, three scored, weights totalling 100, price by formula.
CRITERIA = [
    (
        CriterionKind.PASS_FAIL,
        CriterionCategory.BEST_MATCH,
        "The setting can meet the needs described in the EHC plan",
        "Say which of the plan's needs you meet and how; a fail ends the evaluation.",
        0,
    ),
    (
        CriterionKind.SCORED,
        CriterionCategory.BEST_MATCH,
        "Best match to the child's needs and outcomes",
        "The staffing, therapies and curriculum you would put in place for each outcome.",
        40,
    ),
    (
        CriterionKind.SCORED,
        CriterionCategory.QUALITY,
        "Quality and safeguarding",
        "Your latest inspection, what it asked you to improve, and what you have done since.",
        30,
    ),
    (
        CriterionKind.SCORED,
        CriterionCategory.PRICE,
        "Price",
        "Scored by formula: lowest weekly price ÷ this price × 5.",
        30,
    ),
]


def weeks_for(lot: Lot) -> int:
    """52 for the 52-week and 16+ residential lots, 38 for term-time placements."""
    return 52 if lot.code in {"1", "A3", "B2"} else 38


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def demo_pdf(*lines: str) -> bytes:
    """A one-page PDF with these lines of text (Helvetica, ASCII), small and valid."""
    text = "".join(
        f"BT /F1 {14 if i == 0 else 11} Tf 56 {780 - 22 * i} Td ({_pdf_escape(line)}) Tj ET\n"
        for i, line in enumerate(lines)
    ).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"endstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _pdf_escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


@dataclass
class ChildSpec:
    """A demo child. Every name is obviously made up (family names such as "Sampleton"), every
    case number starts DEMO-, and no date of birth belongs to anyone in particular."""

    given_name: str
    family_name: str
    born: datetime.date
    case_number: str
    gender: str
    legal_status: str
    primary_need: str
    other_needs: list[str]
    home_postcode: str
    outcomes: list[str]
    parent: tuple[str, str, str]  # name, relationship, views
    young_person_views: str
    current_setting_name: str = ""
    preferred_setting: str = ""  # a demo setting's name
    social_worker: tuple[str, str] = ("", "")
    iro: tuple[str, str] = ("", "")
    caseworker: tuple[str, str] = ("", "")


def child_create(
    *, authority: Organisation, spec: ChildSpec, by: User, at: datetime.datetime
) -> Child:
    child = Child.objects.create(
        authority=authority,
        given_name=spec.given_name,
        family_name=spec.family_name,
        date_of_birth=spec.born,
        case_number=spec.case_number,
        gender=spec.gender,
        legal_status=spec.legal_status,
        caseworker_name=spec.caseworker[0],
        caseworker_email=spec.caseworker[1],
        social_worker_name=spec.social_worker[0],
        social_worker_email=spec.social_worker[1],
        iro_name=spec.iro[0],
        iro_email=spec.iro[1],
        primary_need=PrimaryNeed.objects.get(code=spec.primary_need),
        home_postcode=spec.home_postcode,
        current_setting_name=spec.current_setting_name,
        ehcp_issued_on=(at - datetime.timedelta(days=400)).date(),
        ehcp_next_review_on=(at + datetime.timedelta(days=330)).date(),
        young_person_views=spec.young_person_views,
        created_at=at,
        created_by=by,
        updated_at=at,
    )
    child.other_needs.set(PrimaryNeed.objects.filter(code__in=spec.other_needs))
    EhcpOutcome.objects.bulk_create(
        EhcpOutcome(child=child, text=text, position=i) for i, text in enumerate(spec.outcomes)
    )
    name, relationship, views = spec.parent
    ParentCarer.objects.create(
        child=child,
        name=name,
        relationship=relationship,
        email=f"{name.lower().replace(' ', '.')}@family.example",
        preferred_setting=Setting.objects.filter(name=spec.preferred_setting).first()
        if spec.preferred_setting
        else None,
        views=views,
    )
    return child


def documents_create(
    *, child: Child, need: str, by: User, at: datetime.datetime
) -> tuple[ChildDocument, ChildDocument]:
    """The child's EHC plan, and the copy redacted for providers (no name, date of birth, case
    number or address in its title, its file name or its text), which referrals share."""
    outcomes = [o.text for o in child.outcomes.all()]
    full = _document(
        child,
        ChildDocumentKind.EHC_PLAN,
        "EHC plan",
        "ehc-plan.pdf",
        demo_pdf(
            "Education, Health and Care Plan (demo document)",
            f"Name: {child.given_name} {child.family_name}",
            f"Date of birth: {child.date_of_birth:%d/%m/%Y}",
            f"Case number: {child.case_number}",
            f"Primary need: {need}",
            *[f"Outcome: {text}" for text in outcomes],
        ),
        by,
        at,
    )
    redacted = _document(
        child,
        ChildDocumentKind.REDACTED_EHC_PLAN,
        "EHC plan, redacted for providers",
        "ehc-plan-redacted.pdf",
        demo_pdf(
            "Education, Health and Care Plan, redacted for providers (demo document)",
            "Identifying details have been removed.",
            f"Primary need: {need}",
            *[f"Outcome: {text}" for text in outcomes],
        ),
        by,
        at,
    )
    return full, redacted


def _document(
    child: Child,
    kind: str,
    title: str,
    filename: str,
    content: bytes,
    by: User,
    at: datetime.datetime,
) -> ChildDocument:
    document = ChildDocument(
        child=child,
        kind=kind,
        title=title,
        original_filename=filename,
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_at=at,
        uploaded_by=by,
    )
    document.file.save(filename, ContentFile(content), save=False)
    document.save()
    return document


def criteria_create(referral: Referral) -> list[Criterion]:
    criteria = Criterion.objects.bulk_create(
        Criterion(
            referral=referral,
            kind=kind,
            category=category,
            title=title,
            guidance=guidance,
            weight=weight,
            position=i,
        )
        for i, (kind, category, title, guidance, weight) in enumerate(CRITERIA)
    )
    ScaleDescriptor.objects.bulk_create(
        ScaleDescriptor(referral=referral, score=score, descriptor=text)
        for score, text in DESCRIPTORS
    )
    return criteria


def publish_snapshot(referral: Referral, at: datetime.datetime, by: User) -> None:
    """What publishing stamps: the snapshot providers are shown, and who published it when."""
    if referral.child is not None:
        referral.shown_age_years = age_on(referral.child.date_of_birth, at.date())
        referral.shown_gender = referral.child.gender
        referral.shown_postcode_district = referral.child.home_postcode.split()[0]
    referral.published_at = at
    referral.published_by = by


def members_on_lot(lot: Lot) -> QuerySet[SettingLot]:
    """The approved offers on the lot of active members' listed settings (whom publishing an
    open competition invites)."""
    active = FpsMembership.objects.filter(
        purchasing_system_id=lot.purchasing_system_id, state=MembershipState.ACTIVE
    ).values("provider_id")
    return (
        SettingLot.objects.filter(
            lot=lot,
            approved_at__isnull=False,
            setting__provider_id__in=active,
            setting__withdrawn_at__isnull=True,
        )
        .select_related("setting__provider")
        .order_by("setting__provider__name", "setting__name")
    )


def invite(referral: Referral, provider: Organisation, at: datetime.datetime) -> Invitation:
    return Invitation.objects.create(referral=referral, provider=provider, invited_at=at)


def invite_members(referral: Referral) -> dict[str, Invitation]:
    """What publishing an open competition does: one invitation for each active member with an
    approved setting on the lot (however many of its settings are), by provider name."""
    assert referral.published_at is not None
    invitations: dict[str, Invitation] = {}
    for offer in members_on_lot(referral.lot):
        provider = offer.setting.provider
        if provider.name not in invitations:
            invitations[provider.name] = invite(referral, provider, referral.published_at)
    return invitations


def decline(
    invitation: Invitation, *, reason: str, note: str, by: User | None, at: datetime.datetime
) -> None:
    invitation.state = InvitationState.DECLINED
    invitation.declined_at = at
    invitation.declined_by = by
    invitation.decline_reason = reason
    invitation.decline_note = note
    invitation.first_viewed_at = invitation.first_viewed_at or at
    invitation.save()


def respond(
    invitation: Invitation,
    offer: SettingLot,
    *,
    at: datetime.datetime,
    by: User | None,
    weekly_price: Decimal | None = None,
    price_reason: str = "",
    submitted: bool = True,
    hours: int = 0,
) -> Response:
    """A response for the offer's setting, with an answer to every criterion; submitted (the
    invitation then reads "responded") unless a draft is asked for. `hours` of the setting's
    first additional service a week, from its price list."""
    setting, referral = offer.setting, invitation.referral
    response = Response.objects.create(
        invitation=invitation,
        setting=setting,
        state=ResponseState.SUBMITTED if submitted else ResponseState.DRAFT,
        weekly_price=weekly_price if weekly_price is not None else offer.weekly_price,
        indicative_price=offer.weekly_price,
        price_difference_reason=price_reason,
        proposed_start_date=referral.start_date,
        how_needs_met=(
            f"{setting.name} has small groups, staff trained in the needs described and a "
            "therapist on site two days a week; a key worker is named before the start date."
        ),
        how_outcomes_met=(
            "Each outcome becomes a termly target in the learning plan, reviewed with the family "
            "and the authority at the annual review."
        ),
        inspection_judgement=setting.current_band_summary,
        inspection_date=setting.current_band_as_at,
        inspection_confirmed=submitted,
        created_at=at - datetime.timedelta(hours=20),
        created_by=by,
        updated_at=at,
        submitted_at=at if submitted else None,
        submitted_by=by if submitted else None,
    )
    CriterionAnswer.objects.bulk_create(
        CriterionAnswer(
            response=response,
            criterion=criterion,
            answer=f"{setting.name}: {criterion.guidance.split(':')[0].rstrip('.')} — described "
            "in the attached statement, with examples from the last year.",
        )
        for criterion in referral.criteria.all()
    )
    service = AdditionalService.objects.filter(setting=setting).order_by("id").first()
    if hours and service is not None:
        ResponseService.objects.create(
            response=response,
            price_list_item=service,
            name=service.name,
            unit=service.unit,
            rate=service.rate,
            quantity=Decimal(hours),
        )
    invitation.first_viewed_at = invitation.first_viewed_at or at - datetime.timedelta(days=1)
    if submitted:
        invitation.state = InvitationState.RESPONDED
    invitation.save()
    return response


def mark(response: Response, scores: dict[str, int], *, by: User, at: datetime.datetime) -> None:
    """The evaluators' marks: a pass on the pass/fail criterion, and the given score on each
    scored criterion named by category (price by formula is computed, never marked)."""
    marks = []
    for criterion in response.invitation.referral.criteria.all():
        if criterion.kind == CriterionKind.PASS_FAIL:
            marks.append(
                CriterionMark(
                    response=response,
                    criterion=criterion,
                    passed=True,
                    note="The response shows how each need in the plan is met.",
                    recorded_at=at,
                    recorded_by=by,
                )
            )
        elif criterion.category in scores:
            score = scores[criterion.category]
            marks.append(
                CriterionMark(
                    response=response,
                    criterion=criterion,
                    score=score,
                    note=dict(DESCRIPTORS)[score],
                    recorded_at=at,
                    recorded_by=by,
                )
            )
    CriterionMark.objects.bulk_create(marks)


def close(referral: Referral, *, at: datetime.datetime, by: User | None = None) -> None:
    """The deadline passes (beat closes it, `closed_by` empty) or the authority closes it: the
    unanswered invitations lapse, having been reminded the day before."""
    referral.closed_at = at
    referral.closed_by = by
    referral.deadline_reminded_at = at - datetime.timedelta(days=1)
    Invitation.objects.filter(referral=referral, state=InvitationState.INVITED).update(
        state=InvitationState.LAPSED, lapsed_at=at, reminded_at=at - datetime.timedelta(days=1)
    )


def award_complete(
    referral: Referral,
    response: Response | None,
    *,
    by: User,
    at: datetime.datetime,
    reasons: str,
    agreed_weekly_price: Decimal | None = None,
    negotiation_note: str = "",
    provider: Organisation | None = None,
    setting: Setting | None = None,
    differs_reason: str = "",
    approver: User | None = None,
    state: str = AwardState.COMPLETE,
) -> Award:
    """The award, and on completion the referral awarded, every invitation's outcome set and its
    outcome letter sent (the unsuccessful with their own scores, the winner's and the reasons)."""
    setting = setting or (response.setting if response else None)
    complete = state == AwardState.COMPLETE
    award = Award.objects.create(
        referral=referral,
        response=response,
        provider=provider or (response.invitation.provider if response else None),
        setting=setting,
        state=state,
        reasons=reasons,
        agreed_weekly_price=agreed_weekly_price
        if agreed_weekly_price is not None
        else (response.weekly_price if response and response.weekly_price else Decimal(0)),
        price_negotiation_note=negotiation_note,
        weeks_per_year=weeks_for(referral.lot),
        start_date=referral.start_date,
        end_date=referral.expected_end_date,
        differs_from_parental_preference=bool(differs_reason),
        parental_preference_reason=differs_reason,
        approver=approver,
        approved_at=at - datetime.timedelta(hours=3) if approver else None,
        band_at_award=setting.current_band if setting else "",
        proposed_at=at - datetime.timedelta(hours=6) if approver else at,
        proposed_by=by,
        completed_at=at if complete else None,
    )
    if response is not None:
        AwardService.objects.bulk_create(
            AwardService(award=award, name=s.name, unit=s.unit, rate=s.rate, quantity=s.quantity)
            for s in response.services.all()
        )
    if complete:
        referral.state = "awarded"
        referral.awarded_at = at
        referral.awarded_by = by
        referral.save()
        outcomes_notify(referral, winner=response.invitation if response else None, at=at)
    return award


def outcomes_notify(
    referral: Referral, *, winner: Invitation | None, at: datetime.datetime
) -> None:
    """Every invitation that responded gets its outcome, told once (`outcome_notified_at`);
    those that declined or lapsed competed for nothing and get none."""
    answered = Invitation.objects.filter(referral=referral, state=InvitationState.RESPONDED)
    for invitation in answered:
        invitation.outcome = (
            Outcome.AWARDED
            if winner is not None and invitation.pk == winner.pk
            else Outcome.UNSUCCESSFUL
        )
        invitation.outcome_notified_at = at + datetime.timedelta(minutes=5)
        invitation.save(update_fields=["outcome", "outcome_notified_at"])


def offer_of(setting_name: str, lot: Lot) -> SettingLot:
    return SettingLot.objects.select_related("setting__provider").get(
        setting__name=setting_name, lot=lot
    )


def lot_of(system: PurchasingSystem, code: str) -> Lot:
    return Lot.objects.get(purchasing_system=system, code=code)
