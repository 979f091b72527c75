from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fps_portal.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Read-only: the back office may search the log but never change it."""

    list_display = [
        "occurred_at",
        "actor_label",
        "organisation",
        "verb",
        "object_type",
        "object_repr",
    ]
    list_filter = ["verb", "object_type"]
    search_fields = ["actor_label", "object_repr", "object_id", "request_id", "reason"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
