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
            monitoring_scope_rules,  # noqa: F401  (quarterly monitoring returns)
            monitoring_tasks,  # noqa: F401  (the monitoring requests and reminders, by name)
            monitoring_ui,  # noqa: F401  (monitoring's navigation entry and dashboard panel)
            plan_scope_rules,  # noqa: F401  (improvement plans, actions, history)
            plan_tasks,  # noqa: F401  (the improvement actions' reminders, by name)
            plans_ui,  # noqa: F401  (the improvement plans' navigation entry and panel)
            recheck_scope_rules,  # noqa: F401  (re-checks, proposals, expired evidence)
            recheck_tasks,  # noqa: F401  (the re-check and expiry jobs, by name)
            scope_rules,  # noqa: F401  (imports and alerts)
            tasks,  # noqa: F401  (the import tasks by name: services queue them by name)
            visit_scope_rules,  # noqa: F401  (QA visits, findings, reports, shared summaries)
            visit_tasks,  # noqa: F401  (the QA visit report's PDF render, by name)
            visits_ui,  # noqa: F401  (the visit programme's navigation entry and panel)
        )
