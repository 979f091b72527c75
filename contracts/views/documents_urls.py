"""Pages of the contracts app: the Order and the PDFs (see contracts/urls.py)."""

from django.urls import URLPattern, URLResolver, path

from contracts.views import documents

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "agreements/<int:pk>/versions/<int:number>/pdf/",
        documents.agreement_pdf,
        name="agreement-pdf",
    ),
    path(
        "agreements/<int:pk>/versions/<int:number>/signed-pdf/",
        documents.agreement_signed_pdf,
        name="agreement-signed-pdf",
    ),
    path("orders/<int:pk>/", documents.order_detail, name="order"),
    path("orders/<int:pk>/pdf/", documents.order_pdf, name="order-pdf"),
]
