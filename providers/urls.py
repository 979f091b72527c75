"""Pages of the providers app. Onboarding (windows, applications, evaluation, membership) and the
directory (settings, search, forum views) keep their routes in their own modules."""

from django.urls import include, path

app_name = "providers"

urlpatterns = [
    path("", include("providers.views.onboarding_urls")),
    path("", include("providers.views.directory_urls")),
]
