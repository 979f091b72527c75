from django.apps import AppConfig


class FpsPortalConfig(AppConfig):
    name = "fps_portal"
    label = "fps_portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        # Importing registers scope rules, dashboard panels and the audit of sign-ins.
        from fps_portal import scope_rules  # noqa: F401
        from fps_portal.web import auth_events, panels  # noqa: F401
