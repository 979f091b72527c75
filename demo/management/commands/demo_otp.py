from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP

from demo.guard import DemoDataNotAllowed, require_demo_data_allowed
from demo.people import enrol_demo_app
from fps_portal.accounts.models import User
from fps_portal.demo_accounts import DEMO_ACCOUNTS


class Command(BaseCommand):
    help = (
        "Print the current sign-in code of a demo account (the demo's shared authenticator key), "
        "setting the key up first if the account has no app yet. Demo accounts only, and only "
        "where the settings allow demo data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        try:
            require_demo_data_allowed()
        except DemoDataNotAllowed as refused:
            raise CommandError(str(refused)) from refused
        email = email.strip().lower()
        if email not in {account.email for account in DEMO_ACCOUNTS}:
            raise CommandError(f"{email} is not one of the demo accounts.")
        user = User.objects.filter(email=email).first()
        if user is None:
            raise CommandError(f"{email} is not loaded yet: run `make run` or load_demo_data.")
        device = enrol_demo_app(user)
        if device is None:
            raise CommandError(f"{email} signs in with a password only; no code is needed.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        left = device.step - int(totp.time - device.t0) % device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}")
        self.stderr.write(f"(valid for {left} more seconds; each code signs in once)")
