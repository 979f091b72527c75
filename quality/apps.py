from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = "Quality assurance"

    def ready(self) -> None:
        from quality import (
            alerts_ui,  # noqa: F401  (the alerts' navigation entry and dashboard panels)
            imports_web,  # noqa: F401  (the Ofsted imports' navigation entry)
            scope_rules,  # noqa: F401  (registers the scope rules)
            tasks,  # noqa: F401  (the tasks by name: services queue them by name)
        )
