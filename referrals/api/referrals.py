"""/api/v1/referrals/: the placing authority's referrals, for its commissioners, senior managers
and its own systems. The same services and scoping as the pages: another authority's referral
is 404, a role that can never act is 403 before its body is read (ADR 0008).

- `GET /referrals/` (filters `state`, `route`, `lot`, `child`, `deadline`), `GET /referrals/{id}/`
  (with `publish_problems`: what is missing before it can be published);
- `POST /referrals/` (a draft), `PUT /referrals/{id}/` (a draft or returned one);
- `PUT .../criteria/`, `PUT .../scale/`, `PUT .../shortlist/` (preselected competitions);
- `POST .../publish/`, `.../return/`, `.../withdraw/`, `.../close/`;
- `POST .../route-case/` (a direct award's or spot purchase's case), then `.../authorise/` or
  `.../refuse/` by a head of service or director; `POST .../review/` records an authorised
  direct award's review (kept, or opened to competition);
- `GET .../questions/` (the invitees' clarification questions, with who asked) and
  `POST .../questions/{question_pk}/answer/` (the answer goes to every invitee, never who asked).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fps_portal.access import Access
from fps_portal.api.base import ScopedReadOnlyViewSet
from fps_portal.api.filters import StrictFilterSet
from fps_portal.scoping import scoped
from referrals.api.referrals_serializers import (
    CriteriaInputSerializer,
    NoteInputSerializer,
    QuestionAnswerInputSerializer,
    ReasonInputSerializer,
    ReferralInputSerializer,
    ReferralListSerializer,
    ReferralQuestionSerializer,
    ReferralSerializer,
    ReviewInputSerializer,
    RouteCaseInputSerializer,
    ScaleInputSerializer,
    ShortlistInputSerializer,
)
from referrals.models import Referral, ReferralQuestion, ReferralState, Route
from referrals.permissions import PLACING
from referrals.selectors.invitations import QUESTIONS_UNANSWERED_FIRST
from referrals.selectors.referrals import DEADLINE_CHOICES, ReferralFilters, filter_referrals
from referrals.services.questions import can_answer_questions, question_answer
from referrals.services.referral_criteria import CriterionInput, criteria_replace, scale_set
from referrals.services.referral_states import (
    referral_close,
    referral_publish,
    referral_return,
    referral_withdraw,
)
from referrals.services.referrals import ReferralInput, referral_create, referral_update
from referrals.services.routes import (
    RouteCaseInput,
    can_authorise_route_case,
    direct_award_review_record,
    route_case_authorise,
    route_case_refuse,
    route_case_submit,
)
from referrals.services.shortlist import ShortlistChoice, shortlist_save

AUTHORISERS = Access(
    can_authorise_route_case,
    "Only a head of service or a director can authorise or refuse a direct award or a spot "
    "purchase.",
)
QUESTION_ANSWERERS = Access(
    can_answer_questions, "Only the placing authority's commissioners can answer questions."
)
QUESTION_PK = OpenApiParameter(
    "question_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The question's id."
)


class ReferralFilterSet(StrictFilterSet):
    state = django_filters.ChoiceFilter(choices=ReferralState.choices)
    route = django_filters.ChoiceFilter(choices=Route.choices)
    lot = django_filters.NumberFilter(field_name="lot_id")
    child = django_filters.NumberFilter(field_name="child_id")
    deadline = django_filters.ChoiceFilter(choices=DEADLINE_CHOICES, method="by_deadline")

    class Meta:
        model = Referral
        fields = ["state", "route", "lot", "child", "deadline"]

    def by_deadline(
        self, queryset: QuerySet[Referral], name: str, value: str
    ) -> QuerySet[Referral]:
        return filter_referrals(queryset, ReferralFilters(deadline=value))


def referral_input(values: dict[str, Any]) -> ReferralInput:
    return ReferralInput(
        kind=values["kind"],
        child_id=values["child"],
        places=values["places"],
        price_per_place=values["price_per_place"],
        route=values["route"],
        lot_id=values["lot"],
        is_emergency=values["is_emergency"],
        start_date=values["start_date"],
        expected_end_date=values["expected_end_date"],
        primary_need_code=values["primary_need"],
        need_codes=tuple(values["needs"]),
        outcomes_sought=values["outcomes_sought"],
        provider_summary=values["provider_summary"],
        shared_document_ids=tuple(values["shared_documents"]),
        referrer_name=values["referrer_name"],
        referrer_email=values["referrer_email"],
    )


class ReferralViewSet(ScopedReadOnlyViewSet[Referral]):
    """The authority's referrals and their routes."""

    model = Referral
    access = PLACING
    filterset_class = ReferralFilterSet
    action_rules = {
        "authorise": AUTHORISERS,
        "refuse": AUTHORISERS,
        "review": PLACING,
        "questions": PLACING,
        "answer_question": QUESTION_ANSWERERS,
    }

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "list":
            return ReferralListSerializer
        return ReferralSerializer

    def optimise(self, queryset: QuerySet[Referral]) -> QuerySet[Referral]:
        # The list, and the questions' actions, show nothing of the referral's parts.
        if getattr(self, "action", None) in ("list", "questions", "answer_question"):
            return queryset
        return queryset.select_related(
            "lot", "child", "primary_need", "route_case"
        ).prefetch_related(
            "needs", "criteria", "descriptors", "shortlist__setting", "shared_documents"
        )

    def _fresh(self, referral: Referral, *, created: bool = False) -> Response:
        fresh = self.optimise(self.get_queryset().filter(pk=referral.pk)).get()
        return Response(
            ReferralSerializer(fresh).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(request=ReferralInputSerializer, responses={201: ReferralSerializer})
    def create(self, request: Request) -> Response:
        """A draft referral, with the authority's next reference number."""
        serializer = ReferralInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        referral = referral_create(
            actor=self.actor, data=referral_input(values), submission_key=values["submission_key"]
        )
        return self._fresh(referral, created=True)

    @extend_schema(request=ReferralInputSerializer, responses=ReferralSerializer)
    def update(self, request: Request, pk: str | None = None) -> Response:
        """Changes a draft (a returned referral becomes a draft again)."""
        referral = self.get_object()
        serializer = ReferralInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        updated = referral_update(
            actor=self.actor,
            referral=referral,
            data=referral_input(dict(serializer.validated_data)),
        )
        return self._fresh(updated)

    @extend_schema(request=CriteriaInputSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["put"])
    def criteria(self, request: Request, pk: str | None = None) -> Response:
        """Replaces the criteria: scored criteria's weights must total 100."""
        referral = self.get_object()
        serializer = CriteriaInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        items = [CriterionInput(**item) for item in serializer.validated_data["criteria"]]
        return self._fresh(criteria_replace(actor=self.actor, referral=referral, criteria=items))

    @extend_schema(request=ScaleInputSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["put"])
    def scale(self, request: Request, pk: str | None = None) -> Response:
        """The scoring scale, a descriptor for every score from 0, and how price is scored."""
        referral = self.get_object()
        serializer = ScaleInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        updated = scale_set(
            actor=self.actor,
            referral=referral,
            scale_max=data["scale_max"],
            price_scoring=data["price_scoring"],
            descriptors={d["score"]: d["descriptor"] for d in data["descriptors"]},
        )
        return self._fresh(updated)

    @extend_schema(request=ShortlistInputSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["put"])
    def shortlist(self, request: Request, pk: str | None = None) -> Response:
        """A preselected competition's shortlist, with the find-a-setting filters it came from
        and the grounds for each setting."""
        referral = self.get_object()
        serializer = ShortlistInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        shortlist_save(
            actor=self.actor,
            referral=referral,
            search_filters=data["search_filters"],
            choices=[
                ShortlistChoice(
                    setting_id=c["setting"], grounds=tuple(c["grounds"]), note=c["note"]
                )
                for c in data["settings"]
            ],
        )
        return self._fresh(referral)

    @extend_schema(request=None, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        """Publishes a draft competition and invites providers; 400 lists what is missing, 409
        when it is published already."""
        referral = self.get_object()
        return self._fresh(referral_publish(actor=self.actor, referral=referral))

    @extend_schema(request=ReasonInputSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_to_referrer(self, request: Request, pk: str | None = None) -> Response:
        """Returns a draft to the referrer for more information (the reason is e-mailed to
        the referrer when the referral has their address)."""
        referral = self.get_object()
        serializer = ReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        returned = referral_return(
            actor=self.actor, referral=referral, reason=serializer.validated_data["reason"]
        )
        return self._fresh(returned)

    @extend_schema(request=ReasonInputSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        """Withdraws the referral; invited providers are told."""
        referral = self.get_object()
        serializer = ReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        withdrawn = referral_withdraw(
            actor=self.actor, referral=referral, reason=serializer.validated_data["reason"]
        )
        return self._fresh(withdrawn)

    @extend_schema(request=ReasonInputSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """Closes an open competition before its deadline."""
        referral = self.get_object()
        serializer = ReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        closed = referral_close(
            actor=self.actor, referral=referral, reason=serializer.validated_data["reason"]
        )
        return self._fresh(closed)

    @extend_schema(request=RouteCaseInputSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"], url_path="route-case", url_name="route-case")
    def route_case(self, request: Request, pk: str | None = None) -> Response:
        """The case for a direct award (grounds, justification, setting, review date) or a spot
        purchase (provider on the portal or outside it, why the usual procedures do not
        apply), put before a head of service or director."""
        referral = self.get_object()
        serializer = RouteCaseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        route_case_submit(
            actor=self.actor,
            referral=referral,
            data=RouteCaseInput(
                justification=data["justification"],
                weekly_price=data["weekly_price"],
                ground=data["ground"],
                setting_id=data["setting"],
                provider_id=data["provider"],
                outside_provider_name=data["outside_provider_name"],
                outside_setting_name=data["outside_setting_name"],
                review_on=data["review_on"],
            ),
        )
        return self._fresh(referral)

    @extend_schema(request=NoteInputSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def authorise(self, request: Request, pk: str | None = None) -> Response:
        """A head of service or director authorises the case (not their own)."""
        referral = self.get_object()
        serializer = NoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        route_case_authorise(
            actor=self.actor, referral=referral, note=serializer.validated_data["note"]
        )
        return self._fresh(referral)

    @extend_schema(request=NoteInputSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: str | None = None) -> Response:
        """Refuses the case with a reason; the referral is a draft again."""
        referral = self.get_object()
        serializer = NoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        route_case_refuse(
            actor=self.actor, referral=referral, note=serializer.validated_data["note"]
        )
        return self._fresh(referral)

    @extend_schema(request=ReviewInputSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        """Records an authorised direct award's review: kept with the provider, or opened to
        competition (then re-run the referral on a competition route); once only (409)."""
        referral = self.get_object()
        serializer = ReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        direct_award_review_record(
            actor=self.actor,
            referral=referral,
            outcome=serializer.validated_data["outcome"],
            note=serializer.validated_data["note"],
        )
        return self._fresh(referral)

    def _questions(self, referral: Referral) -> QuerySet[ReferralQuestion]:
        return (
            scoped(ReferralQuestion, self.actor)
            .filter(referral=referral)
            .select_related("referral", "asked_by_invitation__provider")
        )

    @extend_schema(request=None, responses=ReferralQuestionSerializer(many=True))
    # Every question of the referral (a handful), as one plain list: no pages, no filters.
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def questions(self, request: Request, pk: str | None = None) -> Response:
        """The invitees' clarification questions, unanswered first, each with who asked (which
        the authority alone learns)."""
        referral = self.get_object()
        asked = self._questions(referral).order_by(*QUESTIONS_UNANSWERED_FIRST)
        return Response(ReferralQuestionSerializer(asked, many=True).data)

    @extend_schema(
        parameters=[QUESTION_PK],
        request=QuestionAnswerInputSerializer,
        responses=ReferralQuestionSerializer,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"questions/(?P<question_pk>[0-9]+)/answer",
        url_name="question-answer",
    )
    def answer_question(self, request: Request, pk: str, question_pk: str) -> Response:
        """Answers a question once, while the referral is open (409 after, or when answered
        already); every invited provider is told the question and the answer, not who asked."""
        referral = self.get_object()
        question = self._questions(referral).filter(pk=question_pk).first()
        if question is None:
            raise Http404
        serializer = QuestionAnswerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answered = question_answer(
            actor=self.actor, question=question, answer=serializer.validated_data["answer"]
        )
        fresh = self._questions(referral).get(pk=answered.pk)
        return Response(ReferralQuestionSerializer(fresh).data)
