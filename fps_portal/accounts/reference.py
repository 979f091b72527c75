"""Reference data for authorities: which English authorities make up the North West region."""

import csv
from pathlib import Path

CODES_CSV = Path(__file__).resolve().parent / "data" / "EnglishLaNameCodes.csv"
LEAD_AUTHORITY_ONS_CODE = "E06000049"  # Cheshire East leads the North West FPS.

# The GIAS file has no region column, so the 24 current North West authorities are named here by
# ONS code (Cumberland and Westmorland and Furness replaced Cumbria in April 2023).
NORTH_WEST_ONS_CODES = frozenset(
    {
        "E06000008",
        "E06000009",
        "E08000001",
        "E08000002",
        "E06000049",
        "E06000050",
        "E06000063",
        "E06000006",
        "E08000011",
        "E10000017",
        "E08000012",
        "E08000003",
        "E08000004",
        "E08000005",
        "E08000006",
        "E08000014",
        "E08000013",
        "E08000007",
        "E08000008",
        "E08000009",
        "E06000007",
        "E06000064",
        "E08000010",
        "E08000015",
    }
)


def north_west_authority_rows(path: Path = CODES_CSV) -> list[dict[str, str]]:
    """Name, DfE code and ONS code of each current North West authority, in file order."""
    rows = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        next(reader)
        for name, dfe_code, ons_code in reader:
            if ons_code in NORTH_WEST_ONS_CODES and not name.lower().startswith("pre"):
                rows.append({"name": name, "dfe_code": dfe_code, "ons_code": ons_code})
    return rows
