from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from fps_portal.health import healthz
from fps_portal.web import api_clients, people, second_factor, views
from fps_portal.web.forms import GovukSetPasswordForm
from fps_portal.web.sign_in import LimitedPasswordResetView, SignInView

# The back office is fps_portal.accounts.admin_site.BackOfficeSite (django-otp's OTPAdminSite).

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification-open"),
    path("account/organisation/", views.switch_membership, name="switch-membership"),
    # The authority administrator's pages (ADR 0015).
    path("account/people/", people.people_list, name="people-list"),
    path("account/people/invite/", people.people_invite, name="people-invite"),
    path("account/people/<int:pk>/", people.people_detail, name="people-detail"),
    path("account/people/<int:pk>/give-role/", people.people_give_role, name="people-give-role"),
    path("account/people/<int:pk>/deactivate/", people.people_deactivate, name="people-deactivate"),
    path(
        "account/people/roles/<int:pk>/remove/",
        people.people_role_remove,
        name="people-role-remove",
    ),
    path(
        "account/people/roles/<int:pk>/senior-position/",
        people.people_senior_position,
        name="people-senior-position",
    ),
    path("account/api-clients/", api_clients.api_client_list, name="api-client-list"),
    path("account/api-clients/new/", api_clients.api_client_new, name="api-client-new"),
    path("account/api-clients/<int:pk>/", api_clients.api_client_detail, name="api-client-detail"),
    path(
        "account/api-clients/<int:pk>/credential/",
        api_clients.api_client_credential,
        name="api-client-credential",
    ),
    path(
        "account/api-clients/<int:pk>/rotate/",
        api_clients.api_client_rotate_page,
        name="api-client-rotate",
    ),
    path(
        "account/api-clients/<int:pk>/revoke/",
        api_clients.api_client_revoke_page,
        name="api-client-revoke",
    ),
    path("accessibility/", views.static_page("pages/accessibility.html"), name="accessibility"),
    path("privacy/", views.static_page("pages/privacy.html"), name="privacy"),
    path("account/sign-in/", SignInView.as_view(), name="login"),
    path("account/sign-in/code/", second_factor.verify, name="mfa-verify"),
    path("account/sign-in/recovery-code/", second_factor.recovery, name="mfa-recovery"),
    path("account/set-up-authenticator/", second_factor.enrol, name="mfa-enrol"),
    path("account/recovery-codes/", second_factor.recovery_codes, name="mfa-recovery-codes"),
    path("account/sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "account/password-reset/",
        LimitedPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "account/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "account/password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=GovukSetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "account/password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("healthz", healthz, name="healthz"),
    # The composition root: each app's routes are included by name, so no app imports another.
    path("api/v1/", include("fps_portal.api_urls")),
    path("api/v1/", include("providers.api_urls")),
    path("api/v1/", include("referrals.api_urls")),
    path("api/v1/", include("contracts.api_urls")),
    path("api/v1/", include("quality.api_urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script from this URL rather than inline (strict CSP),
    # drawn inside the service's layout (pages/api_docs.html). Swagger UI sets style attributes
    # from its own script; only this page allows inline styles.
    path(
        "api/v1/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(
                url_name="api-schema", template_name="pages/api_docs.html"
            )
        ),
        name="api-docs",
    ),
    path("back-office/", admin.site.urls),
    path("", include("providers.urls")),
    path("", include("referrals.urls")),
    path("", include("contracts.urls")),
    path("", include("quality.urls")),
]

# Under /api/ what Django answers itself (no route, a bad request, an unhandled exception) is
# still the API's error shape in JSON; the pages keep their templates.
handler400 = "fps_portal.api.errors.bad_request"
handler403 = "fps_portal.api.errors.permission_denied"
handler404 = "fps_portal.api.errors.page_not_found"
handler500 = "fps_portal.api.errors.server_error"
