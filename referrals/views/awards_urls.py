"""Pages of the referrals app: evaluation and award (see referrals/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from referrals.views import awards, awards_provider, awards_senior

urlpatterns: list[URLPattern | URLResolver] = [
    path("referrals/<int:pk>/evaluation/", awards.evaluation, name="evaluation"),
    path("referrals/responses/<int:pk>/marks/", awards.response_marks, name="response-marks"),
    path("referrals/responses/<int:pk>/award/", awards.award_create, name="award-create"),
    path(
        "referrals/<int:pk>/no-suitable-provider/",
        awards.no_suitable_provider,
        name="no-suitable-provider",
    ),
    path("referrals/<int:pk>/rerun/", awards.rerun, name="rerun"),
    path("referrals/awards/<int:pk>/", awards.award_detail, name="award-detail"),
    path("referrals/awards/<int:pk>/risk/documents/", awards.risk_documents, name="risk-documents"),
    path("referrals/awards/<int:pk>/risk/approach/", awards.risk_approach, name="risk-approach"),
    path("senior/awards/", awards_senior.award_approvals, name="award-approvals"),
    path("senior/awards/<int:pk>/approval/", awards_senior.award_approval, name="award-approval"),
    path(
        "senior/awards/<int:pk>/sign-off/", awards_senior.risk_sign_off_page, name="risk-sign-off"
    ),
    path(
        "invitations/awarded/",
        awards_provider.awarded_placement_list,
        name="awarded-placement-list",
    ),
    path(
        "invitations/awarded/<int:pk>/",
        awards_provider.awarded_placement,
        name="awarded-placement",
    ),
    path(
        "invitations/awarded/documents/<int:pk>/",
        awards_provider.awarded_document,
        name="awarded-document",
    ),
    path(
        "invitations/<int:pk>/outcome/",
        awards_provider.invitation_outcome,
        name="invitation-outcome",
    ),
]
