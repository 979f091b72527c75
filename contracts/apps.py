from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "Orders and placement agreements"

    def ready(self) -> None:
        from contracts import (
            scope_rules,  # noqa: F401  (registers the scope rules)
            signing_ui,  # noqa: F401  (signing's nav entry and panels)
        )
