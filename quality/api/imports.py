"""`/api/v1/inspection-imports/`: the lead authority's evaluators send an Ofsted file (multipart,
`file`), then read its status, progress and report. The same scoping as the pages: nobody else
sees an import. The import runs in a worker; poll the import until `status` is done or refused."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from fps_portal.access import LEAD_EVALUATORS
from fps_portal.api.base import UPLOAD_PARSERS, ScopedReadOnlyViewSet
from quality.imports.accepting import inspection_import_accept
from quality.imports.report import skipped_rows
from quality.models import ImportOrigin, InspectionImport


class InspectionImportSerializer(serializers.ModelSerializer[InspectionImport]):
    progress = serializers.SerializerMethodField()
    report = serializers.SerializerMethodField()
    uploaded_by = serializers.SerializerMethodField()

    class Meta:
        model = InspectionImport
        fields = [
            "id",
            "original_name",
            "sha256",
            "size",
            "origin",
            "file_format",
            "status",
            "uploaded_by",
            "created_at",
            "started_at",
            "finished_at",
            "progress",
            "report",
            "refusal",
        ]

    def get_uploaded_by(self, obj: InspectionImport) -> str | None:
        return obj.uploaded_by.email if obj.uploaded_by is not None else None

    def get_progress(self, obj: InspectionImport) -> dict[str, Any] | None:
        if obj.is_finished or not obj.progress_phase:
            return None
        return {
            "phase": obj.progress_phase,
            "done": obj.progress_done,
            "total": obj.progress_total,
        }

    def get_report(self, obj: InspectionImport) -> dict[str, Any] | None:
        if obj.status != "done":
            return None
        return {
            "rows_read": obj.rows_read,
            "rows_matched": obj.rows_matched,
            "inspections_new": obj.inspections_new,
            "inspections_updated": obj.inspections_updated,
            "inspections_unchanged": obj.inspections_unchanged,
            "predecessor_inspections": obj.predecessor_inspections,
            "bands_changed": obj.bands_changed,
            "skipped": dict(obj.skipped or {}),
            "skipped_described": [
                {"reason": reason, "count": count} for reason, count in skipped_rows(obj)
            ],
        }


class InspectionImportInputSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(max_length=255, allow_empty_file=True)


class InspectionImportViewSet(ScopedReadOnlyViewSet[InspectionImport], mixins.CreateModelMixin):
    """Ofsted imports, newest first; POST a file to import it."""

    model = InspectionImport
    serializer_class = InspectionImportSerializer
    access = LEAD_EVALUATORS
    parser_classes = UPLOAD_PARSERS
    filterset_fields = ["status"]

    def optimise(self, queryset: QuerySet[InspectionImport]) -> QuerySet[InspectionImport]:
        return queryset.select_related("uploaded_by").order_by("-created_at", "-id")

    @extend_schema(
        request={"multipart/form-data": InspectionImportInputSerializer},
        responses={202: InspectionImportSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = InspectionImportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        job = inspection_import_accept(
            actor=self.actor,
            raw=upload.read(),
            name=upload.name or "",
            origin=ImportOrigin.API,
        )
        return Response(InspectionImportSerializer(job).data, status=status.HTTP_202_ACCEPTED)
