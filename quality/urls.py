"""Pages of the quality app: the lead authority's Ofsted imports, the rating alerts (their routes
in `quality.views.alerts_urls`), annual re-checks, suspension proposals and expired evidence."""

from django.urls import include, path

from quality.views import expiry, imports, proposals, rechecks

app_name = "quality"

urlpatterns = [
    path("ofsted-imports/", imports.import_list, name="import-list"),
    path("ofsted-imports/<int:pk>/", imports.import_detail, name="import-detail"),
    path("", include("quality.views.alerts_urls")),
    path("", include("quality.views.concern_urls")),
    # Annual re-checks.
    path("quality/rechecks/", rechecks.recheck_list, name="recheck-list"),
    path("quality/rechecks/<int:pk>/", rechecks.recheck_view, name="recheck"),
    path(
        "quality/rechecks/<int:pk>/items/<int:item_pk>/",
        rechecks.recheck_item_view,
        name="recheck-item",
    ),
    path(
        "quality/rechecks/calendar/<int:pk>/",
        rechecks.recheck_calendar,
        name="recheck-calendar",
    ),
    path("quality/suspension-proposals/", proposals.proposal_list, name="suspension-proposal-list"),
    path(
        "quality/suspension-proposals/<int:pk>/",
        proposals.proposal_view,
        name="suspension-proposal",
    ),
    # Evidence expiry clocks.
    path("quality/expired-evidence/", expiry.lapse_list, name="evidence-lapse-list"),
    path("quality/expired-evidence/<int:pk>/", expiry.lapse_view, name="evidence-lapse"),
]
