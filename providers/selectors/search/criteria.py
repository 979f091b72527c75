"""The search parameters, validated once for the page, the export and the API.

The same form reads the page's query string and the API's query parameters, so both give the same
answers and the same messages; each error is keyed by the parameter's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms

from fps_portal.accounts.models import Organisation, OrganisationKind
from fps_portal.errors import InvalidInput
from providers.inspections.bands import Band
from providers.models import Lot, PrimaryNeed, Specialism
from providers.money import parse_money
from providers.postcodes import Location, locate, normalise_postcode

# The blank choice comes first, so a form sent as it loads (no location) never asks for a
# distance order it cannot give; criteria() turns it into distance or name.
ORDERING_CHOICES = [
    ("", "Nearest first, or A to Z"),
    ("distance", "Distance, nearest first"),
    ("price", "Weekly price, lowest first"),
    ("-price", "Weekly price, highest first"),
    ("band", "Inspection band, best first"),
    ("name", "Name, A to Z"),
]
GENDER_CHOICES = [
    ("", "Any"),
    ("boys", "Takes boys (boys-only or mixed)"),
    ("girls", "Takes girls (girls-only or mixed)"),
    ("mixed", "Mixed settings only"),
]
BOOLEAN_CHOICES = [("", "Any"), ("true", "Yes"), ("false", "No")]
# A setting may offer both: each choice keeps the settings that offer that kind of place.
RESIDENTIAL_CHOICES = [
    ("", "Day or residential"),
    ("true", "Offers residential places"),
    ("false", "Offers day places"),
]
MAX_RADIUS_MILES = 300
RADIUS_MESSAGE = f"Enter a distance in miles from 0.1 to {MAX_RADIUS_MILES}, like 25 or 12.5."
NOT_AN_AUTHORITY = "Choose a North West authority from the list."
YES_OR_NO = "Choose true or false, or leave it empty for either."


@dataclass(frozen=True)
class SearchCriteria:
    """Validated search: a location (with the label it was given as) and each filter's value."""

    lot: Lot | None = None
    specialism: Specialism | None = None
    need: PrimaryNeed | None = None
    location: Location | None = None
    location_label: str = ""
    radius_miles: Decimal | None = None
    host_authority: Organisation | None = None
    age: int | None = None
    gender: str = ""
    max_weekly_price: Decimal | None = None
    band: str = ""
    has_vacancies: bool | None = None
    residential: bool | None = None
    ordering: str = "name"

    @property
    def has_location(self) -> bool:
        return self.location is not None

    @property
    def ordering_label(self) -> str:
        """How the results are sorted, for a sentence: "weekly price, lowest first"."""
        label = dict(ORDERING_CHOICES).get(self.ordering, self.ordering)
        return label[:1].lower() + label[1:]


def _postcode_label(raw: str) -> str:
    """The postcode as it is usually written ("l206dj" → "L20 6DJ"); an outward code as given."""
    try:
        return normalise_postcode(raw)
    except InvalidInput:
        return " ".join(raw.upper().split())


def _boolean(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value)


class SettingSearchForm(forms.Form):
    """The filters of Find a setting. `with_price=False` is the forum's form: no price at all."""

    lot = forms.ChoiceField(
        label="Lot (type of placement)",
        required=False,
        error_messages={"invalid_choice": "There is no lot %(value)s: choose one from the list."},
    )
    specialism = forms.ChoiceField(
        label="Area of need",
        required=False,
        error_messages={
            "invalid_choice": "There is no area of need %(value)s: choose one from the list."
        },
    )
    need = forms.ChoiceField(
        label="Primary need",
        required=False,
        error_messages={
            "invalid_choice": "There is no primary need %(value)s: choose one from the list."
        },
    )
    postcode = forms.CharField(
        label="Distance from postcode",
        required=False,
        max_length=10,
        help_text="A full postcode, like CW1 2AB, or its first part, like CW1.",
    )
    authority = forms.ChoiceField(
        label="Or distance from an authority",
        required=False,
        error_messages={"invalid_choice": NOT_AN_AUTHORITY},
    )
    radius_miles = forms.DecimalField(
        label="Within (miles)",
        required=False,
        min_value=Decimal("0.1"),
        max_value=MAX_RADIUS_MILES,
        decimal_places=1,
        error_messages={
            key: RADIUS_MESSAGE
            for key in ("invalid", "min_value", "max_value", "max_decimal_places", "max_digits")
        },
    )
    host_authority = forms.ChoiceField(
        label="Setting is in", required=False, error_messages={"invalid_choice": NOT_AN_AUTHORITY}
    )
    age = forms.IntegerField(
        label="Child's age",
        required=False,
        min_value=0,
        max_value=25,
        error_messages={
            key: "Enter the child's age in whole years, from 0 to 25."
            for key in ("invalid", "min_value", "max_value")
        },
    )
    gender = forms.ChoiceField(
        label="Gender",
        required=False,
        choices=GENDER_CHOICES,
        error_messages={"invalid_choice": "Choose boys, girls or mixed."},
    )
    max_weekly_price = forms.CharField(
        label="Maximum weekly price (£)",
        required=False,
        max_length=12,
        help_text="On the chosen lot, or on the setting's cheapest lot if none is chosen.",
    )
    band = forms.ChoiceField(
        label="Inspection band",
        required=False,
        error_messages={"invalid_choice": "Choose pass, concern, fail or unknown."},
    )
    has_vacancies = forms.ChoiceField(
        label="Has vacancies",
        required=False,
        choices=BOOLEAN_CHOICES,
        error_messages={"invalid_choice": YES_OR_NO},
    )
    residential = forms.ChoiceField(
        label="Day or residential",
        required=False,
        choices=RESIDENTIAL_CHOICES,
        error_messages={"invalid_choice": YES_OR_NO},
    )
    ordering = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=ORDERING_CHOICES,
        error_messages={"invalid_choice": "Choose an order from the list."},
    )

    def __init__(self, data: Any = None, *, with_price: bool = True, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.with_price = with_price
        self.lots = {
            lot.code: lot
            for lot in Lot.objects.select_related(None).order_by("display_order", "code")
        }
        self.specialisms = {s.code: s for s in Specialism.objects.all()}
        self.needs = {n.code: n for n in PrimaryNeed.objects.all()}
        self.authorities = {
            a.ons_code: a
            for a in Organisation.objects.filter(kind=OrganisationKind.AUTHORITY).select_related(
                "location"
            )
        }
        any_choice = [("", "Any")]
        self._choice_field("lot").choices = any_choice + [
            (c, f"{c} – {lot.name}") for c, lot in self.lots.items()
        ]
        self._choice_field("specialism").choices = any_choice + [
            (c, s.name) for c, s in self.specialisms.items()
        ]
        self._choice_field("need").choices = any_choice + [
            (c, f"{c} – {n.name}") for c, n in self.needs.items()
        ]
        authority_choices = [
            (c, a.name) for c, a in sorted(self.authorities.items(), key=lambda i: i[1].name)
        ]
        self._choice_field("authority").choices = [("", "None"), *authority_choices]
        self._choice_field("host_authority").choices = [("", "Anywhere"), *authority_choices]
        self._choice_field("band").choices = [("", "Any"), *Band.choices]
        if not with_price:
            del self.fields["max_weekly_price"]
            self._choice_field("ordering").choices = [
                c for c in ORDERING_CHOICES if "price" not in c[0]
            ]

    def clean_max_weekly_price(self) -> Decimal | None:
        raw = self.cleaned_data.get("max_weekly_price") or ""
        if not raw.strip():
            return None
        try:
            return parse_money(raw, field_name="max_weekly_price")
        except InvalidInput as exc:
            raise forms.ValidationError(exc.message) from exc

    def _choice_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField), f"{name} is not a choice field"
        return field

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        postcode = (data.get("postcode") or "").strip()
        authority_code = data.get("authority") or ""
        if postcode and authority_code:
            self.add_error("authority", "Search from a postcode or from an authority, not both.")
        elif postcode:
            try:
                data["location"] = locate(postcode)
                data["location_label"] = _postcode_label(postcode)
            except InvalidInput as exc:
                self.add_error("postcode", exc.message)
        elif authority_code:
            authority = self.authorities[authority_code]
            place = getattr(authority, "location", None)
            if place is None:
                self.add_error("authority", f"{authority.name} has no reference location yet.")
            else:
                data["location"] = Location(
                    place.reference_district, place.latitude, place.longitude
                )
                data["location_label"] = f"{authority.name} ({place.reference_district})"
        has_location = bool(postcode or authority_code)
        if data.get("radius_miles") is not None and not has_location:
            self.add_error(
                "radius_miles",
                "Enter a postcode or choose an authority to search within a distance.",
            )
        if data.get("ordering") == "distance" and not has_location:
            self.add_error(
                "ordering", "Enter a postcode or choose an authority to sort by distance."
            )
        need_code = data.get("need")
        specialism_code = data.get("specialism")
        if (
            need_code
            and specialism_code
            and self.needs[need_code].specialism_id != self.specialisms[specialism_code].pk
        ):
            self.add_error(
                "need",
                f"{need_code} is not a need within {self.specialisms[specialism_code].name}.",
            )
        return data

    def criteria(self) -> SearchCriteria:
        """The validated search; call only after is_valid()."""
        d = self.cleaned_data
        location = d.get("location")
        ordering = d.get("ordering") or ("distance" if location else "name")
        return SearchCriteria(
            lot=self.lots.get(d.get("lot") or ""),
            specialism=self.specialisms.get(d.get("specialism") or ""),
            need=self.needs.get(d.get("need") or ""),
            location=location,
            location_label=d.get("location_label", ""),
            radius_miles=d.get("radius_miles"),
            host_authority=self.authorities.get(d.get("host_authority") or ""),
            age=d.get("age"),
            gender=d.get("gender") or "",
            max_weekly_price=d.get("max_weekly_price") if self.with_price else None,
            band=d.get("band") or "",
            has_vacancies=_boolean(d.get("has_vacancies") or ""),
            residential=_boolean(d.get("residential") or ""),
            ordering=ordering,
        )
