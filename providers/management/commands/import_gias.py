"""manage.py import_gias <csv>: loads a GIAS extract, used to pre-fill new settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fps_portal.errors import InvalidInput
from providers.services.gias import gias_import_file


class Command(BaseCommand):
    help = "Load or refresh GIAS rows by URN from a CSV extract (UTF-8 or Windows-1252)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["csv"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            result = gias_import_file(path)
        except InvalidInput as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"GIAS: {result.created} added, {result.updated} updated, "
            f"{result.skipped} skipped from {path.name}."
        )
