from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from demo.guard import DemoDataNotAllowed, require_demo_data_allowed
from demo.steps import DEMO_STEPS
from fps_portal.accounts.models import User


class Command(BaseCommand):
    help = "Load the small demo data set: a user for every role, providers, settings, rounds."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when users exist already."
        )

    def handle(self, *args: Any, if_empty: bool, **options: Any) -> None:
        try:
            require_demo_data_allowed()
        except DemoDataNotAllowed as refused:
            raise CommandError(str(refused)) from refused
        if if_empty and User.objects.exists():
            self.stdout.write("Demo data already loaded; leaving the database as it is.")
            return
        with transaction.atomic():
            for step in DEMO_STEPS:
                step()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
