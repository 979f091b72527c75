"""Rows a drafting form adds and removes without JavaScript (additional services, costs for the
child, funding shares): each row's boxes are fields of the one form, so the error summary and
the field messages work as for any other field. A blank row is ignored; a row with its
"Remove" box ticked is dropped when the form is saved; "Add another" (a submit button named
`add`) shows the same answers again with one more blank row, saving and checking nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.forms.utils import ErrorDict

MAX_ROWS = 20

FieldMaker = Callable[[str], forms.Field]


@dataclass(frozen=True)
class RowSet:
    prefix: str
    noun: str  # "service": labels read "Service 1: name"
    parts: tuple[tuple[str, str, FieldMaker], ...]  # (name, what is missing, make(label))


class RowsForm(forms.Form):
    row_sets: tuple[RowSet, ...] = ()

    def __init__(
        self,
        *args: Any,
        rows: dict[str, list[dict[str, Any]]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.row_counts: dict[str, int] = {}
        for row_set in self.row_sets:
            count_name = f"{row_set.prefix}_rows"
            if self.is_bound:
                try:
                    count = int(self.data.get(count_name) or 0)
                except ValueError:
                    count = 0
            else:
                existing = (rows or {}).get(row_set.prefix, [])
                for index, row in enumerate(existing):
                    for name, value in row.items():
                        self.initial[f"{row_set.prefix}_{index}_{name}"] = value
                count = len(existing) + (0 if existing else 1)
            count = max(0, min(count, MAX_ROWS))
            self.row_counts[row_set.prefix] = count
            self.fields[count_name] = forms.IntegerField(widget=forms.HiddenInput, required=False)
            self.initial[count_name] = count
            noun = row_set.noun[:1].upper() + row_set.noun[1:]
            for index in range(count):
                for name, _, make in row_set.parts:
                    self.fields[f"{row_set.prefix}_{index}_{name}"] = make(f"{noun} {index + 1}: ")
                self.fields[f"{row_set.prefix}_{index}_remove"] = forms.BooleanField(
                    label=f"Remove {row_set.noun} {index + 1}", required=False
                )

    def shown_unchecked(self) -> None:
        """Show the posted answers as they are, without checking them ("Add another")."""
        self._errors = ErrorDict()

    @property
    def row_fields(self) -> dict[str, list[list[forms.BoundField]]]:
        return {row_set.prefix: self.bound_rows(row_set.prefix) for row_set in self.row_sets}

    def bound_rows(self, prefix: str) -> list[list[forms.BoundField]]:
        row_set = next(r for r in self.row_sets if r.prefix == prefix)
        return [
            [self[f"{prefix}_{index}_{name}"] for name, _, _ in row_set.parts]
            + [self[f"{prefix}_{index}_remove"]]
            for index in range(self.row_counts[prefix])
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for row_set in self.row_sets:
            for index in range(self.row_counts[row_set.prefix]):
                if cleaned.get(f"{row_set.prefix}_{index}_remove"):
                    continue
                names = [f"{row_set.prefix}_{index}_{name}" for name, _, _ in row_set.parts]
                if all(_blank(self.data.get(self.add_prefix(n))) for n in names):
                    continue
                for (_, missing, _), name in zip(row_set.parts, names, strict=True):
                    if name not in self.errors and _blank(cleaned.get(name)):
                        self.add_error(name, f"Enter {missing} of {row_set.noun} {index + 1}.")
        return cleaned

    def rows_of(self, prefix: str) -> list[dict[str, Any]]:
        """The kept rows' cleaned values, blank and removed rows left out."""
        row_set = next(r for r in self.row_sets if r.prefix == prefix)
        kept = []
        for index in range(self.row_counts[prefix]):
            if self.cleaned_data.get(f"{prefix}_{index}_remove"):
                continue
            row = {
                name: self.cleaned_data.get(f"{prefix}_{index}_{name}")
                for name, _, _ in row_set.parts
            }
            if all(_blank(value) for value in row.values()):
                continue
            kept.append(row)
        return kept


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
