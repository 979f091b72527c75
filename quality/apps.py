from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = "Quality assurance"

    def ready(self) -> None:
        # The tasks by name (services queue them by name and may not import them back).
        from quality import imports_web, scope_rules, tasks  # noqa: F401
