from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = "Providers and the FPS"

    def ready(self) -> None:
        from providers import scope_rules  # noqa: F401
