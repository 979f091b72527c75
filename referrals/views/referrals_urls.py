"""Pages of the referrals app: referrals and their routes (see referrals/urls.py), and the senior
managers' authorisations under /senior/."""

from django.urls import URLPattern, URLResolver, path

from referrals.views import referral_actions as actions
from referrals.views import referral_shortlist as shortlist
from referrals.views import referrals as pages
from referrals.views import referrals_authorisations as routes

urlpatterns: list[URLPattern | URLResolver] = [
    path("referrals/", pages.referral_list_page, name="referral-list"),
    path("referrals/new/", pages.referral_create_page, name="referral-create"),
    path("referrals/<int:pk>/", pages.referral_detail_page, name="referral-detail"),
    path("referrals/<int:pk>/edit/", pages.referral_edit_page, name="referral-edit"),
    path("referrals/<int:pk>/criteria/", pages.referral_criteria_page, name="referral-criteria"),
    path(
        "referrals/<int:pk>/criteria/<int:criterion_pk>/remove/",
        pages.referral_criterion_remove_page,
        name="referral-criterion-remove",
    ),
    path("referrals/<int:pk>/scale/", pages.referral_scale_page, name="referral-scale"),
    path(
        "referrals/<int:pk>/shortlist/",
        shortlist.referral_shortlist_page,
        name="referral-shortlist",
    ),
    path("referrals/<int:pk>/publish/", actions.referral_publish_page, name="referral-publish"),
    path("referrals/<int:pk>/return/", actions.referral_return_page, name="referral-return"),
    path("referrals/<int:pk>/withdraw/", actions.referral_withdraw_page, name="referral-withdraw"),
    path("referrals/<int:pk>/close/", actions.referral_close_page, name="referral-close"),
    path("referrals/<int:pk>/route-case/", routes.route_case_page, name="referral-route-case"),
    path("referrals/<int:pk>/review/", routes.review_page, name="referral-review"),
    path("senior/", routes.authorisation_list_page, name="authorisation-list"),
    path(
        "senior/authorisations/<int:pk>/",
        routes.authorisation_decide_page,
        name="authorisation-decide",
    ),
]
