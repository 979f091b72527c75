from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = "Quality assurance"

    def ready(self) -> None:
        from quality import (
            alerts_ui,  # noqa: F401  (the alerts' navigation entry and dashboard panels)
            concern_scope_rules,  # noqa: F401  (concerns, their stages, entries and letters)
            concern_tasks,  # noqa: F401  (the escalation job and the letter's render, by name)
            concerns_ui,  # noqa: F401  (the concerns' navigation entry and dashboard panel)
            imports_web,  # noqa: F401  (the Ofsted imports' navigation entry)
            recheck_scope_rules,  # noqa: F401  (re-checks, proposals, expired evidence)
            recheck_tasks,  # noqa: F401  (the re-check and expiry jobs, by name)
            scope_rules,  # noqa: F401  (imports and alerts)
            tasks,  # noqa: F401  (the import tasks by name: services queue them by name)
        )
