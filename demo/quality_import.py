"""The demo's Ofsted import (issue 13): November's state-funded schools file, uploaded by the lead
evaluator and run through the import services, as the Ofsted imports page and its worker do.

`data/ofsted_state_funded_schools_november_2026.csv` is Ofsted's "most recent inspections"
management information in its current report-card format (the full published header, Windows-1252,
dd/mm/yyyy, `NULL`), three rows of Sefton schools:

- Mersey Vale School (URN 149911), where Sefton's SEF-2026-0005 is active: its report card
  inspection of 13 October 2026 (published 17 November) has safeguarding not met, leadership and
  governance urgent improvement and special measures, so its band falls from pass (Good in January
  2025, on file from the directory) to fail. Its OEIF columns are NULL: were they to repeat that
  January 2025 inspection with Ofsted's full grades, the directory's next load would put the
  demo's shorter grades back, and loading twice would change something.
- Hatton Hill Park School and St Teresa's Catholic Primary School: not FPS settings, counted and
  skipped.

What the alerts do with it is the portal's own: Sefton's senior managers in the alerted posts
(the DCS, the head of service for commissioning, the commissioning service manager) and the lead
authority's evaluators are told, in-app and by e-mail; nobody has acknowledged; the lead
authority's decision is pending and Mersey Vale School is under review. Blackpool places no child
there now, so it is not told.

Idempotent: the same file (its SHA-256) is imported once, so a second load changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from demo.guard import require_demo_data_allowed
from fps_portal.accounts.models import User
from fps_portal.actors import actor_for_user
from fps_portal.scoping import dangerously_unscoped
from providers.inspections.models import CheckStatus
from providers.models import Setting
from quality.imports.accepting import inspection_import_accept, sha256_of
from quality.imports.running import inspection_import_run
from quality.models import ImportOrigin, InspectionImport

OFSTED_FILE = (
    Path(__file__).resolve().parent / "data" / "ofsted_state_funded_schools_november_2026.csv"
)
#: The setting whose band the file lowers, and its URN in the demo directory (demo/directory.py).
LOWERED_SETTING = "Mersey Vale School"
LOWERED_URN = "149911"
UPLOADED_BY = "lead@cheshireeast.example"


def demo_import_done() -> bool:
    return (
        dangerously_unscoped(InspectionImport)
        .filter(sha256=sha256_of(OFSTED_FILE.read_bytes()))
        .exists()
    )


@transaction.atomic
def load_ofsted_import() -> InspectionImport | None:
    require_demo_data_allowed()
    if demo_import_done():
        return None
    setting = Setting.objects.get(name=LOWERED_SETTING)
    # The directory gives it its URN and a Good inspection of January 2025; the file is matched
    # by that URN and lowers the band from that earlier pass.
    assert setting.urn == LOWERED_URN, setting.urn
    assert setting.judgements.filter(check_status=CheckStatus.CONFIRMED).exists()
    evaluator = actor_for_user(User.objects.get(email=UPLOADED_BY))
    assert evaluator is not None
    job = inspection_import_accept(
        actor=evaluator,
        raw=OFSTED_FILE.read_bytes(),
        name=OFSTED_FILE.name,
        origin=ImportOrigin.UPLOAD,
        queue=False,  # run here, in the loader's transaction, not by a worker after it
    )
    return inspection_import_run(import_id=job.pk)
