"""Forms of the referral pages. Choices come from what the actor may see (their authority's
children, the lots, the needs); the services check everything again."""

from __future__ import annotations

from typing import Any

from django import forms

from fps_portal.actors import Actor
from fps_portal.date_input import DateInputField
from fps_portal.once import OnceOnlyForm
from fps_portal.scoping import scoped
from providers.models import Lot, PrimaryNeed
from referrals.models import (
    Child,
    ChildDocument,
    CriterionCategory,
    CriterionKind,
    DirectAwardGround,
    DirectAwardReview,
    PreselectionGround,
    PriceScoring,
    Referral,
    ReferralKind,
    ReferralState,
    Route,
)
from referrals.selectors.referrals import DEADLINE_CHOICES, ReferralFilters
from referrals.services.referrals import ReferralInput
from referrals.services.routes import RouteCaseInput

TEXTAREA = {"rows": 5}


def _need_choices(actor: Actor) -> list[tuple[str, str]]:
    return [(n.code, f"{n.name} ({n.code})") for n in scoped(PrimaryNeed, actor).order_by("name")]


def _lot_choices(actor: Actor) -> list[tuple[str, str]]:
    lots = (
        scoped(Lot, actor)
        .select_related("purchasing_system")
        .order_by("purchasing_system__name", "display_order", "code")
    )
    return [(str(lot.pk), f"{lot.code} {lot.name} ({lot.purchasing_system})") for lot in lots]


def _child_choices(actor: Actor) -> list[tuple[str, str]]:
    children = scoped(Child, actor).order_by("family_name", "given_name")
    return [(str(c.pk), f"{c.given_name} {c.family_name} ({c.case_number})") for c in children]


class ReferralForm(OnceOnlyForm):
    kind = forms.ChoiceField(
        label="What is the referral for?",
        choices=ReferralKind.choices,
        widget=forms.RadioSelect,
        initial=ReferralKind.INDIVIDUAL,
        error_messages={"required": "Choose whether it is for one child or a block purchase."},
    )
    child = forms.ChoiceField(
        label="Child",
        required=False,
        help_text="Required for one child. A block purchase may name none.",
    )
    places = forms.IntegerField(
        label="Number of places",
        min_value=1,
        max_value=500,
        initial=1,
        error_messages={"required": "Enter the number of places, from 1 to 500."},
    )
    price_per_place = forms.DecimalField(
        label="Price per place a week, in pounds (block purchases)",
        required=False,
        max_digits=10,
        decimal_places=2,
    )
    route = forms.ChoiceField(
        label="How will the place be bought?",
        choices=Route.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the place will be bought."},
    )
    lot = forms.ChoiceField(label="Lot", error_messages={"required": "Choose the lot."})
    is_emergency = forms.BooleanField(
        label="This is an emergency placement (providers answer within hours, not days)",
        required=False,
    )
    start_date = DateInputField(label="Start date", subject="the start date")
    expected_end_date = DateInputField(
        label="Expected end date", subject="the expected end date", required=False
    )
    primary_need = forms.ChoiceField(label="Primary need", required=False)
    needs = forms.MultipleChoiceField(
        label="Other needs", required=False, widget=forms.CheckboxSelectMultiple
    )
    outcomes_sought = forms.CharField(
        label="Outcomes the placement should achieve",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    provider_summary = forms.CharField(
        label="Summary for providers",
        help_text="What providers read to cost a proposal. Do not name the child or give the "
        "case number: providers are told the age in years, gender and postcode district only.",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs=TEXTAREA),
    )
    shared_documents = forms.MultipleChoiceField(
        label="Documents invited providers may read",
        help_text="For example the EHC plan, redacted. Only these are shared before an award.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    referrer_name = forms.CharField(label="Referrer's name", required=False, max_length=200)
    referrer_email = forms.EmailField(
        label="Referrer's e-mail",
        help_text="If the referral is returned for more information, the referrer is e-mailed.",
        required=False,
        max_length=254,
    )

    def __init__(
        self, *args: Any, actor: Actor, referral: Referral | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [("", "Choose a child"), *_child_choices(actor)]  # type: ignore[attr-defined]
        self.fields["lot"].choices = [("", "Choose a lot"), *_lot_choices(actor)]  # type: ignore[attr-defined]
        needs = _need_choices(actor)
        self.fields["primary_need"].choices = [("", "Choose the primary need"), *needs]  # type: ignore[attr-defined]
        self.fields["needs"].choices = needs  # type: ignore[attr-defined]
        if referral is not None and referral.child_id is not None:
            documents = scoped(ChildDocument, actor).filter(child_id=referral.child_id)
            self.fields["shared_documents"].choices = [  # type: ignore[attr-defined]
                (str(d.pk), f"{d.title} ({d.get_kind_display()})") for d in documents
            ]
        else:
            del self.fields["shared_documents"]
        if referral is not None and not self.is_bound:
            self.initial.update(
                {
                    "kind": referral.kind,
                    "child": str(referral.child_id or ""),
                    "places": referral.places,
                    "price_per_place": referral.price_per_place,
                    "route": referral.route,
                    "lot": str(referral.lot_id),
                    "is_emergency": referral.is_emergency,
                    "start_date": referral.start_date,
                    "expected_end_date": referral.expected_end_date,
                    "primary_need": referral.primary_need.code if referral.primary_need else "",
                    "needs": [n.code for n in referral.needs.all()],
                    "outcomes_sought": referral.outcomes_sought,
                    "provider_summary": referral.provider_summary,
                    "shared_documents": [str(d.pk) for d in referral.shared_documents.all()],
                    "referrer_name": referral.referrer_name,
                    "referrer_email": referral.referrer_email,
                }
            )

    def to_input(self) -> ReferralInput:
        data = self.cleaned_data
        return ReferralInput(
            kind=data["kind"],
            child_id=int(data["child"]) if data.get("child") else None,
            places=data["places"],
            price_per_place=data.get("price_per_place"),
            route=data["route"],
            lot_id=int(data["lot"]),
            is_emergency=bool(data.get("is_emergency")),
            start_date=data["start_date"],
            expected_end_date=data.get("expected_end_date"),
            primary_need_code=data.get("primary_need") or "",
            need_codes=tuple(data.get("needs") or ()),
            outcomes_sought=data.get("outcomes_sought") or "",
            provider_summary=data.get("provider_summary") or "",
            shared_document_ids=tuple(int(pk) for pk in data.get("shared_documents") or ()),
            referrer_name=data.get("referrer_name") or "",
            referrer_email=data.get("referrer_email") or "",
        )


class ReferralFilterForm(forms.Form):
    state = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *ReferralState.choices]
    )
    route = forms.ChoiceField(
        label="Route", required=False, choices=[("", "Any route"), *Route.choices]
    )
    lot = forms.ChoiceField(label="Lot", required=False)
    deadline = forms.ChoiceField(
        label="Deadline", required=False, choices=[("", "Any deadline"), *DEADLINE_CHOICES]
    )
    child = forms.ChoiceField(label="Child", required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lot"].choices = [("", "Any lot"), *_lot_choices(actor)]  # type: ignore[attr-defined]
        self.fields["child"].choices = [("", "Any child"), *_child_choices(actor)]  # type: ignore[attr-defined]

    def filters(self) -> ReferralFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return ReferralFilters(
            state=data.get("state") or "",
            route=data.get("route") or "",
            lot_id=int(data["lot"]) if data.get("lot") else None,
            deadline=data.get("deadline") or "",
            child_id=int(data["child"]) if data.get("child") else None,
        )


class CriterionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of criterion",
        choices=CriterionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the criterion is pass or fail, or scored."},
    )
    category = forms.ChoiceField(
        label="What it is about",
        choices=[("", "Choose one"), *CriterionCategory.choices],
        error_messages={"required": "Choose what the criterion is about."},
    )
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter the criterion's title."}
    )
    guidance = forms.CharField(
        label="What a provider's answer must show",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    weight = forms.IntegerField(
        label="Weight (scored criteria; all the weights total 100)",
        required=False,
        min_value=0,
        max_value=100,
    )


class WeightsForm(forms.Form):
    """One weight box per scored criterion, so the total can be rebalanced at once."""

    def __init__(self, *args: Any, criteria: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            self.fields[f"weight_{criterion.pk}"] = forms.IntegerField(
                label=criterion.title,
                min_value=1,
                max_value=100,
                initial=criterion.weight,
                error_messages={"required": f"Enter a weight for {criterion.title}."},
            )

    def weights(self) -> dict[int, int]:
        return {
            int(name.removeprefix("weight_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("weight_")
        }


class ScaleForm(forms.Form):
    scale_max = forms.TypedChoiceField(
        label="Top of the scale",
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 11)],
        help_text="Scores run from 0 to this.",
    )
    price_scoring = forms.ChoiceField(
        label="How is price scored?", choices=PriceScoring.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        existing = dict(referral.descriptors.values_list("score", "descriptor"))
        top = referral.scale_max
        if self.is_bound:
            raw = str(self.data.get("scale_max") or "")
            top = int(raw) if raw.isdigit() and 1 <= int(raw) <= 10 else top
        for score in range(top + 1):
            self.fields[f"descriptor_{score}"] = forms.CharField(
                label=f"What a score of {score} means",
                max_length=300,
                initial=existing.get(score, ""),
                error_messages={"required": f"Enter what a score of {score} means."},
            )
        if not self.is_bound:
            self.initial.update(
                {"scale_max": referral.scale_max, "price_scoring": referral.price_scoring}
            )

    def descriptors(self) -> dict[int, str]:
        return {
            int(name.removeprefix("descriptor_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("descriptor_")
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason", max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, label: str, missing: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = missing


class RouteCaseForm(forms.Form):
    ground = forms.ChoiceField(
        label="Grounds for a direct award",
        choices=DirectAwardGround.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    justification = forms.CharField(
        label="Justification",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Write the justification."},
    )
    setting = forms.ChoiceField(label="Setting", required=False)
    outside_provider_name = forms.CharField(
        label="Provider outside the portal", required=False, max_length=200
    )
    outside_setting_name = forms.CharField(
        label="Setting outside the portal", required=False, max_length=200
    )
    weekly_price = forms.DecimalField(
        label="Weekly price, in pounds",
        max_digits=10,
        decimal_places=2,
        error_messages={"required": "Enter the weekly price, above £0."},
    )
    review_on = DateInputField(
        label="Review date", subject="the review date", required=False,
        help_text="When the order may be opened to competition (direct awards).",
    )  # fmt: skip

    def __init__(
        self, *args: Any, referral: Referral, setting_choices: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["setting"].choices = [("", "Choose a setting"), *setting_choices]  # type: ignore[attr-defined]
        if referral.route == Route.DIRECT_AWARD:
            self.fields["ground"].required = True
            self.fields["ground"].error_messages["required"] = "Choose the grounds."
            self.fields["justification"].label = "Why this placement cannot wait for a competition"
            for name in ("outside_provider_name", "outside_setting_name"):
                del self.fields[name]
        else:
            del self.fields["ground"]
            del self.fields["review_on"]
            self.fields["justification"].label = "Why the usual procedures (the FPS) do not apply"
            self.fields["setting"].label = "Setting on the portal"
            self.fields["setting"].help_text = "Or leave it and name a provider outside the portal."

    def to_input(self) -> RouteCaseInput:
        data = self.cleaned_data
        return RouteCaseInput(
            justification=data["justification"],
            weekly_price=data["weekly_price"],
            ground=data.get("ground") or "",
            setting_id=int(data["setting"]) if data.get("setting") else None,
            outside_provider_name=data.get("outside_provider_name") or "",
            outside_setting_name=data.get("outside_setting_name") or "",
            review_on=data.get("review_on"),
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("authorise", "Authorise"), ("refuse", "Refuse")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you authorise or refuse the case."},
    )
    note = forms.CharField(
        label="Your written reasons",
        help_text="Required to refuse. Kept with the case as your written authorisation.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What did the review decide?",
        choices=DirectAwardReview.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome of the review."},
    )
    note = forms.CharField(
        label="Why", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


GROUND_CHOICES = PreselectionGround.choices
