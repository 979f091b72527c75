"""The published versions of each purchasing system's agreement, for whoever may read them (the
scope rule: providers, authorities and the lead authority). Signing is
`POST /applications/{id}/agreement/`, which records the current version."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from rest_framework import serializers

from fps_portal.access import AUTHORITIES, PROVIDERS, either, roles
from fps_portal.accounts.models import Role
from fps_portal.api.base import ScopedReadOnlyViewSet
from providers.models import AgreementDocument


class AgreementDocumentSerializer(serializers.ModelSerializer[AgreementDocument]):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = AgreementDocument
        fields = [
            "id",
            "purchasing_system",
            "version",
            "title",
            "summary_of_changes",
            "original_filename",
            "content_type",
            "size_bytes",
            "published_at",
            "download_url",
        ]

    def get_download_url(self, obj: AgreementDocument) -> str:
        return reverse("providers:agreement-document-download", args=[obj.pk])


class AgreementDocumentViewSet(ScopedReadOnlyViewSet[AgreementDocument]):
    """Every published version, newest first: a system's highest version is its current one."""

    model = AgreementDocument
    serializer_class = AgreementDocumentSerializer
    # Not forums: the agreement is between the authorities and the providers.
    access = either(
        PROVIDERS,
        AUTHORITIES,
        roles(Role.AUTHORITY_ADMIN),  # an authority's own staff, as the download page allows
        message="Only providers and authority staff can read the FPS agreement.",
    )
    filterset_fields = ["purchasing_system", "version"]

    def optimise(self, queryset: QuerySet[AgreementDocument]) -> QuerySet[AgreementDocument]:
        return queryset.select_related("published_by").order_by("purchasing_system", "-version")
