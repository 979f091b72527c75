"""Keyset (cursor) pagination over any total order of annotated fields.

A cursor holds the sort values of the row it starts after (or before), so the database seeks
straight to the page instead of counting past every earlier row: the last page costs what the
first does, and rows added meanwhile never shift a page. The same cursor works in the page and in
the API.
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


def _encode(values: list[Any], direction: str) -> str:
    payload = [direction, [str(v) if isinstance(v, Decimal) else v for v in values]]
    return (
        base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode())
        .decode()
        .rstrip("=")
    )


def _decode(cursor: str, size: int) -> tuple[str, list[Any]]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        direction, values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError, TypeError) as exc:
        raise InvalidInput(BAD_CURSOR, fields={"cursor": [BAD_CURSOR]}) from exc
    if direction not in ("n", "p") or not isinstance(values, list) or len(values) != size:
        raise InvalidInput(BAD_CURSOR, fields={"cursor": [BAD_CURSOR]})
    if any(isinstance(v, dict | list) for v in values):
        raise InvalidInput(BAD_CURSOR, fields={"cursor": [BAD_CURSOR]})
    return direction, values


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
    direction = "n"
    if cursor:
        direction, values = _decode(cursor, len(keys))
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
        return KeysetPage(
            rows=rows,
            next_cursor=_encode(_values(rows[-1], keys), "n") if rows else None,
            previous_cursor=_encode(_values(rows[0], keys), "p") if rows and more_before else None,
        )
    rows = list(qs.order_by(*keys)[: size + 1])
    more_after = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        rows=rows,
        next_cursor=_encode(_values(rows[-1], keys), "n") if rows and more_after else None,
        previous_cursor=_encode(_values(rows[0], keys), "p") if rows and cursor else None,
    )
