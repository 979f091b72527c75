"""Pages of the quality app: the lead authority's Ofsted imports, and the rating alerts (their
routes in `quality.views.alerts_urls`)."""

from django.urls import include, path

from quality.views import imports

app_name = "quality"

urlpatterns = [
    path("ofsted-imports/", imports.import_list, name="import-list"),
    path("ofsted-imports/<int:pk>/", imports.import_detail, name="import-detail"),
    path("", include("quality.views.alerts_urls")),
]
