"""One row of an Ofsted file → the inspections it publishes, as `JudgementData`, or the refusal.

Every row is read and checked, whether or not its URN is on the FPS: a bad date or grade anywhere
means the file is not what it claims to be, and it is refused with the row, column and value.
Grades are checked against the framework's published values (`providers.inspections.frameworks`)
and kept exactly as published. What is not an inspection is not made one: a block whose
inspection number is blank has no inspection; one whose required grades are missing is skipped and
counted, never stored with invented grades.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from providers.inspections.frameworks import (
    Framework,
    areas_of,
    fold,
    is_blank,
    normalise_category,
)
from providers.inspections.models import JudgementSource
from providers.inspections.services import JudgementData
from quality.imports.formats import Block, BlockKind, find_column
from quality.imports.problems import FileRefused

SKIP_NOT_ON_FPS = "urn_not_on_fps"
SKIP_NO_INSPECTION = "no_inspection"
SKIP_INCOMPLETE = "grades_missing"
SKIP_REASONS: dict[str, str] = {
    SKIP_NOT_ON_FPS: "URN not on the FPS",
    SKIP_NO_INSPECTION: "No inspection in the row",
    SKIP_INCOMPLETE: "Inspection without the grades its framework requires",
}

_NOT_PUBLISHED = frozenset({"", "null", "not applicable", "n/a", "na"})
_NOT_JUDGED = "not judged"
_YES_NO = {"yes": True, "no": False}
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y")


@dataclass(frozen=True)
class Located:
    """A block's columns by position; `grades` maps area key → (position, column name)."""

    block: Block
    number: tuple[int, str]
    start: tuple[int, str] | None
    publication: tuple[int, str] | None
    relates: tuple[int, str] | None
    category: tuple[int, str] | None
    grades: Mapping[str, tuple[int, str]]
    predecessor_urn: tuple[int, str] | None
    opened: tuple[int, str] | None


@dataclass(frozen=True)
class RowInspection:
    """One inspection read from a row, and the column each field came from (for messages)."""

    data: JudgementData
    columns: Mapping[str, str]


def _at(
    index: Mapping[str, int], header: Sequence[str], aliases: tuple[str, ...]
) -> tuple[int, str] | None:
    position = find_column(index, aliases) if aliases else None
    return None if position is None else (position, header[position])


def locate(block: Block, index: Mapping[str, int], header: Sequence[str]) -> Located | None:
    """The block's columns in this header, or None when the file lacks its inspection number."""
    number = _at(index, header, block.number)
    if number is None:
        return None
    return Located(
        block=block,
        number=number,
        start=_at(index, header, block.start),
        publication=_at(index, header, block.publication),
        relates=_at(index, header, block.relates),
        category=_at(index, header, block.category),
        grades={
            key: found
            for key, aliases in block.grades.items()
            if (found := _at(index, header, aliases)) is not None
        },
        predecessor_urn=_at(index, header, block.predecessor_urn),
        opened=_at(index, header, block.opened),
    )


class RowReader:
    """Reads the rows of one file; dates and grades are parsed once per distinct value."""

    def __init__(self, *, source_name: str) -> None:
        self.source_name = source_name
        self._dates: dict[str, datetime.date | None] = {}
        self._grades: dict[tuple[str, str, str], str | None] = {}

    def _cell(self, cells: Sequence[str], where: tuple[int, str] | None) -> str:
        if where is None or where[0] >= len(cells):
            return ""
        return cells[where[0]].strip()

    def _date(self, raw: str, *, row: int, column: str) -> datetime.date | None:
        if raw in self._dates:
            return self._dates[raw]
        parsed: datetime.date | None = None
        if not is_blank(raw):
            for fmt in _DATE_FORMATS:
                try:
                    parsed = datetime.datetime.strptime(raw, fmt).date()
                    break
                except ValueError:
                    continue
            else:
                raise FileRefused(
                    "This is not a date; Ofsted's files write dates as dd/mm/yyyy.",
                    row=row,
                    column=column,
                    value=raw,
                )
        self._dates[raw] = parsed
        return parsed

    def _grade(self, framework: str, key: str, raw: str, *, row: int, column: str) -> str | None:
        cache_key = (framework, key, raw)
        if cache_key in self._grades:
            return self._grades[cache_key]
        area = areas_of(framework)[key]
        value: str | None
        folded = fold(raw)
        if folded in _NOT_PUBLISHED or (area.scale.values == ("Yes", "No") and folded == "9"):
            value = None  # nothing published for this area (9: not applicable)
        else:
            value = area.scale.canonical(raw)
            if value is None:
                expected = ", ".join(area.scale.describe(v) for v in area.scale.values)
                raise FileRefused(
                    f"This is not a grade Ofsted publishes for {area.label}; expected one of: "
                    f"{expected}.",
                    row=row,
                    column=column,
                    value=raw,
                )
        self._grades[cache_key] = value
        return value

    def inspections(
        self, located: Sequence[Located], cells: Sequence[str], *, row: int
    ) -> tuple[list[RowInspection], int]:
        """The row's inspections, and how many blocks were skipped for missing grades."""
        found: list[RowInspection] = []
        incomplete = 0
        for place in located:
            number = self._cell(cells, place.number)
            if is_blank(number):
                continue
            inspection = self._inspection(place, cells, number=number, row=row)
            if inspection is None:
                incomplete += 1
            else:
                found.append(inspection)
        return found, incomplete

    def _framework(self, place: Located, grades: Mapping[str, str]) -> str:
        kind = place.block.kind
        if kind is BlockKind.REPORT_CARD:
            return Framework.OFSTED_REPORT_CARD.value
        if kind is BlockKind.ISS:
            return Framework.OFSTED_ISS.value
        # "Not judged" overall: the EIF without a headline grade (September 2024 to November
        # 2025), whose areas are the EIF's; the 2015-2019 judgements never went without one.
        if fold(grades.get("overall_effectiveness")) == _NOT_JUDGED and set(place.grades) <= set(
            areas_of(Framework.OFSTED_EIF_NO_HEADLINE.value)
        ):
            return Framework.OFSTED_EIF_NO_HEADLINE.value
        return Framework.OFSTED_4POINT.value

    def refuses(self, place: Located, position: int, name: str, raw: str) -> bool:
        """Whether `raw` in this block's column is refused in any row that has the inspection
        (what `copy_scan` asks of each distinct value of a column)."""
        value = raw.strip()
        try:
            if position in {w[0] for w in (place.start, place.publication, place.opened) if w}:
                self._date(value, row=0, column=name)
            elif place.relates is not None and position == place.relates[0]:
                self._yes_no(value, row=0, column=name)
            elif place.category is not None and position == place.category[0]:
                self._category_value(value, row=0, column=name)
            else:
                key = next(k for k, where in place.grades.items() if where[0] == position)
                framework = self._framework(place, {key: value})
                self._grade(framework, key, value, row=0, column=name)
        except FileRefused:
            return True
        return False

    def _inspection(
        self, place: Located, cells: Sequence[str], *, number: str, row: int
    ) -> RowInspection | None:
        columns: dict[str, str] = {"inspection_number": place.number[1]}
        raw_grades = {key: self._cell(cells, where) for key, where in place.grades.items()}
        framework = self._framework(place, raw_grades)
        grades: dict[str, str] = {}
        for key, where in place.grades.items():
            columns[f"grades.{key}"] = where[1]
            value = self._grade(framework, key, raw_grades[key], row=row, column=where[1])
            if value is not None:
                grades[key] = value
        start = self._dated(place.start, cells, row=row, columns=columns, name="start")
        publication = self._dated(
            place.publication, cells, row=row, columns=columns, name="publication"
        )
        category = self._category(place, cells, row=row, columns=columns)
        relates = self._relates(place, cells, start, row=row, columns=columns)
        required = [a.key for a in areas_of(framework).values() if a.required]
        if not grades or start is None or any(key not in grades for key in required):
            return None
        data = JudgementData(
            framework=framework,
            inspection_number=number,
            inspection_start_date=start,
            publication_date=publication,
            grades=grades,
            category_of_concern=category,
            relates_to_current_urn=relates,
            source=JudgementSource.OFSTED_FILE,
            source_reference=f"{self.source_name}, row {row}"[:200],
        )
        return RowInspection(data=data, columns=columns)

    def _dated(
        self,
        where: tuple[int, str] | None,
        cells: Sequence[str],
        *,
        row: int,
        columns: dict[str, str],
        name: str,
    ) -> datetime.date | None:
        if where is None:
            return None
        columns[f"{name}_date" if name == "publication" else "inspection_start_date"] = where[1]
        return self._date(self._cell(cells, where), row=row, column=where[1])

    def _category(
        self, place: Located, cells: Sequence[str], *, row: int, columns: dict[str, str]
    ) -> str:
        if place.category is None:
            return ""
        columns["category_of_concern"] = place.category[1]
        return self._category_value(
            self._cell(cells, place.category), row=row, column=place.category[1]
        )

    def _category_value(self, raw: str, *, row: int, column: str) -> str:
        try:
            return normalise_category(raw)
        except ValueError as exc:
            raise FileRefused(str(exc), row=row, column=column, value=raw) from exc

    def _yes_no(self, raw: str, *, row: int, column: str) -> bool:
        if is_blank(raw):
            return True
        answer = _YES_NO.get(fold(raw))
        if answer is None:
            raise FileRefused("Expected Yes or No.", row=row, column=column, value=raw)
        return answer

    def _relates(
        self,
        place: Located,
        cells: Sequence[str],
        start: datetime.date | None,
        *,
        row: int,
        columns: dict[str, str],
    ) -> bool:
        if place.relates is not None:
            columns["relates_to_current_urn"] = place.relates[1]
            raw = self._cell(cells, place.relates)
            return self._yes_no(raw, row=row, column=place.relates[1])
        predecessor = self._cell(cells, place.predecessor_urn)
        if place.opened is None or is_blank(predecessor) or start is None:
            return True
        opened = self._date(self._cell(cells, place.opened), row=row, column=place.opened[1])
        # Inspected before the school (a converter academy) opened: its predecessor's inspection.
        return opened is None or start >= opened
