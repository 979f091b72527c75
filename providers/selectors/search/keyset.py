"""Keyset (cursor) pagination over any total order of annotated fields.

A cursor holds the sort values of the row it starts after (or before), so the database seeks
straight to the page instead of counting past every earlier row: the last page costs what the
first does, and rows added meanwhile never shift a page. The same cursor works in the page and in
the API.

A cursor also carries the position of its row (how many rows come before it), so a page can say
which rows it shows ("Showing 51 to 100") and its number without counting. Rows added or removed
meanwhile can make that position a little out, never the rows themselves; a cursor made before
positions were kept starts at the first position.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet

from fps_portal.errors import InvalidInput

M = TypeVar("M", bound=models.Model)
BAD_CURSOR = "This cursor is not valid; start again from the first page."


@dataclass
class KeysetPage(Generic[M]):
    rows: list[M]
    next_cursor: str | None
    previous_cursor: str | None
    start: int = 0  # how many rows of the whole result come before this page's first
    size: int = 0  # the page size asked for

    @property
    def first_number(self) -> int:
        """The 1-based number of the page's first row ("Showing 6 to 10")."""
        return self.start + 1 if self.rows else 0

    @property
    def last_number(self) -> int:
        return self.start + len(self.rows)

    @property
    def number(self) -> int:
        """The page's 1-based number, counted in pages of `size`."""
        return self.start // self.size + 1 if self.size else 1


def _encode(values: list[Any], direction: str, position: int) -> str:
    payload = [direction, [str(v) if isinstance(v, Decimal) else v for v in values], position]
    return (
        base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode())
        .decode()
        .rstrip("=")
    )


def _decode(cursor: str, size: int) -> tuple[str, list[Any], int]:
    """(direction, the row's sort values, the row's position)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        direction, values, *rest = payload
    except (ValueError, binascii.Error, UnicodeDecodeError, TypeError) as exc:
        raise InvalidInput(BAD_CURSOR, fields={"cursor": [BAD_CURSOR]}) from exc
    position = rest[0] if rest else 0
    if (
        direction not in ("n", "p")
        or not isinstance(values, list)
        or len(values) != size
        or len(rest) > 1
        or type(position) is not int
        or position < 0
    ):
        raise InvalidInput(BAD_CURSOR, fields={"cursor": [BAD_CURSOR]})
    if any(isinstance(v, dict | list) for v in values):
        raise InvalidInput(BAD_CURSOR, fields={"cursor": [BAD_CURSOR]})
    return direction, values, position


def _after(keys: list[str], values: list[Any], *, reverse: bool) -> Q:
    """Rows strictly after `values` in the order `keys` (or before them when `reverse`)."""
    condition = Q(pk__in=[])
    for i, key in enumerate(keys):
        name = key.lstrip("-")
        descending = key.startswith("-") != reverse
        step = Q(**{f"{name}__{'lt' if descending else 'gt'}": values[i]})
        for prior, value in zip(keys[:i], values[:i], strict=True):
            step &= Q(**{prior.lstrip("-"): value})
        condition |= step
    return condition


def _values(row: models.Model, keys: list[str]) -> list[Any]:
    return [getattr(row, k.lstrip("-")) for k in keys]


def keyset_page(
    qs: QuerySet[M], keys: list[str], *, cursor: str | None, size: int
) -> KeysetPage[M]:
    """One page of `qs` in the order `keys` (the last key unique, e.g. "pk")."""
    direction, position = "n", 0
    if cursor:
        direction, values, position = _decode(cursor, len(keys))
        try:
            qs = qs.filter(_after(keys, values, reverse=direction == "p"))
        # A cursor edited by hand: a model field refuses a value of the wrong kind (text or NaN
        # for a price) with Django's ValidationError, annotations with Python's own errors.
        except (ValueError, TypeError, ArithmeticError, ValidationError) as exc:
            raise InvalidInput(BAD_CURSOR, fields={"cursor": [BAD_CURSOR]}) from exc
    if direction == "p":
        flipped = [k[1:] if k.startswith("-") else f"-{k}" for k in keys]
        rows = list(qs.order_by(*flipped)[: size + 1])
        more_before = len(rows) > size
        rows = rows[:size][::-1]
        # `position` is the row this page ends before; nothing before the first page.
        start = 0 if not more_before else max(position - len(rows), 0)
        return KeysetPage(
            rows=rows,
            next_cursor=_encode(_values(rows[-1], keys), "n", start + len(rows) - 1)
            if rows
            else None,
            previous_cursor=_encode(_values(rows[0], keys), "p", start)
            if rows and more_before
            else None,
            start=start,
            size=size,
        )
    rows = list(qs.order_by(*keys)[: size + 1])
    more_after = len(rows) > size
    rows = rows[:size]
    # `position` is the row this page starts after.
    start = position + 1 if cursor else 0
    return KeysetPage(
        rows=rows,
        next_cursor=_encode(_values(rows[-1], keys), "n", start + len(rows) - 1)
        if rows and more_after
        else None,
        previous_cursor=_encode(_values(rows[0], keys), "p", start) if rows and cursor else None,
        start=start,
        size=size,
    )
