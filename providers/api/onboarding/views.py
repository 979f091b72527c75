"""Onboarding endpoints under /api/v1/: purchasing systems, windows, evidence, applications and
their evaluation, clarifications and memberships. Thin shells: parse, call one service, answer.
Wrong state answers 409, another organisation's object 404, bad input 400 naming the field."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fps_portal.access import LEAD_EVALUATORS, PROVIDERS, Access, either, organisation_of, roles
from fps_portal.accounts.models import Role
from fps_portal.api.base import UPLOAD_PARSERS, ScopedReadOnlyViewSet
from fps_portal.api.pagination import StableCursorPagination
from fps_portal.errors import InvalidInput
from fps_portal.scoping import get_scoped_or_404, scoped
from providers.api.onboarding import serializers as s
from providers.models import (
    Application,
    ClarificationQuestion,
    EvaluationWindow,
    Evidence,
    FpsMembership,
    Lot,
    PurchasingSystem,
    RequirementResult,
    Setting,
)
from providers.services import application_prices as price_services
from providers.services import application_submission as submission
from providers.services import applications as app_services
from providers.services import clarifications
from providers.services import evaluation as eval_services
from providers.services.evidence import evidence_add
from providers.services.membership import agreement_sign, membership_change
from providers.services.purchasing import (
    lot_create,
    purchasing_system_create,
    purchasing_system_update,
)
from providers.services.window_corrections import (
    DATE_FIELDS,
    window_cancel,
    window_close_early,
    window_open_now,
    window_reschedule,
)
from providers.services.windows import window_complete, window_schedule


def _valid(serializer_class: type, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class PurchasingSystemViewSet(
    ScopedReadOnlyViewSet[PurchasingSystem], mixins.CreateModelMixin, mixins.UpdateModelMixin
):
    """The purchasing system's rules (FPS or DPS). Everyone signed in reads; the lead authority
    writes."""

    model = PurchasingSystem
    serializer_class = s.PurchasingSystemSerializer
    filterset_fields = ["kind"]
    http_method_names = ["get", "post", "put", "head", "options"]

    action_rules = {"create": LEAD_EVALUATORS, "update": LEAD_EVALUATORS, "lots": LEAD_EVALUATORS}

    @extend_schema(
        request=s.PurchasingSystemInputSerializer, responses={201: s.PurchasingSystemSerializer}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _valid(s.PurchasingSystemInputSerializer, request)
        system = purchasing_system_create(actor=self.actor, **data)
        return Response(s.PurchasingSystemSerializer(system).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.PurchasingSystemInputSerializer, responses=s.PurchasingSystemSerializer
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        system = self.get_object()
        data = _valid(s.PurchasingSystemInputSerializer, request)
        system = purchasing_system_update(actor=self.actor, system=system, **data)
        return Response(s.PurchasingSystemSerializer(system).data)

    @extend_schema(request=s.LotCreateInputSerializer, responses={201: s.LotCreatedSerializer})
    @action(detail=True, methods=["post"])
    def lots(self, request: Request, pk: str | None = None) -> Response:
        """Add a lot during the term."""
        system = self.get_object()
        lot: Lot = lot_create(
            actor=self.actor, system=system, **_valid(s.LotCreateInputSerializer, request)
        )
        return Response(s.LotCreatedSerializer(lot).data, status=status.HTTP_201_CREATED)


class WindowViewSet(ScopedReadOnlyViewSet[EvaluationWindow], mixins.CreateModelMixin):
    """Evaluation windows. Everyone signed in reads the timetable; the lead authority schedules,
    corrects (reschedule, cancel, open now, close early; each with a reason) and completes."""

    model = EvaluationWindow
    # The schema documents the lead evaluators' shape; other roles get fewer fields.
    serializer_class = s.LeadWindowSerializer
    filterset_fields = ["state", "purchasing_system"]
    action_rules = dict.fromkeys(
        ["create", "complete", "reschedule", "cancel", "open_now", "close_early"], LEAD_EVALUATORS
    )

    def get_serializer_class(self) -> type[s.WindowSerializer]:
        if getattr(self, "swagger_fake_view", False):
            return s.LeadWindowSerializer
        return s.window_serializer_for(self.actor)

    def _answer(self, window: EvaluationWindow, code: int = status.HTTP_200_OK) -> Response:
        return Response(s.window_serializer_for(self.actor)(window).data, status=code)

    @extend_schema(request=s.WindowSerializer, responses={201: s.LeadWindowSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _valid(s.WindowSerializer, request)
        window = window_schedule(actor=self.actor, system=data.pop("purchasing_system"), **data)
        return self._answer(window, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.LeadWindowSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        return self._answer(window_complete(actor=self.actor, window=self.get_object()))

    @extend_schema(request=s.WindowRescheduleInputSerializer, responses=s.LeadWindowSerializer)
    @action(detail=True, methods=["post"])
    def reschedule(self, request: Request, pk: str | None = None) -> Response:
        """Correct a scheduled window's name or dates; a field left out keeps its value."""
        window = self.get_object()
        data = _valid(s.WindowRescheduleInputSerializer, request)
        current = {name: getattr(window, name) for name in ("name", *DATE_FIELDS)}
        return self._answer(window_reschedule(actor=self.actor, window=window, **(current | data)))

    @extend_schema(request=s.WindowReasonInputSerializer, responses=s.LeadWindowSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        window = self.get_object()
        data = _valid(s.WindowReasonInputSerializer, request)
        return self._answer(window_cancel(actor=self.actor, window=window, **data))

    @extend_schema(request=s.WindowReasonInputSerializer, responses=s.LeadWindowSerializer)
    @action(detail=True, methods=["post"], url_path="open-now")
    def open_now(self, request: Request, pk: str | None = None) -> Response:
        window = self.get_object()
        data = _valid(s.WindowReasonInputSerializer, request)
        return self._answer(window_open_now(actor=self.actor, window=window, **data))

    @extend_schema(request=s.WindowReasonInputSerializer, responses=s.LeadWindowSerializer)
    @action(detail=True, methods=["post"], url_path="close-early")
    def close_early(self, request: Request, pk: str | None = None) -> Response:
        window = self.get_object()
        data = _valid(s.WindowReasonInputSerializer, request)
        return self._answer(window_close_early(actor=self.actor, window=window, **data))


class EvidenceViewSet(ScopedReadOnlyViewSet[Evidence], mixins.CreateModelMixin):
    """Evidence the caller may see; a provider uploads its own (multipart)."""

    model = Evidence
    serializer_class = s.EvidenceSerializer
    filterset_fields = ["kind", "setting"]
    parser_classes = UPLOAD_PARSERS
    action_rules = {"create": Access(PROVIDERS.allows, "Only providers upload evidence.")}

    @extend_schema(request=s.EvidenceInputSerializer, responses={201: s.EvidenceSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actor = self.actor
        data = _valid(s.EvidenceInputSerializer, request)
        setting_id = data.pop("setting", None)
        setting = get_scoped_or_404(Setting, actor, pk=setting_id) if setting_id else None
        evidence = evidence_add(
            actor=actor,
            provider=organisation_of(actor),
            setting=setting,
            upload=data.pop("file"),
            **data,
        )
        return Response(s.EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


class ApplicationPagination(StableCursorPagination):
    ordering = "-id"


class ApplicationViewSet(ScopedReadOnlyViewSet[Application]):
    """Applications: a provider's own; every submitted one for the lead authority's evaluators."""

    model = Application
    serializer_class = s.ApplicationSerializer
    access = roles(Role.PROVIDER_USER, Role.LEAD_EVALUATOR)
    filterset_fields = ["state", "window"]
    pagination_class = ApplicationPagination
    action_rules = {
        **dict.fromkeys(
            [
                "create",
                "scope",
                "evidence",
                "prices",
                "service_prices",
                "declarations",
                "submit",
                "withdraw",
                "agreement",
            ],
            PROVIDERS,
        ),
        **dict.fromkeys(["evaluation", "moderation", "clarifications"], LEAD_EVALUATORS),
    }

    @staticmethod
    def _with_shape(queryset: QuerySet[Application]) -> QuerySet[Application]:
        """What `ApplicationSerializer` reads beside each application."""
        return queryset.select_related("provider").prefetch_related(
            "lots", "settings", "evidence", "prices", "service_prices"
        )

    def optimise(self, queryset: QuerySet[Application]) -> QuerySet[Application]:
        # Only the list and the detail serialize what they read; every other action reads the
        # application to act on (and `_respond` reads it again, shaped, after the change).
        if self.action in ("list", "retrieve"):
            return self._with_shape(queryset)
        return queryset.select_related("provider")

    def _respond(self, application: Application, code: int = status.HTTP_200_OK) -> Response:
        return Response(
            s.ApplicationSerializer(
                self._with_shape(scoped(Application, self.actor).filter(pk=application.pk)).get()
            ).data,
            status=code,
        )

    @extend_schema(request=s.ApplicationStartSerializer, responses={201: s.ApplicationSerializer})
    def create(self, request: Request) -> Response:
        data = _valid(s.ApplicationStartSerializer, request)
        system = get_scoped_or_404(PurchasingSystem, self.actor, pk=data["purchasing_system"])
        window = (
            get_scoped_or_404(
                EvaluationWindow, self.actor, pk=data["window"], purchasing_system=system
            )
            if data.get("window")
            else None
        )
        return self._respond(
            app_services.application_start(actor=self.actor, system=system, window=window),
            status.HTTP_201_CREATED,
        )

    @extend_schema(request=s.ApplicationScopeInputSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["put"])
    def scope(self, request: Request, pk: str | None = None) -> Response:
        application = self.get_object()
        data = _valid(s.ApplicationScopeInputSerializer, request)
        lots = list(scoped(Lot, self.actor).filter(pk__in=data["lots"]))
        settings = list(scoped(Setting, self.actor).filter(pk__in=data["settings"]))
        unknown = {
            name: [message]
            for name, found, given, message in (
                ("lots", lots, data["lots"], "One of these ids is not a lot."),
                (
                    "settings",
                    settings,
                    data["settings"],
                    "One of these ids is not a setting of yours.",
                ),
            )
            if len(found) != len(set(given))
        }
        if unknown:
            raise InvalidInput.on_fields(unknown)
        return self._respond(
            app_services.application_set_scope(
                actor=self.actor, application=application, lots=lots, settings=settings
            )
        )

    @extend_schema(request=s.EvidenceIdsSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["put"])
    def evidence(self, request: Request, pk: str | None = None) -> Response:
        application = self.get_object()
        ids = _valid(s.EvidenceIdsSerializer, request)["evidence"]
        chosen = list(scoped(Evidence, self.actor).filter(pk__in=ids))
        if len(chosen) != len(set(ids)):
            raise InvalidInput.on_fields(
                {"evidence": ["One of these ids is not evidence of yours."]}
            )
        return self._respond(
            app_services.application_set_evidence(
                actor=self.actor, application=application, evidence=chosen
            )
        )

    @extend_schema(request=s.ApplicationPricesInputSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["put"])
    def prices(self, request: Request, pk: str | None = None) -> Response:
        """Body: {"prices": [{"setting": "1", "lot": "2", "weekly_price": "3250.00"}, ...]}."""
        application = self.get_object()
        rows = _valid(s.ApplicationPricesInputSerializer, request)["prices"]
        try:
            prices = {(int(r["setting"]), int(r["lot"])): r.get("weekly_price", "") for r in rows}
        except (KeyError, ValueError) as exc:
            raise InvalidInput.on_fields(
                {"prices": ["Give each price the ids of its setting and its lot."]}
            ) from exc
        return self._respond(
            price_services.application_set_prices(
                actor=self.actor, application=application, prices=prices
            )
        )

    @extend_schema(
        request=s.ApplicationServiceInputSerializer, responses={201: s.ApplicationSerializer}
    )
    @action(detail=True, methods=["post"], url_path="service-prices")
    def service_prices(self, request: Request, pk: str | None = None) -> Response:
        application = self.get_object()
        data = _valid(s.ApplicationServiceInputSerializer, request)
        setting = get_scoped_or_404(Setting, self.actor, pk=data.pop("setting"))
        price_services.application_add_service_price(
            actor=self.actor, application=application, setting=setting, **data
        )
        return self._respond(application, status.HTTP_201_CREATED)

    @extend_schema(request=s.DeclarationsSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["put"])
    def declarations(self, request: Request, pk: str | None = None) -> Response:
        application = self.get_object()
        return self._respond(
            app_services.application_declare(
                actor=self.actor,
                application=application,
                **_valid(s.DeclarationsSerializer, request),
            )
        )

    @extend_schema(request=None, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._respond(
            submission.application_submit(actor=self.actor, application=self.get_object())
        )

    @extend_schema(request=s.WithdrawalInputSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        reason = _valid(s.WithdrawalInputSerializer, request)["reason"]
        return self._respond(
            submission.application_withdraw(
                actor=self.actor, application=self.get_object(), reason=reason
            )
        )

    @extend_schema(responses=s.EvaluatorRequirementResultSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_fields=[])
    def results(self, request: Request, pk: str | None = None) -> Response:
        """Requirement results as the caller may see them (the provider: final results after
        the outcome)."""
        application = self.get_object()
        results = (
            scoped(RequirementResult, self.actor)
            .filter(application=application)
            .prefetch_related("decisions")
            .order_by("id")
        )
        return Response(s.requirement_result_serializer_for(self.actor)(results, many=True).data)

    @extend_schema(request=s.EvaluationInputSerializer, responses=s.EvaluationRecordedSerializer)
    @action(detail=True, methods=["post"], url_path="evaluation")
    def evaluation(self, request: Request, pk: str | None = None) -> Response:
        application = self.get_object()
        data = _valid(s.EvaluationInputSerializer, request)
        decisions = {d["result"]: (d["verdict"], d["reason"]) for d in data["decisions"]}
        saved = eval_services.evaluation_record(
            actor=self.actor, application=application, decisions=decisions
        )
        return Response(s.EvaluationRecordedSerializer({"recorded": len(saved)}).data)

    @extend_schema(request=s.ModerationInputSerializer, responses=s.ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def moderation(self, request: Request, pk: str | None = None) -> Response:
        application = self.get_object()
        data = _valid(s.ModerationInputSerializer, request)
        resolutions = {d["result"]: (d["verdict"], d["reason"]) for d in data["resolutions"]}
        eval_services.application_moderate(
            actor=self.actor,
            application=application,
            reason=data["reason"],
            resolutions=resolutions,
        )
        return self._respond(application)

    @extend_schema(
        request=s.ClarificationInputSerializer, responses={201: s.ClarificationSerializer}
    )
    @action(detail=True, methods=["post"])
    def clarifications(self, request: Request, pk: str | None = None) -> Response:
        application = self.get_object()
        data = _valid(s.ClarificationInputSerializer, request)
        result_id = data.pop("result", None)
        result = (
            get_scoped_or_404(RequirementResult, self.actor, pk=result_id, application=application)
            if result_id
            else None
        )
        question = clarifications.clarification_ask(
            actor=self.actor, application=application, result=result, **data
        )
        return Response(s.ClarificationSerializer(question).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.AgreementSignInputSerializer, responses={201: s.LeadMembershipSerializer}
    )
    @action(detail=True, methods=["post"])
    def agreement(self, request: Request, pk: str | None = None) -> Response:
        membership = agreement_sign(
            actor=self.actor,
            application=self.get_object(),
            **_valid(s.AgreementSignInputSerializer, request),
        )
        shape = s.membership_serializer_for(self.actor)
        return Response(shape(membership).data, status=status.HTTP_201_CREATED)


class ClarificationViewSet(ScopedReadOnlyViewSet[ClarificationQuestion]):
    model = ClarificationQuestion
    serializer_class = s.ClarificationSerializer
    access = roles(Role.PROVIDER_USER, Role.LEAD_EVALUATOR)
    filterset_fields = ["application"]
    action_rules = {"answer": PROVIDERS}

    @extend_schema(
        request=s.ClarificationAnswerInputSerializer, responses=s.ClarificationSerializer
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        answered = clarifications.clarification_answer(
            actor=self.actor,
            clarification=self.get_object(),
            answer=_valid(s.ClarificationAnswerInputSerializer, request)["answer"],
        )
        return Response(s.ClarificationSerializer(answered).data)


class MembershipViewSet(ScopedReadOnlyViewSet[FpsMembership]):
    """Memberships of the purchasing system, with state changes for the lead authority (and a
    provider's own withdrawal)."""

    model = FpsMembership
    # The schema documents the lead evaluators' shape; every other role gets fewer fields (see
    # `membership_serializer_for`), and the fields a role may not see are optional in it.
    serializer_class = s.LeadMembershipSerializer
    filterset_fields = ["state", "purchasing_system"]
    # The lead authority suspends, reinstates and removes; a provider withdraws its own.
    action_rules = {
        "change": either(
            LEAD_EVALUATORS,
            PROVIDERS,
            message="Only the lead authority's evaluators and the provider itself can change a "
            "membership.",
        )
    }

    def get_serializer_class(self) -> type[s.LeadMembershipSerializer]:
        if getattr(self, "swagger_fake_view", False):
            return s.LeadMembershipSerializer
        return s.membership_serializer_for(self.actor)

    def optimise(self, queryset: QuerySet[FpsMembership]) -> QuerySet[FpsMembership]:
        return queryset.select_related("provider", "agreement_version")

    @extend_schema(request=s.MembershipChangeSerializer, responses=s.LeadMembershipSerializer)
    @action(detail=True, methods=["post"])
    def change(self, request: Request, pk: str | None = None) -> Response:
        membership = self.get_object()
        data = _valid(s.MembershipChangeSerializer, request)
        changed = membership_change(actor=self.actor, membership=membership, **data)
        return Response(self.get_serializer_class()(changed).data)
