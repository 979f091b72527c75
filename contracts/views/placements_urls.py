"""Pages of the placements list and its export (see contracts/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from contracts.views import placements, placements_export

urlpatterns: list[URLPattern | URLResolver] = [
    path("placements/", placements.placement_list, name="placements"),
    path("placements/export/", placements_export.placement_export, name="placements-export"),
]
