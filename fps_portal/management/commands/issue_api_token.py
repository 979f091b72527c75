from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fps_portal.accounts.models import User
from fps_portal.accounts.services import api_token_issue
from fps_portal.errors import DomainError


class Command(BaseCommand):
    # For platform operations (a person's own token, e.g. to try the API). Another council's
    # system is an API client its authority administrator registers on the portal (ADR 0015).
    help = (
        "Print a new personal API token for the user with this e-mail (any earlier token is "
        "revoked). Councils' systems use API clients, registered by their authority's "
        "administrator on /account/api-clients/."
    )

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
