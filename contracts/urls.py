"""Pages of the contracts app. Each part (the agreement and its signing, its documents, its
variations and end, the placements lists) keeps its routes in its own module."""

from django.urls import include, path

app_name = "contracts"

urlpatterns = [
    path("", include("contracts.views.agreements_urls")),
    path("", include("contracts.views.documents_urls")),
    path("", include("contracts.views.signing_urls")),
    path("", include("contracts.views.changes_urls")),
    path("", include("contracts.views.placements_urls")),
]
