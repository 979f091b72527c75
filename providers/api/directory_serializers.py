"""Output and input shapes of the settings API. The public shape has no price and no contact."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from fps_portal.api.fields import column_limit, model_text
from providers.inspections.bands import Band
from providers.inspections.selectors import grade_rows
from providers.models import Gender, InspectionJudgement, Setting
from providers.selectors.search.query import prefetched_specialisms
from providers.services.setting_lifecycle import REASON_MAX, REASON_MISSING, REASON_TOO_LONG


def _band(setting: Setting) -> dict[str, Any]:
    return {
        "band": setting.current_band,
        "label": setting.get_current_band_display(),
        "grade": setting.current_band_summary,
        "as_at": setting.current_band_as_at.isoformat() if setting.current_band_as_at else None,
        # A fail band the lead authority has still to decide on (quality's rating alerts).
        "under_review_since": (
            setting.under_review_since.isoformat() if setting.under_review_since else None
        ),
    }


def _specialisms(setting: Setting) -> list[dict[str, str]]:
    return [{"code": s.code, "name": s.name} for s in prefetched_specialisms(setting)]


def public_setting(setting: Setting) -> dict[str, Any]:
    """What anyone may see of a setting on the FPS."""
    distance = getattr(setting, "distance", None)
    data: dict[str, Any] = {
        "id": setting.pk,
        "name": setting.name,
        "provider": setting.provider.name,
        "town": setting.town,
        "postcode_district": setting.postcode_district,
        "host_authority": setting.host_authority.name if setting.host_authority else None,
        "age_from": setting.age_from,
        "age_to": setting.age_to,
        "gender": setting.gender,
        "offers_day": setting.offers_day,
        "offers_residential": setting.offers_residential,
        "specialisms": _specialisms(setting),
        "has_vacancies": setting.vacancies > 0,
        "inspection": _band(setting),
        "public_summary": setting.public_summary,
    }
    if hasattr(setting, "distance"):
        data["distance_miles"] = round(distance, 1) if distance is not None else None
    return data


def search_result(setting: Setting) -> dict[str, Any]:
    """A result for authority staff and providers: the facts a commissioner compares."""
    data = public_setting(setting)
    price = getattr(setting, "lot_price", None)
    data.update(
        {
            "urn": setting.urn,
            "postcode": setting.postcode,
            "lot": getattr(setting, "lot_code", None),
            "weekly_price": f"{price:.2f}" if price is not None else None,
            # The approved price stands until the lead authority accepts a proposed change.
            "price_change_pending": setting.price_change_pending,
            # An insurance item expired and no renewal is accepted yet (quality's expiry clock).
            "insurance_expired": setting.insurance_expired,
            "vacancies": setting.vacancies,
            "capacity": setting.capacity,
        }
    )
    return data


def setting_detail(
    setting: Setting, *, offers: list[Any], services: list[Any], judgements: list[Any]
) -> dict[str, Any]:
    data = search_result(setting)
    data.pop("lot", None)
    data.pop("weekly_price", None)
    data.update(
        {
            "dfe_number": setting.dfe_number,
            "address": setting.address,
            "phone": setting.phone,
            "email": setting.email,
            "website": setting.website,
            "primary_needs": [n.code for n in setting.primary_needs.all()],
            "lots": [
                {
                    "lot": o.lot.code,
                    "name": o.lot.name,
                    "weekly_price": f"{o.weekly_price:.2f}",
                    "price_effective_from": o.price_effective_from.isoformat(),
                    "approved": o.approved_at is not None,
                    "change_pending": o.change_pending,
                }
                for o in offers
            ],
            "additional_services": [
                {"name": s.name, "unit": s.unit, "rate": f"{s.rate:.2f}"} for s in services
            ],
            "judgements": [judgement_out(j) for j in judgements],
        }
    )
    return data


def judgement_out(j: Any, *, public: bool = False) -> dict[str, Any]:
    data = {
        "id": j.pk,
        "framework": j.framework,
        "remit": j.remit,
        "inspection_number": j.inspection_number,
        "inspection_start_date": j.inspection_start_date.isoformat(),
        "publication_date": j.publication_date.isoformat() if j.publication_date else None,
        "grades": [{"area": label, "grade": grade} for label, grade in grade_rows(j)],
        "category_of_concern": j.category_of_concern,
        "band": j.band,
        "band_reasons": j.band_reasons,
        "rule_version": j.rule_version,
    }
    if not public:
        data.update(
            {
                "relates_to_current_urn": j.relates_to_current_urn,
                "source": j.source,
                "source_reference": j.source_reference,
                # Only "confirmed" counts towards the setting's band.
                "check_status": j.check_status,
                "checked_at": j.checked_at.isoformat() if j.checked_at else None,
                "check_reason": j.check_reason,
            }
        )
    return data


# The search's answer, for the schema only: the functions above build it. What a forum member
# gets is the public part; the rest is there for authority staff and providers only, and
# `distance_miles` only when the search has a location.


class SpecialismOutSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class BandOutSerializer(serializers.Serializer):
    band = serializers.ChoiceField(choices=Band.choices)
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    grade = serializers.CharField(help_text="The grades that decided the band, in words.")
    as_at = serializers.DateField(allow_null=True)
    under_review_since = serializers.DateTimeField(
        allow_null=True, help_text="A fail band the lead authority has still to decide on."
    )


class SettingOutSerializer(serializers.Serializer):
    """What the search and a setting's own answer share: the public part (every reader's) and,
    `required=False`, the part forum members are not given."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    provider = serializers.CharField()
    town = serializers.CharField()
    postcode_district = serializers.CharField()
    host_authority = serializers.CharField(allow_null=True)
    age_from = serializers.IntegerField()
    age_to = serializers.IntegerField()
    gender = serializers.ChoiceField(choices=Gender.choices)
    offers_day = serializers.BooleanField()
    offers_residential = serializers.BooleanField()
    specialisms = SpecialismOutSerializer(many=True)
    has_vacancies = serializers.BooleanField()
    inspection = BandOutSerializer()
    public_summary = serializers.CharField()
    # Not for forum members:
    urn = serializers.CharField(required=False, allow_null=True)
    postcode = serializers.CharField(required=False)
    price_change_pending = serializers.BooleanField(required=False)
    insurance_expired = serializers.BooleanField(required=False)
    vacancies = serializers.IntegerField(required=False)
    capacity = serializers.IntegerField(required=False)


class SettingSearchResultSerializer(SettingOutSerializer):
    distance_miles = serializers.FloatField(
        required=False, allow_null=True, help_text="With `postcode` or `authority` only."
    )
    # Not for forum members:
    lot = serializers.CharField(
        required=False, allow_null=True, help_text="The lot the price is on."
    )
    weekly_price = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True
    )


class GradeOutSerializer(serializers.Serializer):
    area = serializers.CharField()
    grade = serializers.CharField(
        help_text='As published, with its meaning: "3 (Requires improvement)".'
    )


class JudgementOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    framework = serializers.CharField()
    remit = serializers.CharField()
    inspection_number = serializers.CharField()
    inspection_start_date = serializers.DateField()
    publication_date = serializers.DateField(allow_null=True)
    grades = GradeOutSerializer(many=True)
    category_of_concern = serializers.CharField()
    band = serializers.ChoiceField(choices=Band.choices)
    band_reasons = serializers.ListField(child=serializers.CharField())
    rule_version = serializers.CharField()
    # Not for forum members:
    relates_to_current_urn = serializers.BooleanField(required=False)
    source = serializers.CharField(required=False)  # type: ignore[assignment]
    source_reference = serializers.CharField(required=False)
    check_status = serializers.CharField(
        required=False, help_text='Only "confirmed" counts towards the setting\'s band.'
    )
    checked_at = serializers.DateTimeField(required=False, allow_null=True)
    check_reason = serializers.CharField(required=False)


class JudgementRecordedSerializer(JudgementOutSerializer):
    setting_band = serializers.ChoiceField(
        choices=Band.choices, help_text="The setting's band once this judgement is counted."
    )


class LotOfferOutSerializer(serializers.Serializer):
    lot = serializers.CharField()
    name = serializers.CharField()
    weekly_price = serializers.DecimalField(max_digits=10, decimal_places=2)
    price_effective_from = serializers.DateField()
    approved = serializers.BooleanField()
    change_pending = serializers.BooleanField()


class AdditionalServiceOutSerializer(serializers.Serializer):
    name = serializers.CharField()
    unit = serializers.CharField()
    rate = serializers.DecimalField(max_digits=10, decimal_places=2)


class SettingWithdrawnSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawal_reason = serializers.CharField()
    listed = serializers.BooleanField()


# The search pages itself (with its counts and facets): not a list for drf-spectacular to wrap in
# the cursor pagination's envelope.
@extend_schema_serializer(many=False)
class SettingSearchPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(allow_null=True)
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SettingSearchResultSerializer(many=True)
    facets = serializers.DictField(
        allow_null=True,
        help_text="`total`, and for each filter the count of results each of its values gives.",
    )


class SettingDetailSerializer(SettingOutSerializer):
    """A setting as `retrieve` and a provider's writes answer it: a forum member gets the
    search's public part and the published judgements; staff and providers all of it."""

    judgements = JudgementOutSerializer(many=True)
    # Not for forum members:
    dfe_number = serializers.CharField(required=False)
    address = serializers.CharField(required=False)
    phone = serializers.CharField(required=False)
    email = serializers.CharField(required=False)
    website = serializers.CharField(required=False)
    primary_needs = serializers.ListField(child=serializers.CharField(), required=False)
    lots = LotOfferOutSerializer(many=True, required=False)
    additional_services = AdditionalServiceOutSerializer(many=True, required=False)


class JudgementCheckInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["confirmed", "rejected"])
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class SettingInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    postcode = serializers.CharField(max_length=10)
    age_from = serializers.IntegerField()
    age_to = serializers.IntegerField()
    urn = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    dfe_number = serializers.CharField(max_length=8, required=False, allow_blank=True, default="")
    address = serializers.CharField(required=False, allow_blank=True, default="")
    town = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    host_authority = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        default=None,
        help_text="The authority's ONS code, e.g. E06000049.",
    )
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, default=Gender.MIXED)
    offers_day = serializers.BooleanField(required=False, default=True)
    offers_residential = serializers.BooleanField(required=False, default=False)
    capacity = serializers.IntegerField(required=False, default=0)
    vacancies = serializers.IntegerField(required=False, default=0)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    email = serializers.EmailField(
        max_length=column_limit(Setting, "email"),
        required=False,
        allow_blank=True,
        default="",
    )
    website = serializers.URLField(
        max_length=column_limit(Setting, "website"),
        required=False,
        allow_blank=True,
        default="",
    )
    public_summary = serializers.CharField(required=False, allow_blank=True, default="")
    specialisms = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text="Area of need codes. A setting needs at least one area or primary need.",
    )
    primary_needs = serializers.ListField(
        child=serializers.CharField(), required=False, default=list
    )


class PriceInputSerializer(serializers.Serializer):
    lot = serializers.CharField(help_text="The lot's code, e.g. A1.")
    weekly_price = serializers.CharField(help_text="Pounds and pence, e.g. 3250.00.")
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="Why an approved price changes: the lead authority reads it when it decides.",
    )


class SettingWithdrawalInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=REASON_MAX,
        help_text="Why the setting is withdrawn (closed, no longer offers places): the lead "
        "authority is told.",
        error_messages={
            "required": REASON_MISSING,
            "blank": REASON_MISSING,
            "max_length": REASON_TOO_LONG,
        },
    )


class JudgementInputSerializer(serializers.Serializer):
    framework = model_text(InspectionJudgement, "framework", "The framework")
    remit = model_text(
        InspectionJudgement, "remit", "The remit", required=False, allow_blank=True, default=""
    )
    inspection_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=30
    )
    inspection_start_date = serializers.DateField()
    publication_date = serializers.DateField(required=False, allow_null=True, default=None)
    grades = serializers.DictField(child=serializers.CharField(allow_blank=True))
    category_of_concern = model_text(
        InspectionJudgement,
        "category_of_concern",
        "The category of concern",
        required=False,
        allow_blank=True,
        default="",
    )
    relates_to_current_urn = serializers.BooleanField(required=False, default=True)
    source_reference = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )
