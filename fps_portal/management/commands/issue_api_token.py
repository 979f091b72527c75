from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fps_portal.accounts.models import User
from fps_portal.accounts.services import api_token_issue
from fps_portal.errors import DomainError


class Command(BaseCommand):
    help = "Print a new API token for the user with this e-mail (any earlier token is revoked)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        try:
            user = User.objects.get(email=email.strip().lower())
        except User.DoesNotExist as exc:
            raise CommandError(f"No user has the e-mail address {email}.") from exc
        try:
            token = api_token_issue(actor=None, user=user)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(token.key)
