"""Forms of the directory pages: thin shells that turn posted text into service arguments."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms

from fps_portal.accounts.models import Organisation, OrganisationKind
from providers.models import Gender, PrimaryNeed, Specialism
from providers.ratings import FRAMEWORK_SPEC, Framework, Remit
from providers.services.inspections import JudgementData
from providers.services.settings import SettingData


class UrnLookupForm(forms.Form):
    urn = forms.CharField(
        label="URN (optional)",
        required=False,
        max_length=10,
        help_text=(
            "The Unique Reference Number from Get Information about Schools. "
            "We fill in what it knows."
        ),
    )


class SettingForm(forms.Form):
    name = forms.CharField(label="Setting name", max_length=200)
    urn = forms.CharField(label="URN", required=False, max_length=10)
    dfe_number = forms.CharField(
        label="DfE number", required=False, max_length=8, help_text="7 digits, like 8956001."
    )
    address = forms.CharField(
        label="Address", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    town = forms.CharField(label="Town or city", required=False, max_length=100)
    postcode = forms.CharField(label="Postcode", max_length=10)
    host_authority = forms.ModelChoiceField(
        label="Local authority the setting is in",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Select an authority",
    )
    age_from = forms.IntegerField(label="Youngest age", min_value=0, max_value=25)
    age_to = forms.IntegerField(label="Oldest age", min_value=0, max_value=25)
    gender = forms.ChoiceField(
        label="Who the setting takes", choices=Gender.choices, widget=forms.RadioSelect
    )
    offers_day = forms.BooleanField(label="Day placements", required=False)
    offers_residential = forms.BooleanField(label="Residential placements", required=False)
    specialisms = forms.ModelMultipleChoiceField(
        label="Areas of need",
        queryset=Specialism.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    primary_needs = forms.ModelMultipleChoiceField(
        label="Primary needs",
        queryset=PrimaryNeed.objects.select_related("specialism"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choosing a need also adds its area of need.",
    )
    capacity = forms.IntegerField(label="Capacity (places)", min_value=0)
    vacancies = forms.IntegerField(label="Vacancies now", min_value=0)
    phone = forms.CharField(label="Phone", required=False, max_length=30)
    email = forms.EmailField(label="Email", required=False)
    website = forms.URLField(label="Website", required=False, assume_scheme="https")
    public_summary = forms.CharField(
        label="Public summary",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "Plain words for families and parent-carer forums: "
            "who the setting is for and what it offers."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["host_authority"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(kind=OrganisationKind.AUTHORITY).order_by(
            "name"
        )

    def to_data(self) -> SettingData:
        d = self.cleaned_data
        return SettingData(
            name=d["name"],
            urn=d.get("urn") or "",
            dfe_number=d.get("dfe_number") or "",
            address=d.get("address") or "",
            town=d.get("town") or "",
            postcode=d["postcode"],
            host_authority=d.get("host_authority"),
            age_from=d["age_from"],
            age_to=d["age_to"],
            gender=d["gender"],
            offers_day=d.get("offers_day", False),
            offers_residential=d.get("offers_residential", False),
            capacity=d["capacity"],
            vacancies=d["vacancies"],
            phone=d.get("phone") or "",
            email=d.get("email") or "",
            website=d.get("website") or "",
            public_summary=d.get("public_summary") or "",
            specialisms=list(d.get("specialisms") or []),
            primary_needs=list(d.get("primary_needs") or []),
        )


class PricesForm(forms.Form):
    """One indicative weekly price per lot; a blank price means the lot is not offered."""

    def __init__(self, *args: Any, lots: list[Any], current: dict[int, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lots = lots
        for lot in lots:
            self.fields[f"price_{lot.pk}"] = forms.CharField(
                label=f"{lot.code} {lot.name}",
                required=False,
                max_length=14,
                initial=current.get(lot.pk),
                help_text="Weekly price in pounds and pence, like 3250.00.",
            )


class AdditionalServiceForm(forms.Form):
    name = forms.CharField(
        label="Service",
        max_length=200,
        help_text="For example, 1:1 support or speech and language therapy.",
    )
    unit = forms.CharField(
        label="Charged per", max_length=40, help_text="For example, hour, session or week."
    )
    rate = forms.CharField(label="Rate (£)", max_length=14)


class JudgementForm(forms.Form):
    """Every area of the chosen framework as published; areas the framework lacks are ignored."""

    framework = forms.ChoiceField(label="Framework", choices=Framework.choices)
    remit = forms.ChoiceField(
        label="What the inspection covered",
        choices=[("", "The framework's usual remit"), *Remit.choices],
        required=False,
    )
    inspection_number = forms.CharField(label="Inspection number", required=False, max_length=30)
    inspection_start_date = forms.DateField(label="Inspection start date")
    publication_date = forms.DateField(label="Publication date", required=False)
    category_of_concern = forms.CharField(
        label="Category of concern",
        required=False,
        max_length=10,
        help_text="SM, RSI, SWK or NTI; blank if none.",
    )
    relates_to_current_urn = forms.BooleanField(
        label="The inspection was of this setting under its current URN",
        required=False,
        initial=True,
    )
    source_reference = forms.CharField(
        label="Report link or file name", required=False, max_length=200
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        seen: set[str] = set()
        for areas in FRAMEWORK_SPEC.values():
            for area in areas:
                if area.key in seen:
                    continue
                seen.add(area.key)
                self.fields[f"grade_{area.key}"] = forms.CharField(
                    label=area.label, required=False, max_length=40
                )

    def clean_inspection_start_date(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["inspection_start_date"]
        if value > datetime.date.today():
            raise forms.ValidationError("The inspection start date must be today or in the past.")
        return value

    def grades(self) -> dict[str, str]:
        framework = self.cleaned_data.get("framework") or ""
        keys = [a.key for a in FRAMEWORK_SPEC.get(framework, ())]
        return {
            k: v.strip() for k in keys if (v := self.cleaned_data.get(f"grade_{k}") or "").strip()
        }

    def to_data(self, *, source: str) -> JudgementData:
        d = self.cleaned_data
        return JudgementData(
            framework=d["framework"],
            remit=d.get("remit") or "",
            inspection_number=d.get("inspection_number") or "",
            inspection_start_date=d["inspection_start_date"],
            publication_date=d.get("publication_date"),
            grades=self.grades(),
            category_of_concern=d.get("category_of_concern") or "",
            relates_to_current_urn=d.get("relates_to_current_urn", False),
            source=source,
            source_reference=d.get("source_reference") or "",
        )

    def add_domain_errors(self, fields: dict[str, list[str]], message: str) -> None:
        placed = False
        for name, messages in fields.items():
            target = f"grade_{name.removeprefix('grades.')}" if name.startswith("grades.") else name
            if target in self.fields:
                for m in messages:
                    self.add_error(target, m)
                placed = True
        if not placed:
            self.add_error(None, message)
