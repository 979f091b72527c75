"""Serializers of the Orders and agreements API. Outputs read the rows (one shape: only the two
parties ever read an Order or an agreement, and both sign the same document); inputs only parse,
and the services say what is wrong, on the same fields as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contracts.models import (
    Agreement,
    AgreementVersion,
    FeePeriod,
    Order,
    Party,
    RenderedPdf,
    Signature,
    VersionState,
)
from fps_portal.api.fields import model_text

SHA256_LENGTH = 64


class PdfSerializer(serializers.ModelSerializer[RenderedPdf]):
    """A stored PDF: what a client checks a download against."""

    class Meta:
        model = RenderedPdf
        fields = ["kind", "sha256", "size_bytes", "pages", "rendered_at"]
        read_only_fields = fields


class OrderSerializer(serializers.ModelSerializer[Order]):
    authority_name = serializers.CharField(source="authority.name", read_only=True)
    referral_reference = serializers.CharField(source="referral.reference", read_only=True)
    annual_value = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    agreement = serializers.SerializerMethodField(
        help_text="The Individual Placement Agreement made with the Order."
    )
    pdf = serializers.SerializerMethodField(
        help_text="The Order's PDF once the worker has stored it (null until then)."
    )

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "authority",
            "authority_name",
            "provider",
            "provider_name",
            "setting",
            "setting_name",
            "referral",
            "referral_reference",
            "route",
            "under_fps_agreement",
            "places",
            "weekly_price",
            "weeks_per_year",
            "annual_value",
            "start_date",
            "end_date",
            "issued_at",
            "agreement",
            "pdf",
        ]
        read_only_fields = fields

    def get_agreement(self, order: Order) -> int | None:
        agreement = getattr(order, "agreement", None)
        return agreement.pk if agreement is not None else None

    @extend_schema_field(PdfSerializer(allow_null=True))
    def get_pdf(self, order: Order) -> dict[str, Any] | None:
        pdf = next(iter(order.pdfs.all()), None)  # prefetched: an Order has one PDF
        return dict(PdfSerializer(pdf).data) if pdf is not None else None


class SignatureSerializer(serializers.ModelSerializer[Signature]):
    """A signature: the party, the person, the role they signed in, when, and the SHA-256 of
    the exact version they signed."""

    class Meta:
        model = Signature
        fields = ["party", "name", "position", "organisation_name", "signed_at", "content_sha256"]
        read_only_fields = fields


class VersionSummarySerializer(serializers.ModelSerializer[AgreementVersion]):
    """A version without its terms: its state, the hash signed, the signatures and the PDFs."""

    signatures = SignatureSerializer(many=True, read_only=True)
    pdfs = serializers.SerializerMethodField()

    class Meta:
        model = AgreementVersion
        fields = [
            "number",
            "state",
            "content_sha256",
            "reason",
            "effective_from",
            "created_at",
            "issued_at",
            "provider_signed_at",
            "signed_at",
            "withdrawn_at",
            "withdrawal_reason",
            "signatures",
            "pdfs",
        ]
        read_only_fields = fields

    @extend_schema_field(PdfSerializer(many=True))
    def get_pdfs(self, version: AgreementVersion) -> list[dict[str, Any]]:
        """The version's stored PDFs (the view reads them for every version at once, as
        `pdfs`: version id -> PDFs)."""
        pdfs = self.context.get("pdfs", {}).get(version.pk, [])
        return list(PdfSerializer(pdfs, many=True).data)


class VersionSerializer(VersionSummarySerializer):
    """A version with its terms, as both parties read (and sign) it."""

    terms = serializers.JSONField(
        read_only=True, help_text="The IPA's terms: every item of seed 001 §3.11."
    )

    class Meta(VersionSummarySerializer.Meta):
        fields = [*VersionSummarySerializer.Meta.fields, "terms"]
        read_only_fields = fields


class FeePeriodSerializer(serializers.ModelSerializer[FeePeriod]):
    """A period of the fee history; `version_number` from the context's `numbers` (version id
    -> number), read with the versions rather than once per period."""

    version_number = serializers.SerializerMethodField()

    class Meta:
        model = FeePeriod
        fields = ["weekly_fee", "weekly_services", "starts", "until", "version_number"]
        read_only_fields = fields

    def get_version_number(self, period: FeePeriod) -> int | None:
        numbers: dict[int, int] = self.context.get("numbers", {})
        return numbers.get(period.version_id)


class AgreementSerializer(serializers.ModelSerializer[Agreement]):
    """An agreement in a list: the terms in force, the parties and the dates; no terms, and no
    child's name (the detail's terms name the child, and reading them is audited)."""

    order_number = serializers.CharField(source="order.number", read_only=True)
    authority_name = serializers.CharField(source="authority.name", read_only=True)
    provider_name = serializers.CharField(source="order.provider_name", read_only=True)
    setting_name = serializers.CharField(source="order.setting_name", read_only=True)
    places = serializers.IntegerField(source="order.places", read_only=True)
    weekly_cost = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    annual_cost = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    current_version = serializers.SerializerMethodField(
        help_text="The number of the version in force (before the first signature, the draft)."
    )

    class Meta:
        model = Agreement
        fields = [
            "id",
            "reference",
            "order",
            "order_number",
            "state",
            "authority",
            "authority_name",
            "provider",
            "provider_name",
            "setting",
            "setting_name",
            "referral",
            "child",
            "places",
            "current_version",
            "weekly_fee",
            "weekly_services",
            "weekly_cost",
            "weeks_per_year",
            "annual_cost",
            "start_date",
            "end_date",
            "created_at",
            "issued_at",
            "provider_signed_at",
            "signed_at",
            "activated_at",
            "ended_at",
        ]
        read_only_fields = fields

    def get_current_version(self, agreement: Agreement) -> int | None:
        current = agreement.current_version  # joined by the list's queryset
        return current.number if current is not None else None


class AwaitingSerializer(serializers.Serializer[Any]):
    """The signature the agreement waits for: which party signs which version, with its hash."""

    party = serializers.CharField()
    version = serializers.IntegerField()
    content_sha256 = serializers.CharField()


class AgreementDetailSerializer(AgreementSerializer):
    """The agreement with the terms of the version in force, what it waits for, the fee history
    and every version's summary (each with its signatures)."""

    authority_signatory_name = serializers.CharField(
        source="authority_signatory.full_name", read_only=True, allow_null=True
    )
    terms = serializers.SerializerMethodField(
        help_text="The terms of the version in force (`current_version`): seed 001 §3.11."
    )
    awaiting = serializers.SerializerMethodField()
    fee_history = serializers.SerializerMethodField()
    versions = serializers.SerializerMethodField()

    class Meta(AgreementSerializer.Meta):
        fields = [
            *AgreementSerializer.Meta.fields,
            "authority_signatory_name",
            "terms",
            "awaiting",
            "fee_history",
            "versions",
        ]
        read_only_fields = fields

    def _versions(self) -> list[AgreementVersion]:
        versions: list[AgreementVersion] = self.context["versions"]
        return versions

    def _in_force(self, agreement: Agreement) -> AgreementVersion:
        """The version in force, from the versions read with the agreement (never its own
        query); the latest if none is set."""
        versions = self._versions()
        current = next((v for v in versions if v.pk == agreement.current_version_id), None)
        return current or max(versions, key=lambda v: v.number)

    def get_current_version(self, agreement: Agreement) -> int | None:
        return self._in_force(agreement).number

    @extend_schema_field(serializers.JSONField())
    def get_terms(self, agreement: Agreement) -> dict[str, Any]:
        return dict(self._in_force(agreement).terms)

    @extend_schema_field(AwaitingSerializer(allow_null=True))
    def get_awaiting(self, agreement: Agreement) -> dict[str, Any] | None:
        for version in self._versions():
            party = AWAITED_PARTY.get(version.state)
            if party is not None:
                return {
                    "party": party,
                    "version": version.number,
                    "content_sha256": version.content_sha256,
                }
        return None

    @extend_schema_field(FeePeriodSerializer(many=True))
    def get_fee_history(self, agreement: Agreement) -> list[dict[str, Any]]:
        numbers = {version.pk: version.number for version in self._versions()}
        periods = FeePeriodSerializer(
            self.context["fee_periods"], many=True, context={"numbers": numbers}
        )
        return list(periods.data)

    @extend_schema_field(VersionSummarySerializer(many=True))
    def get_versions(self, agreement: Agreement) -> list[dict[str, Any]]:
        ordered = sorted(self._versions(), key=lambda v: v.number)
        return list(VersionSummarySerializer(ordered, many=True, context=self.context).data)


#: The party whose signature a version in this state waits for.
AWAITED_PARTY: dict[str, str] = {
    VersionState.ISSUED: Party.PROVIDER,
    VersionState.PROVIDER_SIGNED: Party.AUTHORITY,
}


class VersionsSerializer(serializers.Serializer[Any]):
    versions = VersionSerializer(many=True)


class PdfQuerySerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(
        min_value=1,
        max_value=32767,
        required=False,
        help_text="The version's number (by default the version in force).",
    )
    signed = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true: the signed copy, with the signatures page (once both have signed).",
    )


class PdfPendingSerializer(serializers.Serializer[Any]):
    """The PDF is not stored yet: the worker renders it; ask again after `retry_after` s."""

    status = serializers.CharField()
    message = serializers.CharField()
    retry_after = serializers.IntegerField()


class SignInputSerializer(serializers.Serializer[Any]):
    """A signature on the exact version read: its number and its SHA-256 (from `awaiting` or
    `versions/`), and the name and role the person signs in."""

    version = serializers.IntegerField(min_value=1, max_value=32767)
    content_sha256 = serializers.RegexField(
        r"^[0-9a-f]{64}$",
        max_length=SHA256_LENGTH,
        error_messages={"invalid": "Give the version's SHA-256: 64 lower-case hexadecimal digits."},
    )
    name = model_text(
        Signature,
        "name",
        "Your full name",
        error_messages={
            "required": "Enter your full name as you sign.",
            "blank": "Enter your full name as you sign.",
        },
    )
    position = model_text(
        Signature,
        "position",
        "The role you sign in",
        error_messages={
            "required": "Enter the role you sign in, for example Headteacher.",
            "blank": "Enter the role you sign in, for example Headteacher.",
        },
    )


class WithdrawInputSerializer(serializers.Serializer[Any]):
    version = serializers.IntegerField(min_value=1, max_value=32767)
    reason = serializers.CharField(
        max_length=500,
        error_messages={
            "required": "Enter why the version is withdrawn.",
            "blank": "Enter why the version is withdrawn.",
            "max_length": "The reason must be 500 characters or fewer.",
        },
    )
