"""The Ofsted imports the gates' worlds hold (the authorisation matrix, the API tables, the
accessibility gate): one imported, one refused, one still queued. Each is made as the command
makes it; none matches a setting (no URN of these files is the worlds')."""

from __future__ import annotations

from fps_portal.scoping import dangerously_unscoped
from quality.imports.accepting import inspection_import_accept
from quality.imports.running import inspection_import_run
from quality.models import InspectionImport
from tests.quality.imports_world import EIF, INDEPENDENT, REPORT_CARDS, changed


def build_imports() -> dict[str, int]:
    def sent(raw: bytes, name: str, *, run: bool = True) -> int:
        existing = dangerously_unscoped(InspectionImport).filter(original_name=name).first()
        if existing is not None:
            return existing.pk
        job = inspection_import_accept(
            actor=None, raw=raw, name=name, origin="command", queue=False
        )
        return inspection_import_run(import_id=job.pk).pk if run else job.pk

    return {
        "done": sent(REPORT_CARDS.read_bytes(), "state_funded_report_cards.csv"),
        "refused": sent(changed(EIF, 3, "Overall effectiveness", "7"), "refused.csv"),
        "queued": sent(INDEPENDENT.read_bytes(), "independent_schools.csv", run=False),
    }
