from django.urls import path

from quality.views import expiry, proposals, rechecks

app_name = "quality"

urlpatterns = [
    # Annual re-checks (branch recheck).
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
    # Evidence expiry clocks (branch recheck).
    path("quality/expired-evidence/", expiry.lapse_list, name="evidence-lapse-list"),
    path("quality/expired-evidence/<int:pk>/", expiry.lapse_view, name="evidence-lapse"),
]
