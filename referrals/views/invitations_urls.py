"""Pages of the referrals app: invitations and responses, the provider's side, and the
authority's page answering clarification questions (see referrals/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from referrals.views import invitations as v
from referrals.views import invitations_questions as q

urlpatterns: list[URLPattern | URLResolver] = [
    path("invitations/", v.invitation_list, name="invitation-list"),
    path("invitations/<int:pk>/", v.invitation_detail, name="invitation-detail"),
    path("invitations/<int:pk>/decline/", v.invitation_decline_view, name="invitation-decline"),
    path("invitations/<int:pk>/reopen/", v.invitation_reopen_view, name="invitation-reopen"),
    path("invitations/<int:pk>/question/", v.question_ask_view, name="invitation-question"),
    path(
        "invitations/<int:pk>/documents/<int:document_pk>/",
        v.shared_document_download,
        name="invitation-document",
    ),
    path("invitations/responses/<int:pk>/", v.response_edit, name="response-edit"),
    path("invitations/responses/<int:pk>/submit/", v.response_submit_view, name="response-submit"),
    path(
        "invitations/responses/<int:pk>/withdraw/",
        v.response_withdraw_view,
        name="response-withdraw",
    ),
    path(
        "invitations/responses/<int:pk>/resubmit/",
        v.response_resubmit_view,
        name="response-resubmit",
    ),
    path(
        "invitations/responses/<int:pk>/services/",
        v.response_service_add_view,
        name="response-service-add",
    ),
    path(
        "invitations/responses/<int:pk>/services/<int:service_pk>/remove/",
        v.response_service_remove_view,
        name="response-service-remove",
    ),
    path(
        "invitations/responses/<int:pk>/attachments/",
        v.response_attachment_add_view,
        name="response-attachment-add",
    ),
    path(
        "invitations/responses/<int:pk>/attachments/<int:attachment_pk>/",
        v.response_attachment_download,
        name="response-attachment",
    ),
    path(
        "invitations/responses/<int:pk>/attachments/<int:attachment_pk>/remove/",
        v.response_attachment_remove_view,
        name="response-attachment-remove",
    ),
    path("referrals/<int:pk>/questions/", q.referral_questions, name="referral-questions"),
    path(
        "referrals/<int:pk>/questions/<int:question_pk>/",
        q.referral_question_answer,
        name="referral-question-answer",
    ),
]
