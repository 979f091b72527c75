from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "Orders and placement agreements"

    def ready(self) -> None:
        from contracts import (
            changes_web,  # noqa: F401  (the regional uplifts' navigation)
            ending_tasks,  # noqa: F401  (registers the placement-end jobs)
            placements_web,  # noqa: F401  (the placements list's nav entry)
            scope_rules,  # noqa: F401  (registers the scope rules)
            signing_ui,  # noqa: F401  (signing's nav entry and panels)
        )
        from contracts import tasks as _tasks  # noqa: F401  (the PDF tasks the services queue)
