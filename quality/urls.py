"""Pages of the quality app: the lead authority's Ofsted imports, the rating alerts (their routes
in `quality.views.alerts_urls`), annual re-checks, suspension proposals, expired evidence, QA
visits, quarterly monitoring returns and improvement plans."""

from django.urls import include, path

from quality.views import (
    expiry,
    imports,
    improvement_plans,
    monitoring,
    proposals,
    rechecks,
    visits,
)

app_name = "quality"

urlpatterns = [
    path("ofsted-imports/", imports.import_list, name="import-list"),
    path("ofsted-imports/<int:pk>/", imports.import_detail, name="import-detail"),
    path("ofsted-imports/<int:pk>/file/", imports.import_file, name="import-file"),
    path("", include("quality.views.alerts_urls")),
    path("", include("quality.views.concern_urls")),
    # Annual re-checks.
    path("quality/rechecks/", rechecks.recheck_list, name="recheck-list"),
    path("quality/rechecks/<int:pk>/", rechecks.recheck_view, name="recheck"),
    path("quality/rechecks/<int:pk>/add/", rechecks.recheck_add, name="recheck-add"),
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
    # Quarterly contract monitoring.
    path("quality/monitoring/", monitoring.return_list, name="monitoring-return-list"),
    path("quality/monitoring/<int:pk>/", monitoring.return_view, name="monitoring-return"),
    path(
        "quality/monitoring/<int:pk>/figures/",
        monitoring.return_figures,
        name="monitoring-return-figures",
    ),
    path(
        "quality/monitoring/<int:pk>/review/",
        monitoring.return_review,
        name="monitoring-return-review",
    ),
    path(
        "quality/monitoring/settings/<int:pk>/",
        monitoring.setting_trend_view,
        name="monitoring-setting",
    ),
    # Evidence expiry clocks.
    path("quality/expired-evidence/", expiry.lapse_list, name="evidence-lapse-list"),
    path("quality/expired-evidence/<int:pk>/", expiry.lapse_view, name="evidence-lapse"),
    # QA visits (issue 14).
    path("quality/visit-programme/", visits.visit_programme, name="visit-programme"),
    path("quality/visits/", visits.visit_list, name="visit-list"),
    path("quality/visits/new/", visits.visit_new, name="visit-new"),
    path("quality/visits/<int:pk>/", visits.visit_view, name="visit"),
    path("quality/visits/<int:pk>/complete/", visits.visit_complete_view, name="visit-complete"),
    path("quality/visits/<int:pk>/report.pdf", visits.visit_report_pdf, name="visit-report"),
    path("quality/visit-summaries/", visits.visit_summary_list, name="visit-summary-list"),
    # Improvement plans (branch qaplan).
    path(
        "quality/improvement-plans/",
        improvement_plans.plan_list,
        name="improvement-plan-list",
    ),
    path(
        "quality/improvement-plans/new/",
        improvement_plans.plan_new,
        name="improvement-plan-new",
    ),
    path(
        "quality/improvement-plans/<int:pk>/",
        improvement_plans.plan_view,
        name="improvement-plan",
    ),
    path(
        "quality/improvement-plans/<int:pk>/actions/new/",
        improvement_plans.action_new,
        name="improvement-action-new",
    ),
    path(
        "quality/improvement-plans/<int:pk>/actions/<int:action_pk>/",
        improvement_plans.action_view,
        name="improvement-action",
    ),
    path(
        "quality/improvement-plans/<int:pk>/actions/<int:action_pk>/evidence/",
        improvement_plans.action_evidence,
        name="improvement-action-evidence",
    ),
]
