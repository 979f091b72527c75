"""manage.py import_ofsted FILE...: imports Ofsted's management information files now, in this
process, one transaction per file, and prints each file's report (or why it was refused)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fps_portal.errors import DomainError
from quality.imports.accepting import inspection_import_accept
from quality.imports.report import report_text
from quality.imports.running import inspection_import_run
from quality.models import ImportOrigin, ImportStatus


class Command(BaseCommand):
    help = (
        "Import Ofsted's inspections files (CSV or XLSX, state-funded or independent schools); "
        "a file already imported (by its SHA-256) is not imported again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        refused = 0
        for path in options["files"]:
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
            try:
                job = inspection_import_accept(
                    actor=None,
                    raw=path.read_bytes(),
                    name=path.name,
                    origin=ImportOrigin.COMMAND,
                    queue=False,
                )
            except DomainError as exc:
                self.stdout.write(f"{path.name}: not imported. {exc.message}")
                continue
            job = inspection_import_run(import_id=job.pk)
            if job.status == ImportStatus.REFUSED:
                refused += 1
                self.stderr.write(f"{path.name}: refused. {report_text(job)}")
            else:
                self.stdout.write(f"{path.name}: imported. {report_text(job)}")
        if refused:
            raise CommandError(f"{refused} file(s) refused; nothing of them was written.")
