"""Pages of the referrals app. Each part (the child's record, referrals and their routes,
invitations and responses, evaluation and award) keeps its routes in its own module."""

from django.urls import include, path

app_name = "referrals"

urlpatterns = [
    path("", include("referrals.views.children_urls")),
    path("", include("referrals.views.referrals_urls")),
    path("", include("referrals.views.invitations_urls")),
    path("", include("referrals.views.awards_urls")),
]
