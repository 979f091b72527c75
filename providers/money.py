"""Amounts of money as people type them: "3250", "3,250.00" or "£3250.5", never "1e3"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from fps_portal.errors import InvalidInput

# At most eight digits of pounds, so every amount fits the models' DecimalField(10, 2).
MONEY = re.compile(r"[0-9]{1,8}(\.[0-9]{1,2})?")


@dataclass(frozen=True)
class MoneyWording:
    """How an amount is named in its error messages, so the message says which one is wrong."""

    what: str = "a price"
    example: str = "3250.00"

    @property
    def not_money(self) -> str:
        return f"Enter {self.what} in pounds and pence, like {self.example}."

    @property
    def not_positive(self) -> str:
        return f"{self.what[:1].upper()}{self.what[1:]} must be more than £0."


def parse_money(raw: object, *, field_name: str, wording: MoneyWording | None = None) -> Decimal:
    """A positive amount in pounds and pence; InvalidInput naming `field_name` otherwise.

    Only digits with an optional point and at most two decimals (a pound sign and thousands
    commas are allowed). A blank amount gets the same message as a malformed one: both need an
    amount typed the way the example shows.
    """
    wording = wording or MoneyWording()
    text = str(raw if raw is not None else "").strip().replace(",", "").removeprefix("£")
    if not MONEY.fullmatch(text):
        raise InvalidInput(wording.not_money, fields={field_name: [wording.not_money]})
    value = Decimal(text)
    if value <= 0:
        raise InvalidInput(wording.not_positive, fields={field_name: [wording.not_positive]})
    return value.quantize(Decimal("0.01"))
