"""Forms for onboarding pages: they parse and label; the services hold the rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from fps_portal.errors import DomainError
from providers.models import (
    Evidence,
    EvidenceKind,
    InsuranceType,
    Lot,
    PurchasingSystemKind,
    RequirementResult,
    Setting,
    Verdict,
)


def set_queryset(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def apply_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """Put a service's message on the fields it names (or the form), so the error summary shows
    it."""
    placed = False
    for name, message in error.fields.items():
        if name in form.fields:
            form.add_error(name, str(message))
            placed = True
    if not placed:
        form.add_error(None, error.message)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"
    format = "%Y-%m-%dT%H:%M"

    def __init__(self, attrs: dict[str, object] | None = None) -> None:
        super().__init__(attrs=attrs, format=self.format)


def _datetime_field(label: str, hint: str = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        help_text=hint,
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"Enter the {label.lower()} as a real date and time",
        },
    )


class RegisterForm(forms.Form):
    full_name = forms.CharField(label="Your full name", max_length=200)
    email = forms.EmailField(label="Your email address", help_text="You will use this to sign in.")
    password = forms.CharField(
        label="Create a password",
        widget=forms.PasswordInput,
        help_text="At least 12 characters. Avoid common words.",
    )
    name = forms.CharField(label="Organisation name", max_length=200)
    legal_name = forms.CharField(
        label="Legal name",
        max_length=200,
        help_text="As registered, like 'Oakfield Learning Trust Limited'.",
    )
    companies_house_number = forms.CharField(
        label="Companies House number", max_length=8, required=False
    )
    charity_number = forms.CharField(label="Charity number", max_length=8, required=False)
    address = forms.CharField(label="Registered address", widget=forms.Textarea(attrs={"rows": 3}))
    postcode = forms.CharField(label="Postcode", max_length=10)
    contact_email = forms.EmailField(label="Organisation contact email")
    contact_phone = forms.CharField(
        label="Organisation contact phone", max_length=30, required=False
    )


class InviteForm(forms.Form):
    full_name = forms.CharField(label="Colleague's full name", max_length=200)
    email = forms.EmailField(label="Colleague's email address")


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label="What is this evidence?", choices=EvidenceKind.choices)
    setting = forms.ModelChoiceField(
        label="Setting",
        queryset=Setting.objects.none(),
        required=False,
        help_text="For registration certificates, DfE registration, inspection reports and "
        "Statements of Purpose.",
    )
    title = forms.CharField(label="Title", max_length=200)
    reference = forms.CharField(label="Reference or policy number", max_length=100, required=False)
    insurance_type = forms.ChoiceField(
        label="Type of insurance",
        choices=[("", "Not insurance"), *InsuranceType.choices],
        required=False,
    )
    insurer = forms.CharField(label="Insurer", max_length=200, required=False)
    cover_amount = forms.DecimalField(
        label="Cover in pounds",
        max_digits=14,
        decimal_places=2,
        required=False,
        error_messages={"invalid": "Enter the cover as a number of pounds, like 5000000"},
    )
    valid_until = forms.DateField(
        label="Valid until",
        required=False,
        widget=forms.DateInput,
        help_text="The expiry date, if the evidence has one.",
        error_messages={"invalid": "Enter a real date"},
    )
    file = forms.FileField(
        label="Upload a file", help_text="PDF, DOCX, PNG or JPEG.", required=False
    )

    def __init__(self, *args: Any, settings_qs: QuerySet[Setting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "setting", settings_qs)


class OverviewForm(forms.Form):
    services_overview = forms.CharField(
        label="Overview of services", widget=forms.Textarea(attrs={"rows": 5})
    )
    working_with_parents = forms.CharField(
        label="How the setting works with parents and carers",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    learner_voice = forms.CharField(
        label="How the setting hears the learner's voice", widget=forms.Textarea(attrs={"rows": 4})
    )


class ScopeForm(forms.Form):
    lots = forms.ModelMultipleChoiceField(
        label="Which lots are you applying for?",
        queryset=Setting.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    settings = forms.ModelMultipleChoiceField(
        label="Which settings are included?",
        queryset=Setting.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(
        self, *args: Any, lots_qs: QuerySet[Lot], settings_qs: QuerySet[Setting], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "lots", lots_qs)
        set_queryset(self, "settings", settings_qs)


class EvidenceChoiceField(forms.ModelMultipleChoiceField[Evidence]):
    def label_from_instance(self, obj: Evidence) -> str:
        where = f" ({obj.setting.name})" if obj.setting is not None else ""
        until = f", valid until {obj.valid_until:%-d %B %Y}" if obj.valid_until else ""
        return f"{obj.get_kind_display()}: {obj.title}{where}{until}"


class ApplicationEvidenceForm(forms.Form):
    evidence = EvidenceChoiceField(
        label="Evidence to include",
        queryset=Evidence.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Evidence you already hold and that is still valid.",
    )

    def __init__(self, *args: Any, evidence_qs: QuerySet[Evidence], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "evidence", evidence_qs)


class PricesForm(forms.Form):
    """One text field per (setting, lot): kept as text so the service gives the money message."""

    def __init__(
        self,
        *args: Any,
        cells: Sequence[tuple[Setting, Lot]],
        initial_prices: Mapping[tuple[int, int], Decimal],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cells = cells
        for setting, lot in cells:
            name = f"price_{setting.pk}_{lot.pk}"
            self.fields[name] = forms.CharField(
                label=f"{setting} – lot {lot.code} {lot.name}, weekly price in pounds",
                required=False,
                initial=initial_prices.get((setting.pk, lot.pk), ""),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
            )

    def prices(self) -> dict[tuple[int, int], object]:
        return {
            (s.pk, lot.pk): self.cleaned_data.get(f"price_{s.pk}_{lot.pk}", "")
            for s, lot in self.cells
        }


class ServicePriceForm(forms.Form):
    setting = forms.ModelChoiceField(label="Setting", queryset=Setting.objects.none())
    name = forms.CharField(
        label="Additional service",
        max_length=200,
        help_text="For example, 1:1 support or speech and language therapy.",
    )
    unit = forms.CharField(
        label="Charged per", max_length=40, help_text="For example, hour, session or week."
    )
    rate = forms.CharField(
        label="Rate in pounds",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

    def __init__(self, *args: Any, settings_qs: QuerySet[Setting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "setting", settings_qs)


class DeclarationsForm(forms.Form):
    accurate = forms.BooleanField(
        label="The information in this application is true and complete", required=False
    )
    no_exclusion_grounds = forms.BooleanField(
        label="None of the grounds for exclusion in the Procurement Act apply to our organisation",
        required=False,
    )
    safeguarding = forms.BooleanField(
        label="We will keep to the safeguarding requirements of the FPS agreement", required=False
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why are you withdrawing?", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label="Your answer", widget=forms.Textarea(attrs={"rows": 6}))


class SignForm(forms.Form):
    signatory_name = forms.CharField(label="Full name of the person signing", max_length=200)
    signatory_role = forms.CharField(label="Their role in the organisation", max_length=200)
    confirm = forms.BooleanField(
        label="I am authorised to sign the FPS agreement for the organisation",
        error_messages={"required": "Confirm that you are authorised to sign"},
    )


class PurchasingSystemForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    kind = forms.ChoiceField(
        label="Kind of purchasing system",
        choices=PurchasingSystemKind.choices,
        widget=forms.RadioSelect,
    )
    term_start = forms.DateField(label="Term starts", widget=forms.DateInput)
    term_end = forms.DateField(label="Term ends", widget=forms.DateInput)
    direct_award_allowed = forms.BooleanField(
        label="Direct award is allowed in exceptional urgency", required=False
    )
    admits_by_windows = forms.BooleanField(
        label="Admits providers in evaluation windows",
        required=False,
        help_text="A Dynamic Purchasing System admits on a rolling basis instead.",
    )


class LotForm(forms.Form):
    code = forms.CharField(label="Lot code", max_length=20)
    name = forms.CharField(label="Lot name", max_length=200)
    description = forms.CharField(
        label="Description", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    starts_on = forms.DateField(label="Starts on", widget=forms.DateInput)
    is_residential = forms.BooleanField(label="Residential placements", required=False)


class WindowForm(forms.Form):
    name = forms.CharField(
        label="Window name", max_length=200, help_text="For example, Round 6 (2027)."
    )
    opens_at = _datetime_field("Opens at")
    closes_at = _datetime_field("Closes at")
    evaluation_deadline = _datetime_field(
        "Evaluation deadline", "Clarifications and outcomes are due by then."
    )


class EvaluationForm(forms.Form):
    """A pass/fail and reason per requirement result."""

    def __init__(
        self,
        *args: Any,
        results: Sequence[RequirementResult],
        initial_decisions: Mapping[int, tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.results = results
        for result in results:
            pk = result.pk
            verdict, reason = initial_decisions.get(pk, ("", ""))
            where = f" – {result.setting.name}" if result.setting is not None else ""
            self.fields[f"result_{pk}"] = forms.ChoiceField(
                label=f"{result.get_requirement_display()}{where}",
                choices=Verdict.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=verdict,
                help_text=f"Automatic check: {result.get_automatic_result_display()}. "
                f"{result.automatic_reason}",
            )
            self.fields[f"result_{pk}_reason"] = forms.CharField(
                label="Reason",
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                initial=reason,
            )

    def decisions(self) -> dict[int, tuple[str, str]]:
        return {
            r.pk: (
                self.cleaned_data.get(f"result_{r.pk}") or "",
                self.cleaned_data.get(f"result_{r.pk}_reason") or "",
            )
            for r in self.results
        }


class ModerationForm(forms.Form):
    reason = forms.CharField(
        label="Reason for the outcome",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="This is shown to the provider with the outcome.",
        required=False,
    )

    def __init__(self, *args: Any, disputed: Sequence[RequirementResult], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.disputed = disputed
        for result in disputed:
            pk = result.pk
            self.fields[f"resolve_{pk}"] = forms.ChoiceField(
                label=f"Final result: {result.get_requirement_display()}",
                choices=Verdict.choices,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"resolve_{pk}_reason"] = forms.CharField(
                label="Reason for the final result",
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )

    def resolutions(self) -> dict[int, tuple[str, str]]:
        return {
            r.pk: (
                self.cleaned_data.get(f"resolve_{r.pk}") or "",
                self.cleaned_data.get(f"resolve_{r.pk}_reason") or "",
            )
            for r in self.disputed
        }


class ClarificationForm(forms.Form):
    question = forms.CharField(
        label="Question for the provider", widget=forms.Textarea(attrs={"rows": 4})
    )
    due_at = _datetime_field("Answer due by")


class MembershipChangeForm(forms.Form):
    action = forms.ChoiceField(
        label="What do you want to do?",
        widget=forms.RadioSelect,
        choices=[
            ("suspend", "Suspend"),
            ("reinstate", "Reinstate"),
            ("remove", "Remove from the FPS"),
            ("withdraw", "Record the provider's withdrawal"),
        ],
    )
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    review_on = forms.DateField(
        label="Review date",
        required=False,
        widget=forms.DateInput,
        help_text="Needed for a suspension.",
        error_messages={"invalid": "Enter a real date"},
    )
