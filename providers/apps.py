from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = "Providers and the FPS"

    def ready(self) -> None:
        from providers import scope_rules  # noqa: F401
        from providers import onboarding_scope_rules, onboarding_web  # noqa: F401
        from providers import directory_ui  # noqa: F401
