"""Pages of concerns and their escalation (see quality/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from quality.views import concerns

urlpatterns: list[URLPattern | URLResolver] = [
    path("quality/concerns/", concerns.concern_list, name="concern-list"),
    path("quality/concerns/new/", concerns.concern_new, name="concern-new"),
    path("quality/concerns/<int:pk>/", concerns.concern_view, name="concern"),
    path("quality/concerns/<int:pk>/record/", concerns.concern_record_view, name="concern-record"),
    path(
        "quality/concerns/<int:pk>/escalate/",
        concerns.concern_escalate_view,
        name="concern-escalate",
    ),
    path("quality/concerns/<int:pk>/close/", concerns.concern_close_view, name="concern-close"),
    path(
        "quality/concern-letters/<int:pk>/",
        concerns.concern_letter_download,
        name="concern-letter",
    ),
]
