from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = "Quality assurance"

    def ready(self) -> None:
        from quality import scope_rules  # noqa: F401
