"""Forms of the directory pages: thin shells that turn posted text into service arguments.

Each form's `clean` also asks the service's `*_problems` function about whatever it could read,
so one submission shows every error (a field's own, then the service's rules) while the rules
stay in the service. Messages follow GOV.UK's pattern: say what is wrong and what to do.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms

from fps_portal.accounts.models import Organisation, OrganisationKind
from fps_portal.dates import govuk_date
from fps_portal.once import OnceOnlyForm
from fps_portal.scoping import PUBLIC, scoped
from fps_portal.text import too_long
from fps_portal.web.pages import add_problems
from providers.models import (
    Gender,
    Lot,
    PriceChange,
    PrimaryNeed,
    Setting,
    SettingLot,
    Specialism,
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


class AreasOfNeedField(forms.ModelMultipleChoiceField[Specialism]):
    """Needed, but the service judges emptiness: a primary need chosen without its area adds
    the area (`setting_problems`), so an empty list here is not yet an error. `required` stays
    on so the label is not marked "(optional)"."""

    def clean(self, value: Any) -> Any:
        if not value:
            return self.queryset.none() if self.queryset is not None else []
        return super().clean(value)


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
        help_text=(
            "Leave this blank and we work it out from the postcode. Change it if we got it wrong."
        ),
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
    specialisms: forms.ModelMultipleChoiceField[Specialism] = AreasOfNeedField(
        label="Areas of need",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
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


def _price_hint(lot: Lot, offer: SettingLot | None, pending: PriceChange | None) -> str:
    """What the box means: an approved price is changed only by the lead authority accepting."""
    example = f"Weekly price in pounds and pence, like {lot_price_wording(lot).example}."
    if offer is None or offer.approved_at is None:
        return example
    approved = f"£{offer.weekly_price:,}"
    if pending is not None:
        return (
            f"Approved at {approved} a week. Your change to £{pending.proposed_price:,}, "
            f"proposed on {govuk_date(pending.proposed_at)}, is waiting for the lead authority; "
            "commissioners see the approved price until it is accepted. "
            f"Enter {offer.weekly_price} to withdraw the change."
        )
    return (
        f"Approved at {approved} a week. A new price is sent to the lead authority, who accepts "
        "or refuses it; commissioners see the approved price until then."
    )


class PricesForm(forms.Form):
    """One indicative weekly price per lot; a blank price means the lot is not offered.

    A lot with a change waiting shows the proposed price, so saving the form again leaves the
    proposal as it is.
    """

    def __init__(
        self,
        *args: Any,
        setting: Setting,
        lots: list[Lot],
        offers: Mapping[int, SettingLot],
        pending: Mapping[int, PriceChange],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.setting = setting
        self.lots = lots
        for lot in lots:
            offer, change = offers.get(lot.pk), pending.get(lot.pk)
            shown: Decimal | None = change.proposed_price if change else None
            if shown is None and offer is not None:
                shown = offer.weekly_price
            # No max_length: an over-long price is not pounds and pence, which the service says
            # naming the lot.
            self.fields[lot_price_field(lot)] = forms.CharField(
                label=f"{lot.code} {lot.name}",
                required=False,
                initial=shown,
                help_text=_price_hint(lot, offer, change),
            )
        if any(o.approved_at for o in offers.values()):
            self.fields["change_reason"] = forms.CharField(
                label="Why are you changing an approved price?",
                help_text="The lead authority reads this when it decides the change.",
                required=False,
                max_length=2000,
                error_messages=too_long("The reason", 2000),
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def price_fields(self) -> list[forms.BoundField]:
        return [self[lot_price_field(lot)] for lot in self.lots]

    def reason_field(self) -> forms.BoundField | None:
        return self["change_reason"] if "change_reason" in self.fields else None

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
