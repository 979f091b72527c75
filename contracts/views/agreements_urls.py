"""Pages of the contracts app: the agreement (see contracts/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from contracts.views import agreements

urlpatterns: list[URLPattern | URLResolver] = [
    path("agreements/<int:pk>/", agreements.agreement_detail, name="agreement"),
    path(
        "agreements/<int:pk>/versions/<int:number>/",
        agreements.agreement_detail,
        name="agreement-version",
    ),
]
