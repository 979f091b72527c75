"""Modules stay small (docs/architecture.md, "Conventions to copy"): no module of the portal, its
demo or its benchmarks passes MAX_LINES. A module that grows past it splits by what it does
(the referral services show how: the draft, the criteria, the check before publishing, the moves
after drafting), rather than raising the limit. Tests and migrations are not counted: a table of
cases or a generated migration is long by nature.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("fps_portal", "providers", "referrals", "contracts", "quality", "demo", "bench")
MAX_LINES = 500

# module -> why it may pass the limit. Every entry says why; an entry that no longer needs to be
# here fails the test, so the list only shrinks.
ALLOWED: dict[str, str] = {
    "demo/placements/rows.py": "the demo's referral rows: a data table, one entry per referral",
    "demo/large_referrals/generator.py": "the large data set's generator; to split next",
}


def module_lengths() -> dict[str, int]:
    lengths = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" not in relative.parts:
                lengths[relative.as_posix()] = len(path.read_text().splitlines())
    return lengths


def test_the_scan_counts_every_package() -> None:
    lengths = module_lengths()
    for package in PACKAGES:
        assert any(name.startswith(f"{package}/") for name in lengths), package
    assert "referrals/services/referrals.py" in lengths


def test_no_module_passes_the_limit() -> None:
    lengths = module_lengths()
    too_long = sorted(
        f"{name}: {lines} lines"
        for name, lines in lengths.items()
        if lines > MAX_LINES and name not in ALLOWED
    )
    assert not too_long, f"split these modules (limit {MAX_LINES} lines): {too_long}"
    stale = sorted(name for name in ALLOWED if lengths.get(name, 0) <= MAX_LINES)
    assert not stale, f"no longer long, remove from ALLOWED: {stale}"
