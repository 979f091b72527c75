"""Forms of the directory pages: thin shells that turn posted text into service arguments.

Each form's `clean` also asks the service's `*_problems` function about whatever it could read,
so one submission shows every error (a field's own, then the service's rules) while the rules
stay in the service. Messages follow GOV.UK's pattern: say what is wrong and what to do.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django import forms

from fps_portal.accounts.models import Organisation, OrganisationKind
from fps_portal.actors import Actor
from fps_portal.date_input import DateInputField
from fps_portal.errors import DomainError
from fps_portal.once import OnceOnlyForm
from fps_portal.scoping import PUBLIC, scoped
from fps_portal.text import too_long
from providers.models import Gender, JudgementSource, Lot, PrimaryNeed, Setting, Specialism
from providers.ratings import FRAMEWORK_SPEC, Framework, Remit
from providers.services.inspections import (
    FRAMEWORK_MISSING,
    REMIT_MISSING,
    JudgementData,
    judgement_problems,
)
from providers.services.setting_prices import (
    SERVICE_NAME_MISSING,
    SERVICE_RATE_WORDING,
    SERVICE_UNIT_MISSING,
    additional_service_problems,
    lot_price_field,
    lot_price_wording,
    setting_prices_problems,
)
from providers.services.settings import (
    DFE_NUMBER_FORMAT,
    GENDER_MISSING,
    HOST_AUTHORITY_UNKNOWN,
    NAME_MISSING,
    SettingData,
    setting_problems,
)

URN_TOO_LONG = "A URN has at most 10 digits, like 101173."


def add_problems(
    form: forms.Form,
    problems: Mapping[str, Any],
    *,
    field_for: Callable[[str], str] = lambda name: name,
) -> None:
    """Puts a service's messages (by the service's field name) on the form's fields.

    A field that already has an error keeps only its own: the service saw a placeholder for it.
    A message about something the form has no field for goes at the top of the form.
    """
    for name, messages in problems.items():
        target = field_for(name)
        if target in form.errors:
            continue
        for message in messages if isinstance(messages, list) else [messages]:
            form.add_error(target if target in form.fields else None, str(message))


class UrnLookupForm(forms.Form):
    urn = forms.CharField(
        label="URN to look up",
        required=False,
        max_length=10,
        # Its own id: the setting form on the same page has a URN field, and two inputs with
        # id="id_urn" would tie that field's label to this input.
        widget=forms.TextInput(attrs={"id": "id_lookup_urn"}),
        error_messages={"max_length": URN_TOO_LONG},
        help_text=(
            "The Unique Reference Number from Get Information about Schools. "
            "We fill in what it knows."
        ),
    )


def _whole_number(label: str, *, missing: str, what: str, example: int) -> forms.IntegerField:
    # No min_value / max_value here: the ranges are the service's rules (`setting_problems`).
    return forms.IntegerField(
        label=label,
        error_messages={
            "required": missing,
            "invalid": f"Enter {what} as a whole number, like {example}.",
        },
    )


class SettingForm(OnceOnlyForm):
    name = forms.CharField(
        label="Setting name",
        max_length=200,
        error_messages={"required": NAME_MISSING, **too_long("The setting's name", 200)},
    )
    urn = forms.CharField(
        label="URN",
        required=False,
        max_length=10,
        error_messages={"max_length": URN_TOO_LONG},
    )
    dfe_number = forms.CharField(
        label="DfE number",
        required=False,
        max_length=8,
        help_text="7 digits, like 8956001.",
        error_messages={"max_length": DFE_NUMBER_FORMAT},
    )
    address = forms.CharField(
        label="Address", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    town = forms.CharField(
        label="Town or city",
        required=False,
        max_length=100,
        error_messages=too_long("The town or city", 100),
    )
    # No max_length: a postcode too long is not a real one, which the service says.
    postcode = forms.CharField(
        label="Postcode",
        error_messages={"required": "Enter the setting's postcode, like CW1 2AB."},
    )
    host_authority: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label="Local authority the setting is in",
        queryset=None,  # the authorities, set per form in __init__
        required=False,
        empty_label="Select an authority",
        error_messages={"invalid_choice": HOST_AUTHORITY_UNKNOWN},
    )
    age_from = _whole_number(
        "Youngest age",
        missing="Enter the youngest age the setting takes.",
        what="the youngest age",
        example=5,
    )
    age_to = _whole_number(
        "Oldest age",
        missing="Enter the oldest age the setting takes.",
        what="the oldest age",
        example=16,
    )
    gender = forms.ChoiceField(
        label="Who the setting takes",
        choices=Gender.choices,
        widget=forms.RadioSelect,
        error_messages={"required": GENDER_MISSING, "invalid_choice": GENDER_MISSING},
    )
    # Drawn by the template as one question in a fieldset: "What places does the setting offer?"
    offers_day = forms.BooleanField(label="Day places", required=False)
    offers_residential = forms.BooleanField(label="Residential places", required=False)
    specialisms: forms.ModelMultipleChoiceField[Specialism] = forms.ModelMultipleChoiceField(
        label="Areas of need",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=dict.fromkeys(
            ("invalid_list", "invalid_choice", "invalid_pk_value"),
            "Select areas of need from the list.",
        ),
    )
    primary_needs: forms.ModelMultipleChoiceField[PrimaryNeed] = forms.ModelMultipleChoiceField(
        label="Primary needs",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choosing a need also adds its area of need.",
        error_messages=dict.fromkeys(
            ("invalid_list", "invalid_choice", "invalid_pk_value"),
            "Select primary needs from the list.",
        ),
    )
    capacity = _whole_number(
        "Capacity (places)",
        missing="Enter how many places the setting has.",
        what="the capacity",
        example=30,
    )
    vacancies = _whole_number(
        "Vacancies now",
        missing="Enter how many places are vacant now, or 0.",
        what="the vacancies",
        example=2,
    )
    phone = forms.CharField(
        label="Phone",
        required=False,
        max_length=30,
        error_messages=too_long("The phone number", 30),
    )
    email = forms.EmailField(
        label="Email",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com."
        },
    )
    website = forms.URLField(
        label="Website",
        required=False,
        assume_scheme="https",
        error_messages={
            "invalid": "Enter a website address in the correct format, like www.example.com."
        },
    )
    public_summary = forms.CharField(
        label="Public summary",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "Plain words for families and parent-carer forums: "
            "who the setting is for and what it offers."
        ),
    )

    def __init__(self, *args: Any, setting: Setting | None = None, **kwargs: Any) -> None:
        """`setting` is the one being edited (None when adding): its own URN is no clash."""
        super().__init__(*args, **kwargs)
        self.setting = setting
        # Public reference lists, read per form (a class-level queryset would be built at import,
        # before the scope rules are registered).
        choices = {
            "host_authority": scoped(Organisation, PUBLIC)
            .filter(kind=OrganisationKind.AUTHORITY)
            .order_by("name"),
            "specialisms": scoped(Specialism, PUBLIC),
            "primary_needs": scoped(PrimaryNeed, PUBLIC).select_related("specialism"),
        }
        for name, queryset in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset

    def clean(self) -> dict[str, Any]:
        super().clean()
        problems = setting_problems(
            self.to_data(), instance=self.setting, unreadable=set(self.errors)
        )
        add_problems(self, problems)
        return self.cleaned_data

    def to_data(self) -> SettingData:
        """The service's arguments. Placeholders stand in for fields that could not be read;
        `clean` tells the service which those are."""
        d = self.cleaned_data
        return SettingData(
            name=d.get("name", ""),
            urn=d.get("urn") or "",
            dfe_number=d.get("dfe_number") or "",
            address=d.get("address") or "",
            town=d.get("town") or "",
            postcode=d.get("postcode", ""),
            host_authority=d.get("host_authority"),
            age_from=d.get("age_from", 0),
            age_to=d.get("age_to", 0),
            gender=d.get("gender", Gender.MIXED),
            offers_day=d.get("offers_day", False),
            offers_residential=d.get("offers_residential", False),
            capacity=d.get("capacity", 0),
            vacancies=d.get("vacancies", 0),
            phone=d.get("phone") or "",
            email=d.get("email") or "",
            website=d.get("website") or "",
            public_summary=d.get("public_summary") or "",
            specialisms=list(d.get("specialisms") or []),
            primary_needs=list(d.get("primary_needs") or []),
        )


class PricesForm(forms.Form):
    """One indicative weekly price per lot; a blank price means the lot is not offered."""

    def __init__(
        self,
        *args: Any,
        setting: Setting,
        lots: list[Lot],
        current: dict[int, Decimal],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.setting = setting
        self.lots = lots
        for lot in lots:
            example = lot_price_wording(lot).example
            # No max_length: an over-long price is not pounds and pence, which the service says
            # naming the lot.
            self.fields[lot_price_field(lot)] = forms.CharField(
                label=f"{lot.code} {lot.name}",
                required=False,
                initial=current.get(lot.pk),
                help_text=f"Weekly price in pounds and pence, like {example}.",
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        add_problems(self, setting_prices_problems(setting=self.setting, prices=self.prices()))
        return self.cleaned_data

    def prices(self) -> dict[Lot, str]:
        """Each lot's price as typed; blank for a lot not offered."""
        return {
            lot: (self.cleaned_data.get(lot_price_field(lot)) or "").strip() for lot in self.lots
        }


class AdditionalServiceForm(OnceOnlyForm):
    name = forms.CharField(
        label="Service",
        max_length=200,
        help_text="For example, 1:1 support or speech and language therapy.",
        error_messages={"required": SERVICE_NAME_MISSING, **too_long("The service's name", 200)},
    )
    unit = forms.CharField(
        label="Charged per",
        max_length=40,
        help_text="For example, hour, session or week.",
        error_messages={
            "required": SERVICE_UNIT_MISSING,
            **too_long("What the service is charged per", 40),
        },
    )
    rate = forms.CharField(
        label="Rate (£)", error_messages={"required": SERVICE_RATE_WORDING.not_money}
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        d = self.cleaned_data
        problems = additional_service_problems(
            name=d.get("name", ""), unit=d.get("unit", ""), rate=d.get("rate", "")
        )
        add_problems(self, problems)
        return self.cleaned_data


def _grade_field(name: str) -> str:
    """The form field of a service field name: "grades.<area>" is "grade_<area>"."""
    return f"grade_{name.removeprefix('grades.')}" if name.startswith("grades.") else name


class JudgementForm(forms.Form):
    """Every area of the chosen framework as published; areas the framework lacks are ignored."""

    framework = forms.ChoiceField(
        label="Framework",
        choices=Framework.choices,
        error_messages={"required": FRAMEWORK_MISSING, "invalid_choice": FRAMEWORK_MISSING},
    )
    remit = forms.ChoiceField(
        label="What the inspection covered",
        choices=[("", "The framework's usual remit"), *Remit.choices],
        required=False,
        error_messages={"invalid_choice": REMIT_MISSING},
    )
    inspection_number = forms.CharField(
        label="Inspection number",
        required=False,
        max_length=30,
        error_messages=too_long("The inspection number", 30),
    )
    inspection_start_date = DateInputField(
        label="Inspection start date",
        subject="the inspection start date",
        error_messages={"required": "Enter the date the inspection started."},
    )
    publication_date = DateInputField(
        label="Publication date", required=False, subject="the publication date"
    )
    category_of_concern = forms.CharField(
        label="Category of concern",
        required=False,
        max_length=10,
        help_text="SM, RSI, SWK or NTI; blank if none.",
        error_messages={"max_length": "Enter SM, RSI, SWK or NTI, or leave it blank."},
    )
    relates_to_current_urn = forms.BooleanField(
        label="The inspection was of this setting under its current URN",
        required=False,
        initial=True,
    )
    source_reference = forms.CharField(
        label="Report link or file name",
        required=False,
        max_length=200,
        error_messages=too_long("The report link or file name", 200),
    )

    def __init__(
        self,
        *args: Any,
        actor: Actor,
        setting: Setting,
        source: str = JudgementSource.MANUAL,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.actor, self.setting, self.source = actor, setting, source
        seen: set[str] = set()
        for areas in FRAMEWORK_SPEC.values():
            for area in areas:
                if area.key in seen:
                    continue
                seen.add(area.key)
                self.fields[f"grade_{area.key}"] = forms.CharField(
                    label=area.label,
                    required=False,
                    max_length=40,
                    error_messages=too_long(f"The {area.label.lower()} grade", 40),
                )

    def clean(self) -> dict[str, Any]:
        super().clean()
        problems = judgement_problems(
            actor=self.actor,
            setting=self.setting,
            data=self.to_data(),
            unreadable=set(self.errors),
        )
        add_problems(self, problems, field_for=_grade_field)
        return self.cleaned_data

    def grades(self) -> dict[str, str]:
        framework = self.cleaned_data.get("framework") or ""
        keys = [a.key for a in FRAMEWORK_SPEC.get(framework, ())]
        return {
            k: v.strip() for k in keys if (v := self.cleaned_data.get(f"grade_{k}") or "").strip()
        }

    def to_data(self) -> JudgementData:
        """The service's arguments. Placeholders stand in for fields that could not be read;
        `clean` tells the service which those are."""
        d = self.cleaned_data
        return JudgementData(
            framework=d.get("framework", ""),
            remit=d.get("remit") or "",
            inspection_number=d.get("inspection_number") or "",
            inspection_start_date=d.get("inspection_start_date") or datetime.date.min,
            publication_date=d.get("publication_date"),
            grades=self.grades(),
            category_of_concern=d.get("category_of_concern") or "",
            relates_to_current_urn=d.get("relates_to_current_urn", False),
            source=self.source,
            source_reference=d.get("source_reference") or "",
        )

    def add_service_error(self, exc: DomainError) -> None:
        """The service's refusal at the fields it names (a grade at its own field)."""
        if exc.fields:
            add_problems(self, exc.fields, field_for=_grade_field)
        else:
            self.add_error(None, exc.message)
