"""Pages of variations, regional uplifts and the end of a placement (see contracts/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from contracts.views import endings, uplifts, variations

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "agreements/<int:pk>/variations/uplift/",
        variations.propose_uplift,
        name="variation-uplift",
    ),
    path(
        "agreements/<int:pk>/variations/provision/",
        variations.propose_provision,
        name="variation-provision",
    ),
    path(
        "agreements/<int:pk>/variations/end-date/",
        variations.propose_end_date,
        name="variation-end-date",
    ),
    path("variations/<int:pk>/refuse/", variations.refuse, name="variation-refuse"),
    path("variations/<int:pk>/withdraw/", variations.withdraw, name="variation-withdraw"),
    path("agreements/<int:pk>/end/", endings.placement_end, name="placement-end"),
    path("regional-uplifts/", uplifts.uplift_list, name="regional-uplifts"),
    path("regional-uplifts/new/", uplifts.uplift_publish, name="regional-uplift-publish"),
    path("regional-uplifts/<int:pk>/apply/", uplifts.uplift_apply, name="regional-uplift-apply"),
]
