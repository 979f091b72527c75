"""/api/v1/settings/: the search (the same form and query as the page), a setting, and a provider's
own settings, prices and judgements.

Authority staff search the settings on the FPS; a provider lists and edits its own; a forum
member gets the public shape, with no price (and `max_weekly_price` is not a parameter for it).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from fps_portal.access import DIRECTORY_READERS, LEAD_EVALUATORS, PROVIDERS, Access, either
from fps_portal.accounts.models import Organisation, OrganisationKind
from fps_portal.api.base import ScopedGenericViewSet
from fps_portal.errors import InvalidInput, NotAllowed
from fps_portal.scoping import scoped
from fps_portal.text import is_number
from providers.api.directory_serializers import (
    JudgementCheckInputSerializer,
    JudgementInputSerializer,
    JudgementRecordedSerializer,
    PriceInputSerializer,
    SettingDetailSerializer,
    SettingInputSerializer,
    SettingSearchPageSerializer,
    SettingWithdrawalInputSerializer,
    SettingWithdrawnSerializer,
    judgement_out,
    public_setting,
    search_result,
    setting_detail,
)
from providers.inspections.services import JudgementData, judgement_check, judgement_record
from providers.models import (
    AdditionalService,
    InspectionJudgement,
    JudgementSource,
    Lot,
    PrimaryNeed,
    Setting,
    SettingLot,
    Specialism,
)
from providers.selectors.search.criteria import SettingSearchForm
from providers.selectors.search.facets import Facets
from providers.selectors.search.run import counts_by_parameter, run_search, unknown_parameters
from providers.services.setting_lifecycle import setting_delete, setting_withdraw
from providers.services.setting_prices import setting_set_price
from providers.services.settings import SettingData, setting_create, setting_update

SEARCH_PARAMETERS = [
    OpenApiParameter(name, OpenApiTypes.STR, description=text)
    for name, text in [
        ("lot", "Lot code, e.g. A1."),
        ("specialism", "Area of need code, e.g. semh."),
        ("need", "Primary need code, e.g. ASD."),
        ("postcode", "Full postcode or outward code; results carry distance_miles."),
        ("authority", "ONS code of the authority to measure from (its reference district)."),
        ("radius_miles", "Only settings within this distance of postcode or authority."),
        ("host_authority", "ONS code of the authority the setting is in."),
        ("age", "The child's age: within the setting's range."),
        ("gender", "boys (boys-only or mixed), girls (girls-only or mixed) or mixed."),
        (
            "max_weekly_price",
            "On the chosen lot, or the cheapest lot if none chosen. Not for forums.",
        ),
        ("band", "pass, concern, fail or unknown."),
        ("has_vacancies", "true or false."),
        (
            "residential",
            "true: settings offering residential places; false: settings offering day places "
            "(a setting may offer both).",
        ),
        (
            "ordering",
            "distance, price, -price, band or name. Default: distance with a location, else name.",
        ),
        ("cursor", "From next/previous."),
        ("page_size", "1 to 200, default 50."),
    ]
]


def _facets_out(facets: Facets | None, form: SettingSearchForm) -> dict[str, Any] | None:
    """Every value of each filter with its count (zeros included, so the keys never vary).

    The form has already read the lots, areas of need, needs and authorities: no more queries.
    """
    if facets is None:
        return None
    return {"total": facets.total, **counts_by_parameter(facets, form)}


class SettingViewSet(ScopedGenericViewSet[Setting]):
    """Find a setting, read one, and (providers) add and edit their own."""

    model = Setting
    serializer_class = SettingInputSerializer
    action_rules = {
        **dict.fromkeys(["list", "retrieve"], DIRECTORY_READERS),
        **dict.fromkeys(
            ["create", "partial_update", "prices", "withdraw", "destroy"],
            Access(PROVIDERS.allows, "Only a provider's own users can add or change its settings."),
        ),
        "judgements": either(
            LEAD_EVALUATORS,
            PROVIDERS,
            message="Only the lead authority or the setting's provider can record its judgements.",
        ),
        "check_judgement": Access(
            LEAD_EVALUATORS.allows, "Only the lead authority's evaluators can check a judgement."
        ),
    }

    def _public(self) -> bool:
        return self.actor.is_forum

    @extend_schema(
        operation_id="settings_search",
        parameters=SEARCH_PARAMETERS,
        responses=SettingSearchPageSerializer,
    )
    def list(self, request: Request) -> Response:
        public = self._public()
        outcome_form_params = request.query_params
        outcome = run_search(self.actor, outcome_form_params, public=public, with_price=not public)
        unknown = unknown_parameters(outcome.form, request.query_params, extra=("format",))
        if unknown:
            raise ValidationError(
                {name: ["This is not a parameter of this list."] for name in unknown}
            )
        # Each filter takes one value: `lot=A1&lot=A3` would otherwise quietly mean A3.
        repeated = sorted(k for k, v in request.query_params.lists() if len(v) > 1)
        if repeated:
            raise ValidationError(
                {
                    name: ["Give this parameter once: each filter takes one value."]
                    for name in repeated
                }
            )
        if not outcome.form.is_valid() or outcome.page is None:
            raise ValidationError(
                {name: [str(e) for e in errors] for name, errors in outcome.form.errors.items()}
            )
        shape = public_setting if public else search_result
        url = request.build_absolute_uri()
        page = outcome.page
        return Response(
            {
                "count": outcome.facets.total if outcome.facets else None,
                "next": replace_query_param(url, "cursor", page.next_cursor)
                if page.next_cursor
                else None,
                "previous": replace_query_param(url, "cursor", page.previous_cursor)
                if page.previous_cursor
                else None,
                "results": [shape(s) for s in page.rows],
                "facets": _facets_out(outcome.facets, outcome.form),
            }
        )

    def _setting(self, pk: str) -> Setting:
        qs = scoped(Setting, self.actor)
        if self.actor.is_forum:
            from providers.selectors.search.query import on_the_fps

            qs = on_the_fps(qs)
        setting = (
            qs.select_related("provider", "host_authority")
            .prefetch_related("specialisms", "primary_needs")
            .filter(pk=pk)
            .first()
            # ASCII digits only: "²" is a digit to str.isdigit() but not to int() (a 500 the
            # fuzzing gate found).
            if is_number(str(pk))
            else None
        )
        if setting is None:
            raise Http404
        return setting

    @extend_schema(responses=SettingDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        setting = self._setting(pk)
        actor = self.actor
        judgements = list(scoped(InspectionJudgement, actor).filter(setting=setting))
        if self._public():
            data = public_setting(setting)
            # The forum's scope already applies `published_judgements`.
            data["judgements"] = [judgement_out(j, public=True) for j in judgements]
            return Response(data)
        offers = list(scoped(SettingLot, actor).filter(setting=setting).select_related("lot"))
        if not (actor.is_provider or actor.is_lead_evaluator):
            offers = [o for o in offers if o.approved_at is not None]
        services = list(scoped(AdditionalService, actor).filter(setting=setting))
        return Response(
            setting_detail(setting, offers=offers, services=services, judgements=judgements)
        )

    def _data(self, payload: dict[str, Any], *, base: dict[str, Any] | None = None) -> SettingData:
        values = {**(base or {}), **payload}
        host_code = values.get("host_authority") or ""
        host = None
        if host_code:
            host = (
                scoped(Organisation, self.actor)
                .filter(kind=OrganisationKind.AUTHORITY, ons_code=host_code)
                .first()
            )
            if host is None:
                raise InvalidInput(
                    "Unknown authority.",
                    fields={"host_authority": [f"No authority has ONS code {host_code}."]},
                )
        specialisms = list(
            scoped(Specialism, self.actor).filter(code__in=values.get("specialisms") or [])
        )
        needs = list(
            scoped(PrimaryNeed, self.actor)
            .select_related("specialism")
            .filter(code__in=values.get("primary_needs") or [])
        )
        for name, given, found in (
            ("specialisms", values.get("specialisms") or [], specialisms),
            ("primary_needs", values.get("primary_needs") or [], needs),
        ):
            missing = sorted(set(given) - {o.code for o in found})
            if missing:
                raise InvalidInput(
                    "Unknown code.", fields={name: [f"Unknown code: {', '.join(missing)}."]}
                )
        fields = {
            k: v
            for k, v in values.items()
            if k not in ("host_authority", "specialisms", "primary_needs")
        }
        return SettingData(
            **fields, host_authority=host, specialisms=specialisms, primary_needs=needs
        )

    @extend_schema(request=SettingInputSerializer, responses={201: SettingDetailSerializer})
    def create(self, request: Request) -> Response:
        serializer = SettingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        setting = setting_create(actor=self.actor, data=self._data(dict(serializer.validated_data)))
        return Response(self._detail(setting), status=status.HTTP_201_CREATED)

    def _detail(self, setting: Setting) -> dict[str, Any]:
        fresh = self._setting(str(setting.pk))
        offers = list(scoped(SettingLot, self.actor).filter(setting=fresh).select_related("lot"))
        services = list(scoped(AdditionalService, self.actor).filter(setting=fresh))
        judgements = list(scoped(InspectionJudgement, self.actor).filter(setting=fresh))
        return setting_detail(fresh, offers=offers, services=services, judgements=judgements)

    def _own(self, pk: str) -> Setting:
        setting = self._setting(pk)
        if not (self.actor.is_provider and setting.provider_id == self.actor.organisation_id):
            raise NotAllowed("Only the provider's own users can change its settings.")
        return setting

    @extend_schema(request=SettingInputSerializer, responses=SettingDetailSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        setting = self._own(pk)
        serializer = SettingInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        base = {
            "name": setting.name,
            "postcode": setting.postcode,
            "age_from": setting.age_from,
            "age_to": setting.age_to,
            "urn": setting.urn or "",
            "dfe_number": setting.dfe_number,
            "address": setting.address,
            "town": setting.town,
            "host_authority": setting.host_authority.ons_code if setting.host_authority else None,
            "gender": setting.gender,
            "offers_day": setting.offers_day,
            "offers_residential": setting.offers_residential,
            "capacity": setting.capacity,
            "vacancies": setting.vacancies,
            "phone": setting.phone,
            "email": setting.email,
            "website": setting.website,
            "public_summary": setting.public_summary,
            "specialisms": [s.code for s in setting.specialisms.all()],
            "primary_needs": [n.code for n in setting.primary_needs.all()],
        }
        given = {k: v for k, v in serializer.validated_data.items() if k in request.data}
        setting_update(actor=self.actor, setting=setting, data=self._data(given, base=base))
        return Response(self._detail(setting))

    @extend_schema(request=SettingWithdrawalInputSerializer, responses=SettingWithdrawnSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """Withdraws the provider's own setting from the FPS and its list, with the reason (the
        lead authority's evaluators are told); 409 while it is in an application the lead
        authority has not decided, or when it was already withdrawn. The row stays, for the
        record of the applications that name it."""
        setting = self._own(pk)
        serializer = SettingWithdrawalInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        withdrawn = setting_withdraw(
            actor=self.actor, setting=setting, reason=serializer.validated_data["reason"]
        )
        return Response(
            {
                "id": withdrawn.pk,
                "name": withdrawn.name,
                "withdrawn_at": withdrawn.withdrawn_at.isoformat()
                if withdrawn.withdrawn_at
                else None,
                "withdrawal_reason": withdrawn.withdrawal_reason,
                "listed": withdrawn.listed,
            }
        )

    @extend_schema(request=None, responses={status.HTTP_204_NO_CONTENT: None})
    def destroy(self, request: Request, pk: str) -> Response:
        """Deletes the provider's own setting that was never part of a submitted application
        (a draft, a mistake, a duplicate); 409 otherwise (withdraw it instead), or while
        documents of its own are in the evidence library."""
        setting_delete(actor=self.actor, setting=self._own(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=PriceInputSerializer, responses=SettingDetailSerializer)
    @action(detail=True, methods=["post"])
    def prices(self, request: Request, pk: str) -> Response:
        """Sets the indicative weekly price of one lot; for an approved lot, proposes the new price
        to the lead authority (`/api/v1/price-changes/`): the approved price stands until then."""
        setting = self._own(pk)
        serializer = PriceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lot = scoped(Lot, self.actor).filter(code=serializer.validated_data["lot"]).first()
        if lot is None:
            raise InvalidInput(
                "Unknown lot.",
                fields={"lot": [f"No lot has code {serializer.validated_data['lot']}."]},
            )
        try:
            setting_set_price(
                actor=self.actor,
                setting=setting,
                lot=lot,
                weekly_price=serializer.validated_data["weekly_price"],
                change_reason=serializer.validated_data["reason"],
            )
        except InvalidInput as exc:
            raise InvalidInput(exc.message, fields={"weekly_price": [exc.message]}) from exc
        return Response(self._detail(setting))

    # 201 when the judgement is new or changed, 200 when it was recorded already.
    @extend_schema(
        request=JudgementInputSerializer,
        responses={201: JudgementRecordedSerializer, 200: JudgementRecordedSerializer},
    )
    @action(detail=True, methods=["post"])
    def judgements(self, request: Request, pk: str) -> Response:
        """Records an inspection judgement (lead evaluators; the setting's own provider)."""
        setting = self._setting(pk)
        serializer = JudgementInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        judgement, changed = judgement_record(
            actor=self.actor,
            setting=setting,
            data=JudgementData(**serializer.validated_data, source=JudgementSource.API),
        )
        setting.refresh_from_db()
        body = judgement_out(judgement)
        body["setting_band"] = setting.current_band
        return Response(body, status=status.HTTP_201_CREATED if changed else status.HTTP_200_OK)

    @extend_schema(request=JudgementCheckInputSerializer, responses=JudgementRecordedSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"judgements/(?P<judgement_pk>[0-9]+)/check",
        url_name="judgement-check",
    )
    def check_judgement(self, request: Request, pk: str, judgement_pk: str) -> Response:
        """Confirms or rejects a judgement the provider reported (the lead authority's
        evaluators); 409 when it is not awaiting check."""
        setting = self._setting(pk)
        judgement = (
            scoped(InspectionJudgement, self.actor).filter(setting=setting, pk=judgement_pk).first()
        )
        if judgement is None:
            raise Http404
        serializer = JudgementCheckInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        checked = judgement_check(
            judgement=judgement,
            actor=self.actor,
            outcome=serializer.validated_data["outcome"],
            reason=serializer.validated_data["reason"],
        )
        setting.refresh_from_db()
        body = judgement_out(checked)
        body["setting_band"] = setting.current_band
        return Response(body)
