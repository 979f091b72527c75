"""Routes of the onboarding pages (under the `providers` namespace)."""

from django.urls import path

from providers.views.directory import removal
from providers.views.onboarding import (
    account,
    after_submission,
    agreement,
    applications,
    config,
    evaluation,
    window_corrections,
)

urlpatterns = [
    # Providers
    path("onboarding/register/", account.register, name="register"),
    path("onboarding/register/sent/", account.register_sent, name="register-sent"),
    path(
        "onboarding/register/confirm/<str:token>/",
        account.register_confirm,
        name="register-confirm",
    ),
    path("onboarding/colleagues/", account.colleagues, name="colleagues"),
    path("onboarding/evidence/", account.evidence_list, name="evidence-list"),
    path("onboarding/evidence/new/", account.evidence_upload, name="evidence-upload"),
    path(
        "onboarding/evidence/<int:pk>/remove/",
        removal.evidence_remove_view,
        name="evidence-remove",
    ),
    path(
        "onboarding/evidence/<int:pk>/download/",
        account.evidence_download,
        name="evidence-download",
    ),
    path(
        "onboarding/settings/<int:pk>/overview/", account.setting_overview, name="setting-overview"
    ),
    path("onboarding/applications/", applications.application_list, name="application-list"),
    path(
        "onboarding/applications/<int:pk>/",
        applications.application_detail,
        name="application-detail",
    ),
    path(
        "onboarding/applications/<int:pk>/lots/",
        applications.application_scope,
        name="application-scope",
    ),
    path(
        "onboarding/applications/<int:pk>/evidence/",
        applications.application_evidence,
        name="application-evidence",
    ),
    path(
        "onboarding/applications/<int:pk>/prices/",
        applications.application_prices,
        name="application-prices",
    ),
    path(
        "onboarding/applications/<int:pk>/services/",
        applications.application_services,
        name="application-services",
    ),
    path(
        "onboarding/applications/<int:pk>/declarations/",
        applications.application_declarations,
        name="application-declarations",
    ),
    path(
        "onboarding/applications/<int:pk>/submit/",
        applications.application_submit_view,
        name="application-submit",
    ),
    path(
        "onboarding/applications/<int:pk>/withdraw/",
        applications.application_withdraw_view,
        name="application-withdraw",
    ),
    path(
        "onboarding/applications/<int:pk>/agreement/",
        after_submission.agreement_sign_view,
        name="agreement-sign",
    ),
    path(
        "onboarding/clarifications/",
        after_submission.clarification_list,
        name="clarification-list",
    ),
    path(
        "onboarding/clarifications/<int:pk>/",
        after_submission.clarification_answer_view,
        name="clarification-answer",
    ),
    path(
        "onboarding/agreements/<int:pk>/download/",
        agreement.agreement_document_download,
        name="agreement-document-download",
    ),
    path("onboarding/membership/", after_submission.membership_status, name="membership-status"),
    # Lead authority
    path("fps/", config.fps_manage, name="fps-manage"),
    path("fps/new/", config.fps_edit, name="fps-create"),
    path("fps/<int:pk>/edit/", config.fps_edit, name="fps-edit"),
    path("fps/<int:pk>/agreement/", agreement.agreement_documents, name="agreement-documents"),
    path("fps/<int:pk>/lots/new/", config.lot_create_view, name="lot-create"),
    path("fps/windows/", config.window_list, name="window-list"),
    path("fps/windows/new/", config.window_create, name="window-create"),
    path("fps/windows/<int:pk>/", config.window_detail, name="window-detail"),
    path("fps/windows/<int:pk>/complete/", config.window_complete_view, name="window-complete"),
    path(
        "fps/windows/<int:pk>/change/",
        window_corrections.window_reschedule_view,
        name="window-reschedule",
    ),
    path(
        "fps/windows/<int:pk>/cancel/", window_corrections.window_cancel_view, name="window-cancel"
    ),
    path(
        "fps/windows/<int:pk>/open-now/",
        window_corrections.window_open_now_view,
        name="window-open-now",
    ),
    path(
        "fps/windows/<int:pk>/close-early/",
        window_corrections.window_close_early_view,
        name="window-close-early",
    ),
    path("fps/applications/", evaluation.application_queue, name="application-queue"),
    path("fps/applications/<int:pk>/", evaluation.evaluation_detail, name="evaluation-detail"),
    path(
        "fps/applications/<int:pk>/evaluate/",
        evaluation.evaluation_record_view,
        name="evaluation-record",
    ),
    path("fps/applications/<int:pk>/moderate/", evaluation.moderation_view, name="moderation"),
    path(
        "fps/applications/<int:pk>/clarify/",
        evaluation.clarification_ask_view,
        name="clarification-ask",
    ),
    path(
        "fps/clarifications/<int:pk>/withdraw/",
        evaluation.clarification_withdraw_view,
        name="clarification-withdraw",
    ),
    path("fps/memberships/", evaluation.membership_list, name="membership-list"),
    path(
        "fps/memberships/<int:pk>/change/",
        evaluation.membership_change_view,
        name="membership-change",
    ),
]
