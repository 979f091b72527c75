"""The drafting forms' fields: text, a text area and an amount, each optional (a draft may be
incomplete; `problems` is checked at issue) with GOV.UK's messages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms


def text_field(
    label: str, *, max_length: int = 200, required: bool = False, **kw: Any
) -> forms.Field:
    return forms.CharField(label=label, max_length=max_length, required=required, **kw)


def area_field(label: str, *, rows: int = 3, max_length: int = 4000, **kw: Any) -> forms.Field:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kw,
    )


def amount_field(label: str, invalid: str, *, places: int = 2, digits: int = 10) -> forms.Field:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0"),
        max_digits=digits,
        decimal_places=places,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "invalid": invalid,
            "min_value": f"{label.split(': ')[-1].capitalize()} must be 0 or more.",
            "max_decimal_places": f"{invalid[:-1]}, with at most {places} decimal places.",
        },
    )
