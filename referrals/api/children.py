"""/api/v1/children/ and /api/v1/child-documents/: the placing authority's children's records,
for other councils' systems. The same services, scoping and audit as the pages.

Only the placing authority's commissioners and senior managers (`PLACING`) use these endpoints:
every other role is refused (403) before any object is looked up, and another authority's child
is 404. Every read of personal data is audited: a retrieve one event, a list page one event
naming every child on it, the documents list one event, and each download one event.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fps_portal.api.base import UPLOAD_PARSERS, ScopedGenericViewSet, ScopedReadOnlyViewSet
from fps_portal.api.fields import column_limit, model_text
from fps_portal.api.filters import StrictFilterSet
from fps_portal.errors import InvalidInput
from fps_portal.scoping import scoped
from providers.models import PrimaryNeed, Setting
from referrals.models import (
    Child,
    ChildDocument,
    ChildDocumentKind,
    ChildGender,
    LegalStatus,
    ParentCarer,
)
from referrals.permissions import PLACING
from referrals.selectors.children import with_whole_record
from referrals.services.child_documents import (
    child_document_add,
    child_document_record_download,
    child_document_remove,
)
from referrals.services.children import (
    MAX_OUTCOMES,
    MAX_PARENT_CARERS,
    ChildDetails,
    ParentCarerDetails,
    child_create,
    child_record_viewed,
    child_update,
    children_listed,
)

# -- output ---------------------------------------------------------------------------------------


class ParentCarerSerializer(serializers.ModelSerializer[ParentCarer]):
    # Optional e-mails may be blank: plain text in the schema, not format "email".
    email = serializers.CharField(read_only=True)

    class Meta:
        model = ParentCarer
        fields = [
            "name",
            "relationship",
            "email",
            "phone",
            "preferred_setting",
            "preferred_setting_other",
            "views",
        ]
        read_only_fields = fields


class ChildSummarySerializer(serializers.ModelSerializer[Child]):
    """A list's row: who the child is, and their primary need."""

    primary_need = serializers.CharField(source="primary_need.code", read_only=True)

    class Meta:
        model = Child
        fields = [
            "id",
            "given_name",
            "family_name",
            "date_of_birth",
            "case_number",
            "gender",
            "legal_status",
            "primary_need",
            "updated_at",
        ]
        read_only_fields = fields


class ChildSerializer(ChildSummarySerializer):
    """The whole record."""

    # Only a looked-after child has these: blank otherwise, so plain text in the schema.
    social_worker_email = serializers.CharField(read_only=True)
    iro_email = serializers.CharField(read_only=True)
    other_needs = serializers.SerializerMethodField()
    outcomes = serializers.SerializerMethodField()
    parent_carers = ParentCarerSerializer(many=True, read_only=True)

    class Meta(ChildSummarySerializer.Meta):
        fields = [
            *ChildSummarySerializer.Meta.fields,
            "caseworker_name",
            "caseworker_email",
            "social_worker_name",
            "social_worker_email",
            "iro_name",
            "iro_email",
            "other_needs",
            "home_postcode",
            "current_setting",
            "current_setting_name",
            "ehcp_issued_on",
            "ehcp_next_review_on",
            "outcomes",
            "young_person_views",
            "parent_carers",
            "created_at",
        ]
        read_only_fields = fields

    def get_other_needs(self, obj: Child) -> list[str]:
        return [need.code for need in obj.other_needs.all()]

    def get_outcomes(self, obj: Child) -> list[str]:
        return [outcome.text for outcome in obj.outcomes.all()]


class ChildDocumentSerializer(serializers.ModelSerializer[ChildDocument]):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ChildDocument
        fields = [
            "id",
            "child",
            "kind",
            "title",
            "original_filename",
            "content_type",
            "size",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, obj: ChildDocument) -> str:
        from django.urls import reverse

        return reverse("child-document-download", args=[obj.pk])


# -- input ----------------------------------------------------------------------------------------


class ParentCarerInputSerializer(serializers.Serializer[Any]):
    name = model_text(ParentCarer, "name", "The name")
    relationship = model_text(ParentCarer, "relationship", "The relationship")
    email = model_text(ParentCarer, "email", "The e-mail", required=False, allow_blank=True)
    phone = model_text(ParentCarer, "phone", "The phone number", required=False, allow_blank=True)
    preferred_setting = serializers.IntegerField(
        required=False, allow_null=True, help_text="The id of a setting on the FPS."
    )
    preferred_setting_other = model_text(
        ParentCarer,
        "preferred_setting_other",
        "The preferred setting",
        required=False,
        allow_blank=True,
    )
    views = serializers.CharField(required=False, allow_blank=True, max_length=10000)


def _text(name: str, what: str, **kwargs: Any) -> serializers.CharField:
    return model_text(Child, name, what, **kwargs)


class ChildInputSerializer(serializers.Serializer[Any]):
    given_name = _text("given_name", "The given name")
    family_name = _text("family_name", "The family name")
    date_of_birth = serializers.DateField()
    case_number = _text("case_number", "The case number")
    gender = serializers.ChoiceField(choices=ChildGender.choices)
    legal_status = serializers.ChoiceField(choices=LegalStatus.choices)
    caseworker_name = _text("caseworker_name", "The SEND caseworker's name")
    caseworker_email = _text("caseworker_email", "The SEND caseworker's e-mail")
    social_worker_name = _text(
        "social_worker_name",
        "The social worker's name",
        required=False,
        allow_blank=True,
        help_text="Required for a looked-after child.",
    )
    social_worker_email = _text(
        "social_worker_email", "The social worker's e-mail", required=False, allow_blank=True
    )
    iro_name = _text(
        "iro_name",
        "The Independent Reviewing Officer's name",
        required=False,
        allow_blank=True,
        help_text="Required for a looked-after child.",
    )
    iro_email = _text(
        "iro_email",
        "The Independent Reviewing Officer's e-mail",
        required=False,
        allow_blank=True,
    )
    primary_need = serializers.CharField(
        max_length=column_limit(PrimaryNeed, "code"), help_text="A primary need's code, like ASD."
    )
    other_needs = serializers.ListField(
        child=serializers.CharField(max_length=column_limit(PrimaryNeed, "code")),
        required=False,
        max_length=50,
    )
    home_postcode = serializers.CharField(max_length=10)
    current_setting = serializers.IntegerField(
        required=False, allow_null=True, help_text="The id of a setting on the FPS."
    )
    current_setting_name = _text(
        "current_setting_name", "The current setting", required=False, allow_blank=True
    )
    ehcp_issued_on = serializers.DateField(required=False, allow_null=True)
    ehcp_next_review_on = serializers.DateField(required=False, allow_null=True)
    outcomes = serializers.ListField(
        child=serializers.CharField(max_length=2000), required=False, max_length=MAX_OUTCOMES
    )
    young_person_views = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    parent_carers = serializers.ListField(
        child=ParentCarerInputSerializer(), required=False, max_length=MAX_PARENT_CARERS
    )


class ChildDocumentInputSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=ChildDocumentKind.choices)
    title = model_text(ChildDocument, "title", "The title")
    file = serializers.FileField(max_length=column_limit(ChildDocument, "original_filename"))


def _details(view: ScopedGenericViewSet[Any], request: Request) -> ChildDetails:
    """The record as posted, with its needs and settings looked up in the actor's scope."""
    serializer = ChildInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    actor = view.actor
    codes = [data["primary_need"], *data.get("other_needs", [])]
    needs = {n.code: n for n in scoped(PrimaryNeed, actor).filter(code__in=codes)}
    problems: dict[str, list[str]] = {}
    if data["primary_need"] not in needs:
        problems["primary_need"] = ["Give the code of a primary need, like ASD."]
    unknown = [code for code in data.get("other_needs", []) if code not in needs]
    if unknown:
        problems["other_needs"] = [f"These are not codes of primary needs: {', '.join(unknown)}."]
    setting_ids = {data.get("current_setting")} | {
        c.get("preferred_setting") for c in data.get("parent_carers", [])
    }
    setting_ids.discard(None)
    settings = {s.pk: s for s in scoped(Setting, actor).filter(pk__in=setting_ids)}
    if data.get("current_setting") is not None and data["current_setting"] not in settings:
        problems["current_setting"] = ["Give the id of a setting you can find on the FPS."]
    carers = []
    for i, carer in enumerate(data.get("parent_carers", [])):
        preferred = carer.get("preferred_setting")
        if preferred is not None and preferred not in settings:
            problems[f"parent_carers.{i}.preferred_setting"] = [
                "Give the id of a setting you can find on the FPS."
            ]
        carers.append(
            ParentCarerDetails(
                name=carer["name"],
                relationship=carer["relationship"],
                email=carer.get("email", ""),
                phone=carer.get("phone", ""),
                preferred_setting=settings.get(preferred) if preferred is not None else None,
                preferred_setting_other=carer.get("preferred_setting_other", ""),
                views=carer.get("views", ""),
            )
        )
    if problems:
        raise InvalidInput.on_fields(problems)
    current = data.get("current_setting")
    return ChildDetails(
        given_name=data["given_name"],
        family_name=data["family_name"],
        date_of_birth=data["date_of_birth"],
        case_number=data["case_number"],
        gender=data["gender"],
        legal_status=data["legal_status"],
        caseworker_name=data["caseworker_name"],
        caseworker_email=data["caseworker_email"],
        social_worker_name=data.get("social_worker_name", ""),
        social_worker_email=data.get("social_worker_email", ""),
        iro_name=data.get("iro_name", ""),
        iro_email=data.get("iro_email", ""),
        primary_need=needs.get(data["primary_need"]),
        other_needs=[needs[code] for code in data.get("other_needs", []) if code in needs],
        home_postcode=data["home_postcode"],
        current_setting=settings.get(current) if current is not None else None,
        current_setting_name=data.get("current_setting_name", ""),
        ehcp_issued_on=data.get("ehcp_issued_on"),
        ehcp_next_review_on=data.get("ehcp_next_review_on"),
        outcomes=data.get("outcomes", []),
        young_person_views=data.get("young_person_views", ""),
        parent_carers=carers,
    )


# -- views ----------------------------------------------------------------------------------------


class ChildFilter(StrictFilterSet):
    search = django_filters.CharFilter(
        method="search_names",
        max_length=100,
        help_text="Words of the child's name or case number; every word must match.",
    )

    class Meta:
        model = Child
        fields = ["legal_status", "case_number"]

    def search_names(self, queryset: QuerySet[Child], name: str, value: str) -> QuerySet[Child]:
        for word in value.split()[:6]:
            queryset = queryset.filter(
                Q(given_name__icontains=word)
                | Q(family_name__icontains=word)
                | Q(case_number__icontains=word)
            )
        return queryset


class ChildViewSet(ScopedReadOnlyViewSet[Child]):
    """Children's records: the placing authority's commissioners and senior managers only."""

    model = Child
    serializer_class = ChildSerializer
    access = PLACING
    filterset_class = ChildFilter
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return ChildSummarySerializer if self.action == "list" else ChildSerializer

    def optimise(self, queryset: QuerySet[Child]) -> QuerySet[Child]:
        if self.action == "list":
            return queryset.select_related("primary_need")
        if self.action == "retrieve":
            return with_whole_record(queryset)
        return queryset

    def _record(self, child: Child, code: int = status.HTTP_200_OK) -> Response:
        fresh = with_whole_record(scoped(Child, self.actor).filter(pk=child.pk)).get()
        return Response(ChildSerializer(fresh).data, status=code)

    @extend_schema(responses=ChildSummarySerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        assert page is not None  # every list is paginated
        children_listed(
            actor=self.actor,
            ids=[child.pk for child in page],
            how="API children list",
            searched=bool(request.query_params.get("search")),
        )
        return self.get_paginated_response(ChildSummarySerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        child = self.get_object()
        child_record_viewed(actor=self.actor, child=child, how="API")
        return Response(ChildSerializer(child).data)

    @extend_schema(request=ChildInputSerializer, responses={201: ChildSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        child = child_create(actor=self.actor, details=_details(self, request))
        return self._record(child, status.HTTP_201_CREATED)

    @extend_schema(request=ChildInputSerializer, responses=ChildSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        child = self.get_object()
        updated = child_update(actor=self.actor, child=child, details=_details(self, request))
        return self._record(updated)

    @extend_schema(methods=["GET"], request=None, responses=ChildDocumentSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": ChildDocumentInputSerializer},
        responses={201: ChildDocumentSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        pagination_class=None,
        filterset_class=None,
        parser_classes=UPLOAD_PARSERS,
    )
    def documents(self, request: Request, pk: str | None = None) -> Response:
        """The record's current documents (GET, audited), or upload one (POST, multipart)."""
        child = self.get_object()
        if request.method == "POST":
            serializer = ChildDocumentInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            document = child_document_add(
                actor=self.actor,
                child=child,
                kind=serializer.validated_data["kind"],
                title=serializer.validated_data["title"],
                upload=serializer.validated_data["file"],
            )
            return Response(ChildDocumentSerializer(document).data, status=status.HTTP_201_CREATED)
        documents = list(
            scoped(ChildDocument, self.actor).filter(child=child).order_by("-uploaded_at", "-id")
        )
        child_record_viewed(actor=self.actor, child=child, how="API documents list")
        return Response(ChildDocumentSerializer(documents, many=True).data)


class ChildDocumentViewSet(mixins.RetrieveModelMixin, ScopedGenericViewSet[ChildDocument]):
    """One document of a child's record: read, download (audited) or remove."""

    model = ChildDocument
    serializer_class = ChildDocumentSerializer
    access = PLACING
    http_method_names = ["get", "delete", "head", "options"]

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        document = self.get_object()
        # Its title and file name are part of the record: a read of it.
        child_record_viewed(actor=self.actor, child=document.child, how="API document")
        return Response(ChildDocumentSerializer(document).data)

    def optimise(self, queryset: QuerySet[ChildDocument]) -> QuerySet[ChildDocument]:
        return queryset.select_related("child")

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Takes the document off the record (the audit log keeps that it was there)."""
        child_document_remove(actor=self.actor, document=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, as uploaded."
            )
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        """The file itself (audited)."""
        document = self.get_object()
        child_document_record_download(actor=self.actor, document=document)
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.original_filename,
            content_type=document.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
