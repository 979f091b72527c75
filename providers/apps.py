from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = "Providers and the FPS"

    def ready(self) -> None:
        from providers import (  # noqa: F401
            directory_ui,
            onboarding_scope_rules,
            onboarding_web,
            scope_rules,
        )
        from providers.services import search_fields  # noqa: F401  (signal receivers)
