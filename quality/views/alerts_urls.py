"""Pages of the rating alerts and the lead authority's decisions (see quality/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from quality.views import alerts, decisions

urlpatterns: list[URLPattern | URLResolver] = [
    path("quality/alerts/", alerts.alert_list, name="alert-list"),
    path("quality/alerts/<int:pk>/", alerts.alert_detail, name="alert"),
    path(
        "quality/alerts/<int:pk>/acknowledge/",
        alerts.alert_acknowledge_page,
        name="alert-acknowledge",
    ),
    path("quality/decisions/", decisions.decision_list, name="decision-list"),
    path("quality/decisions/<int:pk>/", decisions.decision_page, name="decision"),
]
