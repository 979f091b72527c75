"""The Ofsted files the import reads: how each is recognised and where each judgement's fields are.

Headers drift between years and in spacing, so a column is found by any of its known names after
folding (case and runs of whitespace, `frameworks.fold`): `Latest OEIF  safeguarding is
effective?` has two spaces in the state-funded file and one in the independent schools' file.
One row of a file can hold several inspections (a report card and the latest graded inspection
under the older framework; an independent school's graded inspection and its standards
inspection), each a `Block`: its inspection number, dates, whether it relates to the current
school's URN, category of concern and the grade of each area, by the framework's area keys.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from providers.inspections.frameworks import fold


class FileFormat(enum.StrEnum):
    REPORT_CARD = "report_card", "State-funded schools, report cards (from November 2025)"
    EIF = "eif", "State-funded schools, EIF (2019 to August 2025)"
    CIF_2015 = "cif_2015", "State-funded schools, 2015 to 2019"
    INDEPENDENT = "independent", "Non-association independent schools"

    def __new__(cls, value: str, label: str = "") -> FileFormat:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label  # type: ignore[attr-defined]
        return member


class BlockKind(enum.StrEnum):
    REPORT_CARD = "report_card"  # report-card areas: framework ofsted_report_card
    GRADED = "graded"  # 1-4 grades: ofsted_4point, or ofsted_eif_no_headline when "Not judged"
    ISS = "iss"  # Independent School Standards parts: ofsted_iss


Aliases = tuple[str, ...]


@dataclass(frozen=True)
class Block:
    """Where one inspection's fields are, each field a tuple of the names its column goes by."""

    kind: BlockKind
    number: Aliases
    start: Aliases
    publication: Aliases = ()
    relates: Aliases = ()
    category: Aliases = ()
    grades: Mapping[str, Aliases] = field(default_factory=dict)
    # The 2015-2019 files have no "relates to the URN" column: a converter academy carries its
    # predecessor's inspection, known by a predecessor URN and an inspection before it opened.
    predecessor_urn: Aliases = ()
    opened: Aliases = ()


URN: Aliases = ("URN",)

_REPORT_CARD = Block(
    kind=BlockKind.REPORT_CARD,
    number=("Inspection number of latest full inspection",),
    start=("Inspection start date",),
    publication=("Publication date",),
    relates=("Does the latest full inspection relate to the URN of the current school?",),
    category=("Category of concern",),
    grades={
        "safeguarding": ("Safeguarding standards",),
        "inclusion": ("Inclusion",),
        "curriculum_and_teaching": ("Curriculum and teaching",),
        "achievement": ("Achievement",),
        "attendance_and_behaviour": ("Attendance and behaviour",),
        "personal_development_and_wellbeing": ("Personal development and wellbeing",),
        "early_years": ("Early years (where applicable)", "Early years"),
        "post_16": ("Post-16 provision (where applicable)", "Post-16 provision"),
        "leadership_and_governance": ("Leadership and governance",),
    },
)

_LATEST_OEIF = Block(
    kind=BlockKind.GRADED,
    number=("Inspection number of latest OEIF graded inspection",),
    start=("Inspection start date of latest OEIF graded inspection",),
    publication=("Publication date of latest OEIF graded inspection",),
    relates=("Does the latest OEIF graded inspection relate to the URN of the current school?",),
    category=("Latest OEIF category of concern",),
    grades={
        "overall_effectiveness": ("Latest OEIF overall effectiveness",),
        "quality_of_education": ("Latest OEIF quality of education",),
        "behaviour_and_attitudes": ("Latest OEIF behaviour and attitudes",),
        "personal_development": ("Latest OEIF personal development",),
        "effectiveness_of_leadership_and_management": (
            "Latest OEIF effectiveness of leadership and management",
        ),
        "safeguarding_is_effective": ("Latest OEIF safeguarding is effective?",),
        "early_years_provision": ("Latest OEIF early years provision (where applicable)",),
        "sixth_form_provision": ("Latest OEIF sixth form provision (where applicable)",),
    },
)

_EIF_GRADES: dict[str, Aliases] = {
    "overall_effectiveness": ("Overall effectiveness",),
    "quality_of_education": ("Quality of education",),
    "behaviour_and_attitudes": ("Behaviour and attitudes",),
    "personal_development": ("Personal development",),
    "effectiveness_of_leadership_and_management": ("Effectiveness of leadership and management",),
    "safeguarding_is_effective": ("Safeguarding is effective?",),
    "early_years_provision": ("Early years provision (where applicable)",),
    "sixth_form_provision": ("Sixth form provision (where applicable)",),
}

_LATEST_GRADED = Block(
    kind=BlockKind.GRADED,
    number=("Inspection number of latest graded inspection",),
    start=("Inspection start date of latest graded inspection", "Inspection start date"),
    publication=("Publication date of latest graded inspection", "Publication date"),
    relates=("Does the latest graded inspection relate to the URN of the current school?",),
    category=("Category of concern",),
    grades=_EIF_GRADES,
)

_CIF_2015 = Block(
    kind=BlockKind.GRADED,
    number=("Inspection number",),
    start=("Inspection start date",),
    publication=("Publication date",),
    category=("Category of concern",),
    grades={
        "overall_effectiveness": ("Overall effectiveness",),
        "outcomes_for_pupils": ("Outcomes for pupils",),
        "quality_of_teaching_learning_and_assessment": (
            "Quality of teaching, learning and assessment",
        ),
        "effectiveness_of_leadership_and_management": (
            "Effectiveness of leadership and management",
        ),
        "personal_development_behaviour_and_welfare": (
            "Personal development, behaviour and welfare",
        ),
        "early_years_provision": ("Early years provision (where applicable)",),
        "sixteen_to_nineteen_study_programmes": ("16 - 19 study programmes",),
    },
    predecessor_urn=("Predecessor URN",),
    opened=("Provider open date - QA",),
)

_ISS = Block(
    kind=BlockKind.ISS,
    number=("Inspection number of latest REIF standard inspection",),
    start=(
        "Inspection start date of latest REIF standard inspection",
        "Most recent standard inspection: Inspection start date",
    ),
    publication=(
        "Publication date of latest REIF standard inspection",
        "Most recent standard inspection: Publication date",
    ),
    relates=("Does the latest REIF standard inspection relate to the URN of the current school?",),
    grades={
        "overall_compliance": ("Most recent standard inspection: Overall compliance with ISS",),
        **{
            f"part_{n}": (f"Most recent standard inspection: Part {n} overall",)
            for n in range(1, 9)
        },
    },
)

# Recognised by the first signature column found, in this order: the independent schools' file
# also carries the "Latest OEIF" columns, so it is tried before the state-funded current file.
FORMATS: tuple[tuple[FileFormat, Aliases, tuple[Block, ...]], ...] = (
    (FileFormat.INDEPENDENT, _ISS.number + _ISS.grades["overall_compliance"], (_LATEST_OEIF, _ISS)),
    (FileFormat.REPORT_CARD, _REPORT_CARD.number, (_REPORT_CARD, _LATEST_OEIF)),
    (FileFormat.EIF, _LATEST_GRADED.number, (_LATEST_GRADED,)),
    (FileFormat.CIF_2015, _CIF_2015.grades["outcomes_for_pupils"], (_CIF_2015,)),
)


def header_index(header: Sequence[str]) -> dict[str, int]:
    """{folded column name: position}; the first of two columns with the same folded name wins."""
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        index.setdefault(fold(name.lstrip("\ufeff")), position)
    return index


def find_column(index: Mapping[str, int], aliases: Aliases) -> int | None:
    for alias in aliases:
        position = index.get(fold(alias))
        if position is not None:
            return position
    return None


def detect_format(index: Mapping[str, int]) -> tuple[FileFormat, tuple[Block, ...]] | None:
    for file_format, signature, blocks in FORMATS:
        if find_column(index, signature) is not None:
            return file_format, blocks
    return None
