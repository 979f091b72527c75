"""Pages of the quality app. Each part keeps its routes in its own module."""

from django.urls import include, path

app_name = "quality"

urlpatterns = [
    path("", include("quality.views.alerts_urls")),
]
