from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "fps_portal.audit"
    label = "audit"
    verbose_name = "Audit log"
