"""/api/v1/ for Orders and Individual Placement Agreements (issue 12): the same selectors,
services and audit as the pages (`contracts:order`, `contracts:agreement`, the signing pages and
`contracts:order-pdf` / `contracts:agreement-pdf`).

- `orders/` (the two parties; list, retrieve) with `pdf/` (the Order's PDF, audited).
- `agreements/` (the two parties; list, retrieve: the terms in force, what it waits for, the
  fee history and every version's summary) with `versions/` (every version with its terms,
  state, SHA-256 and signatures), `pdf/` (`?version=N`, `&signed=true` for the signed copy;
  audited), `issue/` (the authority issues the open draft), `sign/` (the version's number and
  SHA-256: anything but the exact version awaiting this party is 409) and `withdraw-version/`.

Only the placing authority's commissioners and senior managers and the provider's users reach
these routes; everyone else is refused (403) before anything is looked up, and another
authority's or provider's Order or agreement is 404. Terms name the child, so every read of them
(the detail, `versions/`, a PDF) is audited as a view of the child's record; lists carry no terms.
A PDF is rendered by the worker, never here: until it is stored the answer is 202 with when to
ask again, and a version that will never have one (a draft; a signed copy before both signed) is
409.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from contracts.api import agreements_serializers as s
from contracts.models import (
    Agreement,
    AgreementVersion,
    Order,
    RenderedPdf,
    RenderKind,
    VersionState,
)
from contracts.permissions import AGREEMENT_PARTIES
from contracts.selectors.agreements import agreement_view
from contracts.selectors.documents import order_view, version_pdf
from contracts.services.downloads import pdf_downloaded
from contracts.services.reading import agreement_viewed
from contracts.services.signing_rules import open_version
from contracts.services.versions import (
    WRONG_VERSION,
    version_issue,
    version_sign,
    version_withdraw,
)
from fps_portal.access import Access
from fps_portal.api.base import ScopedReadOnlyViewSet
from fps_portal.errors import InvalidInput, WrongState
from fps_portal.scoping import scoped
from referrals.scope_rules import places_children

#: Issuing and withdrawing a version is the placing authority's; the provider only signs.
AUTHORITY_PARTY = Access(
    places_children,
    "Only the placing authority's commissioners and senior managers issue and withdraw versions "
    "of an agreement.",
)
#: Seconds a client waits before asking again for a PDF the worker is rendering.
RETRY_AFTER = 30

PDF_RESPONSES: dict[Any, Any] = {
    (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
    202: OpenApiResponse(
        s.PdfPendingSerializer,
        description="The worker is rendering the PDF: ask again after `retry_after` seconds.",
    ),
}


def _valid(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _pdf_file(pdf: RenderedPdf, filename: str) -> FileResponse:
    response = FileResponse(
        pdf.file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _being_prepared(what: str) -> Response:
    message = f"The {what} is being prepared. Ask again in {RETRY_AFTER} seconds to download it."
    response = Response(
        s.PdfPendingSerializer(
            {"status": "being_prepared", "message": message, "retry_after": RETRY_AFTER}
        ).data,
        status=status.HTTP_202_ACCEPTED,
    )
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "private, no-store"
    return response


class OrderViewSet(ScopedReadOnlyViewSet[Order]):
    """The Orders of the agreements the actor is a party to."""

    model = Order
    access = AGREEMENT_PARTIES
    serializer_class = s.OrderSerializer
    filterset_fields = ["setting", "provider", "authority", "under_fps_agreement"]

    def optimise(self, queryset: QuerySet[Order]) -> QuerySet[Order]:
        return queryset.select_related("authority", "referral", "agreement").prefetch_related(
            "pdfs"
        )

    @extend_schema(responses=PDF_RESPONSES)
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str | None = None) -> FileResponse | Response:
        """The Order's PDF (audited), or 202 while the worker renders it."""
        view = order_view(self.actor, self.kwargs["pk"])  # the page's read: 404 if not a party's
        order = view.order
        if view.pdf is None:
            return _being_prepared(f"PDF of Order {order.number}")
        pdf_downloaded(actor=self.actor, pdf=view.pdf, agreement=None)
        return _pdf_file(view.pdf, f"{order.number}.pdf")


class AgreementViewSet(ScopedReadOnlyViewSet[Agreement]):
    """The Individual Placement Agreements the actor is a party to, and their signing."""

    model = Agreement
    access = AGREEMENT_PARTIES
    serializer_class = s.AgreementSerializer
    filterset_fields = ["state", "setting", "provider", "authority"]
    action_rules = {"issue": AUTHORITY_PARTY, "withdraw_version": AUTHORITY_PARTY}

    def optimise(self, queryset: QuerySet[Agreement]) -> QuerySet[Agreement]:
        return queryset.select_related("order", "authority", "current_version")

    def _versions(self, agreement: Agreement) -> QuerySet[AgreementVersion]:
        return scoped(AgreementVersion, self.actor).filter(agreement_id=agreement.pk)

    def _pdfs_by_version(self, agreement: Agreement) -> dict[int, list[RenderedPdf]]:
        found: dict[int, list[RenderedPdf]] = {}
        pdfs = scoped(RenderedPdf, self.actor).filter(version__agreement_id=agreement.pk)
        for pdf in pdfs.order_by("kind", "pk"):
            assert pdf.version_id is not None
            found.setdefault(pdf.version_id, []).append(pdf)
        return found

    def _summary(self, version: AgreementVersion, code: int = status.HTTP_200_OK) -> Response:
        fresh = self._versions(version.agreement).prefetch_related("signatures").get(pk=version.pk)
        context = {"pdfs": self._pdfs_by_version(version.agreement)}
        return Response(s.VersionSummarySerializer(fresh, context=context).data, status=code)

    @extend_schema(responses=s.AgreementDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The agreement with the terms in force (audited: they name the child)."""
        view = agreement_view(self.actor, kwargs["pk"])
        agreement = view.agreement
        agreement_viewed(actor=self.actor, agreement=agreement, how="API")
        context = {
            "versions": view.versions,
            "fee_periods": view.fee_periods,
            "pdfs": self._pdfs_by_version(agreement),
        }
        return Response(s.AgreementDetailSerializer(agreement, context=context).data)

    @extend_schema(responses=s.VersionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def versions(self, request: Request, pk: str | None = None) -> Response:
        """Every version, oldest first, with its terms (audited), state, SHA-256 and signatures."""
        agreement = self.get_object()
        versions = list(self._versions(agreement).prefetch_related("signatures").order_by("number"))
        agreement_viewed(actor=self.actor, agreement=agreement, how="API versions")
        context = {"pdfs": self._pdfs_by_version(agreement)}
        return Response(s.VersionSerializer(versions, many=True, context=context).data)

    @extend_schema(parameters=[s.PdfQuerySerializer], responses=PDF_RESPONSES)
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str | None = None) -> FileResponse | Response:
        """A version's PDF (by default the version in force), or with `signed=true` its signed
        copy; audited as a download and as a view of the child's record."""
        query = _valid(s.PdfQuerySerializer, request.query_params)
        agreement = self.get_object()
        number = query.get("version")
        if number is None:
            assert agreement.current_version is not None
            number = agreement.current_version.number
        signed = bool(query["signed"])
        kind = RenderKind.SIGNED_AGREEMENT if signed else RenderKind.AGREEMENT
        found = version_pdf(self.actor, agreement.pk, number, kind)
        version = found.version
        if found.pdf is not None:
            pdf_downloaded(actor=self.actor, pdf=found.pdf, agreement=found.agreement)
            label = "signed-" if signed else ""
            return _pdf_file(found.pdf, f"{agreement.reference}-v{version.number}-{label}ipa.pdf")
        if version.state == VersionState.DRAFT:
            raise WrongState(
                f"Version {version.number} is a draft: its PDF is made when it is issued."
            )
        if signed and version.state != VersionState.SIGNED:
            raise WrongState(
                f"Version {version.number} has no signed copy: it is made when both parties "
                "have signed it."
            )
        what = "signed copy" if signed else "PDF"
        return _being_prepared(f"{what} of version {version.number} of {agreement.reference}")

    @extend_schema(request=None, responses=s.VersionSummarySerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str | None = None) -> Response:
        """The authority issues the open draft to the provider to sign: every §3.11 item must
        be complete and the authority's signatory named (else 400, naming each)."""
        agreement = self.get_object()
        draft = self._versions(agreement).filter(state=VersionState.DRAFT).first()
        if draft is None:
            raise WrongState("There is no draft to issue: the agreement has been issued.")
        return self._summary(version_issue(actor=self.actor, version=draft))

    @extend_schema(request=s.SignInputSerializer, responses={201: s.VersionSummarySerializer})
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str | None = None) -> Response:
        """The provider's signature, or the authority's named signatory's countersignature, on
        the exact version awaiting it: its number and SHA-256 (`awaiting` on the agreement).
        Another version, or another hash, is 409 and nothing is signed."""
        agreement = self.get_object()
        data = _valid(s.SignInputSerializer, request.data)
        version = self._versions(agreement).filter(number=data["version"]).first()
        if version is None:
            waiting = open_version(agreement)
            number = waiting.number if waiting is not None else data["version"]
            raise WrongState(WRONG_VERSION.format(number=number))
        version_sign(
            actor=self.actor,
            version=version,
            content_sha256=data["content_sha256"],
            name=data["name"],
            position=data["position"],
        )
        return self._summary(version, status.HTTP_201_CREATED)

    @extend_schema(request=s.WithdrawInputSerializer, responses=s.VersionSummarySerializer)
    @action(detail=True, methods=["post"], url_path="withdraw-version")
    def withdraw_version(self, request: Request, pk: str | None = None) -> Response:
        """The authority withdraws a version before both have signed it, with its reason (a
        first version comes back as a new draft; a variation's is withdrawn with it)."""
        agreement = self.get_object()
        data = _valid(s.WithdrawInputSerializer, request.data)
        version = self._versions(agreement).filter(number=data["version"]).first()
        if version is None:
            raise InvalidInput.on_fields(
                {"version": f"Agreement {agreement.reference} has no version {data['version']}."}
            )
        withdrawn = version_withdraw(actor=self.actor, version=version, reason=data["reason"])
        return self._summary(withdrawn)
