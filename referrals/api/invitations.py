"""/api/v1/invitations/ and /api/v1/responses/: the provider's side of a referral, through the
same services and scoping as the pages. An invitation is the referral's snapshot, never the
child's identity; a provider reads and writes only its own. Wrong state (after the deadline, a
submitted response changed) answers 409, another provider's object 404, bad input 400."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse

from fps_portal.access import PROVIDERS
from fps_portal.api.base import UPLOAD_PARSERS, ScopedReadOnlyViewSet
from fps_portal.api.pagination import StableCursorPagination
from fps_portal.errors import InvalidInput
from fps_portal.scoping import get_scoped_or_404, scoped
from providers.models import AdditionalService, Setting
from referrals.api import invitations_serializers as s
from referrals.models import Invitation, Response, ResponseAttachment, ResponseService
from referrals.selectors.invitations import INVITATION_JOINS, invitation_view
from referrals.services.invitations import invitation_decline, invitation_reopen
from referrals.services.questions import question_ask
from referrals.services.response_parts import (
    response_attachment_add,
    response_attachment_remove,
    response_service_add,
    response_service_remove,
)
from referrals.services.response_submission import (
    response_resubmit,
    response_submit,
    response_withdraw,
)
from referrals.services.responses import ResponseData, response_start, response_update


def _valid(serializer_class: type, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class NewestFirst(StableCursorPagination):
    ordering = "-id"


class InvitationViewSet(ScopedReadOnlyViewSet[Invitation]):
    """The provider's invitations: the referral's snapshot, criteria, scale, answered questions
    and shared documents; decline (with a reason), reopen, and ask a question."""

    model = Invitation
    access = PROVIDERS
    filterset_fields = ["state", "outcome"]
    pagination_class = NewestFirst

    def get_serializer_class(self) -> type[s.InvitationSerializer]:
        if self.action == "retrieve":
            return s.InvitationDetailSerializer
        return s.InvitationSerializer

    def optimise(self, queryset: QuerySet[Invitation]) -> QuerySet[Invitation]:
        return queryset.select_related(*INVITATION_JOINS).prefetch_related(
            "referral__needs",
            Prefetch(
                "responses", queryset=scoped(Response, self.actor).only("id", "invitation_id")
            ),
        )

    def _detail(self, invitation: Invitation, code: int = status.HTTP_200_OK) -> ApiResponse:
        fresh = self.optimise(scoped(Invitation, self.actor).filter(pk=invitation.pk)).get()
        data = s.InvitationDetailSerializer(
            fresh, context={"view_data": invitation_view(self.actor, fresh)}
        ).data
        return ApiResponse(data, status=code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        invitation = self.get_object()
        data = s.InvitationDetailSerializer(
            invitation, context={"view_data": invitation_view(self.actor, invitation)}
        ).data
        return ApiResponse(data)

    @extend_schema(request=s.DeclineInputSerializer, responses=s.InvitationDetailSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> ApiResponse:
        """Declines with a structured reason ("other" needs a note); 409 after the deadline."""
        invitation = self.get_object()
        data = _valid(s.DeclineInputSerializer, request)
        invitation_decline(actor=self.actor, invitation=invitation, **data)
        return self._detail(invitation)

    @extend_schema(request=None, responses=s.InvitationDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> ApiResponse:
        """Undoes a decline before the deadline."""
        invitation = self.get_object()
        invitation_reopen(actor=self.actor, invitation=invitation)
        return self._detail(invitation)

    @extend_schema(request=s.QuestionInputSerializer, responses={201: s.QuestionSerializer})
    @action(detail=True, methods=["post"])
    def questions(self, request: Request, pk: str | None = None) -> ApiResponse:
        """Asks the authority a clarification question; the answer goes to every invitee."""
        invitation = self.get_object()
        data = _valid(s.QuestionInputSerializer, request)
        asked = question_ask(actor=self.actor, invitation=invitation, question=data["question"])
        return ApiResponse(s.QuestionSerializer(asked).data, status=status.HTTP_201_CREATED)


class ResponseViewSet(ScopedReadOnlyViewSet[Response]):
    """The provider's responses, one per setting: create a draft, change it (PATCH), add and
    remove services and attachments (multipart), submit, withdraw and resubmit."""

    model = Response
    serializer_class = s.ResponseSerializer
    access = PROVIDERS
    filterset_fields = ["state", "invitation"]
    pagination_class = NewestFirst

    def optimise(self, queryset: QuerySet[Response]) -> QuerySet[Response]:
        return queryset.select_related("invitation", "setting").prefetch_related(
            "services", "attachments", "answers"
        )

    def _answer(self, response: Response, code: int = status.HTTP_200_OK) -> ApiResponse:
        fresh = self.optimise(scoped(Response, self.actor).filter(pk=response.pk)).get()
        return ApiResponse(s.ResponseSerializer(fresh).data, status=code)

    def _target(self) -> Response:
        return (
            scoped(Response, self.actor)
            .select_related("invitation__referral", "setting")
            .get(pk=self.get_object().pk)
        )

    @extend_schema(request=s.ResponseStartSerializer, responses={201: s.ResponseSerializer})
    def create(self, request: Request) -> ApiResponse:
        """Starts the draft for one of the provider's settings approved on the lot (pre-filled
        with its indicative price and inspection judgement); a setting already proposed answers
        with its response."""
        data = _valid(s.ResponseStartSerializer, request)
        invitation = get_scoped_or_404(
            Invitation, self.actor, select_related=("referral",), pk=data["invitation"]
        )
        setting = scoped(Setting, self.actor).filter(pk=data["setting"]).first()
        if setting is None:
            raise InvalidInput.on_fields({"setting": ["Select one of your own settings."]})
        response = response_start(actor=self.actor, invitation=invitation, setting=setting)
        return self._answer(response, status.HTTP_201_CREATED)

    @extend_schema(request=s.ResponseUpdateSerializer, responses=s.ResponseSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        """Changes the draft's fields and answers (only those sent)."""
        response = self._target()
        data = _valid(s.ResponseUpdateSerializer, request)
        answers = data.pop("answers", None)
        response_update(
            actor=self.actor,
            response=response,
            data=ResponseData(
                **data,
                answers=None
                if answers is None
                else {item["criterion"]: item["answer"] for item in answers},
            ),
        )
        return self._answer(response)

    @extend_schema(request=None, responses=s.ResponseSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> ApiResponse:
        """Submits a complete draft before the deadline (400 lists what is missing; 409 after
        the deadline)."""
        response = self._target()
        return self._answer(response_submit(actor=self.actor, response=response))

    @extend_schema(request=None, responses=s.ResponseSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> ApiResponse:
        response = self._target()
        return self._answer(response_withdraw(actor=self.actor, response=response))

    @extend_schema(request=None, responses=s.ResponseSerializer)
    @action(detail=True, methods=["post"])
    def resubmit(self, request: Request, pk: str | None = None) -> ApiResponse:
        """A withdrawn response becomes a draft again, to change and submit."""
        response = self._target()
        return self._answer(response_resubmit(actor=self.actor, response=response))

    @extend_schema(request=s.ServiceInputSerializer, responses={201: s.ResponseSerializer})
    @action(detail=True, methods=["post"])
    def services(self, request: Request, pk: str | None = None) -> ApiResponse:
        """Adds a service from the setting's price list (`price_list_item`), or a new one."""
        response = self._target()
        data = _valid(s.ServiceInputSerializer, request)
        item_id = data.pop("price_list_item", None)
        item = None
        if item_id is not None:
            item = scoped(AdditionalService, self.actor).filter(pk=item_id).first()
            if item is None:
                raise InvalidInput.on_fields(
                    {"price_list_item": ["Select a service from this setting's price list."]}
                )
        response_service_add(actor=self.actor, response=response, price_list_item=item, **data)
        return self._answer(response, status.HTTP_201_CREATED)

    @extend_schema(request=s.RemoveInputSerializer, responses=s.ResponseSerializer)
    @action(detail=True, methods=["post"], url_path="remove-service")
    def remove_service(self, request: Request, pk: str | None = None) -> ApiResponse:
        response = self._target()
        data = _valid(s.RemoveInputSerializer, request)
        service = get_scoped_or_404(ResponseService, self.actor, pk=data["id"], response=response)
        response_service_remove(actor=self.actor, service=service)
        return self._answer(response)

    @extend_schema(
        request={"multipart/form-data": s.AttachmentInputSerializer},
        responses={201: s.ResponseSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=UPLOAD_PARSERS)
    def attachments(self, request: Request, pk: str | None = None) -> ApiResponse:
        """Attaches a file (multipart: `title`, `file`; PDF, DOCX, PNG or JPEG)."""
        response = self._target()
        data = _valid(s.AttachmentInputSerializer, request)
        response_attachment_add(
            actor=self.actor, response=response, title=data["title"], upload=data["file"]
        )
        return self._answer(response, status.HTTP_201_CREATED)

    @extend_schema(request=s.RemoveInputSerializer, responses=s.ResponseSerializer)
    @action(detail=True, methods=["post"], url_path="remove-attachment")
    def remove_attachment(self, request: Request, pk: str | None = None) -> ApiResponse:
        response = self._target()
        data = _valid(s.RemoveInputSerializer, request)
        attachment = get_scoped_or_404(
            ResponseAttachment, self.actor, pk=data["id"], response=response
        )
        response_attachment_remove(actor=self.actor, attachment=attachment)
        return self._answer(response)
