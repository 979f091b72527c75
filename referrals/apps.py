from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals and competitions"

    def ready(self) -> None:
        from referrals import (  # noqa: F401
            children_web,
            invitations_web,
            referrals_ui,
            route_tasks,
            scope_rules,
        )
