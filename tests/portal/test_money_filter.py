"""Money on every page reads as GOV.UK writes it: pound sign, thousands separator, pence."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fps_portal.templatetags.govuk import money


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("2850.00"), "£2,850.00"),
        (Decimal("12345.5"), "£12,345.50"),
        (Decimal("24.5"), "£24.50"),
        ("1000000", "£1,000,000.00"),
        (None, ""),
        ("", ""),
        ("not money", "not money"),
    ],
)
def test_money(amount: object, shown: str) -> None:
    assert money(amount) == shown
