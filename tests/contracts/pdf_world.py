"""An IPA with every §3.11 item filled in (a jointly funded placement with additional services,
costs for the child, the social worker and IRO among its contacts, and a care plan), issued and
signed with its PDFs rendered as the worker renders them; and readers of a PDF's text and tags."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from contracts.models import AgreementVersion, RenderedPdf, RenderKind
from contracts.services.versions import draft_update, version_issue, version_sign
from contracts.terms import (
    CARE_PLAN,
    ChildCost,
    Contact,
    FundingShare,
    Registration,
    ServiceLine,
    Terms,
)
from tests.contracts.world import Placed, completed_terms, placed
from tests.referrals.awards.world import as_actor


def full_terms(p: Placed) -> Terms:
    terms = completed_terms(p)
    return terms.with_changes(
        provider=terms.provider.__class__(
            "provider",
            terms.provider.name,
            "Southport Learning Trust",
            "1 School Lane, Southport",
            "PR8 1AA",
            (Registration("Companies House number", "07654321"),),
        ),
        provision=terms.provision.__class__(
            **{
                **terms.provision.__dict__,
                "education": True,
                "residential_care": True,
                "health_and_therapies": True,
                "weeks_per_year": 38,
            }
        ),
        end_date=datetime.date(2029, 7, 20),
        notice_weeks=8,
        contacts=(
            *terms.contacts,
            Contact("Social worker", "Alex Social", "alex.social@sefton.example"),
            Contact("Independent Reviewing Officer", "Robin Review", "robin.iro@sefton.example"),
        ),
        core_weekly_fee=Decimal("3150.00"),
        services=(
            ServiceLine("Speech and language therapy", "hour", Decimal("65.00"), Decimal("2")),
            ServiceLine("One-to-one support", "hour", Decimal("22.50"), Decimal("10")),
        ),
        payment_terms="Paid monthly in arrears within 30 days of an undisputed invoice.",
        invoicing="Invoices to sendfinance@sefton.example quoting the Order number.",
        child_costs=(
            ChildCost("Personal allowance", Decimal("15.00"), "week", "The placing authority"),
            ChildCost("School uniform", Decimal("120.00"), "once", "The provider"),
        ),
        funding=(
            FundingShare("education", "Sefton Council (education)", Decimal("60")),
            FundingShare("health", "NHS Cheshire and Merseyside ICB", Decimal("40")),
        ),
        documents=(*terms.documents, CARE_PLAN),
    )


@dataclass
class Issued:
    p: Placed
    version: AgreementVersion

    def pdf(self, kind: str = RenderKind.AGREEMENT) -> RenderedPdf:
        return RenderedPdf.objects.get(version=self.version, kind=kind)


def issued(capture: Any, *, sign: bool = False) -> Issued:
    """A placement whose full draft is issued (and with `sign`, signed by both), each commit's
    callbacks run so the worker's tasks render the PDFs (eager in tests)."""
    with capture(execute=True):
        p = placed()
    p.agreement.authority_signatory = p.commissioner
    p.agreement.save(update_fields=["authority_signatory"])
    draft_update(actor=as_actor(p.commissioner), version=p.draft, terms=full_terms(p))
    with capture(execute=True):
        version = version_issue(actor=as_actor(p.commissioner), version=p.draft)
    if sign:
        for user, name, position in (
            (p.provider_user, "Pat Head", "Headteacher"),
            (p.commissioner, "Sam Commissioner", "Head of SEND"),
        ):
            with capture(execute=True):
                version_sign(
                    actor=as_actor(user),
                    version=version,
                    content_sha256=version.content_sha256,
                    name=name,
                    position=position,
                )
        version.refresh_from_db()
    return Issued(p=p, version=version)


def reader(pdf: RenderedPdf | bytes) -> PdfReader:
    data = pdf if isinstance(pdf, bytes) else pdf.file.open("rb").read()
    return PdfReader(io.BytesIO(data))


def text_of(pdf: RenderedPdf | bytes) -> str:
    """Every page's text, whitespace folded, so a phrase broken across lines still matches."""
    pages = reader(pdf).pages
    return " ".join(" ".join(page.extract_text() or "" for page in pages).split())


def structure(pdf: RenderedPdf | bytes) -> list[tuple[str, int]]:
    """The structure tree's element types in reading order, with their depth."""
    root = reader(pdf).trailer["/Root"]
    tree = root["/StructTreeRoot"].get_object()
    return list(_walk(tree.get("/K"), 0))


def _walk(node: Any, depth: int) -> Iterator[tuple[str, int]]:
    if isinstance(node, IndirectObject):
        node = node.get_object()
    if isinstance(node, ArrayObject):
        for child in node:
            yield from _walk(child, depth)
    elif isinstance(node, DictionaryObject) and "/S" in node:
        yield str(node["/S"]), depth
        yield from _walk(node.get("/K"), depth + 1)


def table_cells(pdf: RenderedPdf | bytes) -> list[tuple[str, DictionaryObject]]:
    """Every TH and TD structure element, in reading order."""
    root = reader(pdf).trailer["/Root"]
    found: list[tuple[str, DictionaryObject]] = []

    def walk(node: Any) -> None:
        if isinstance(node, IndirectObject):
            node = node.get_object()
        if isinstance(node, ArrayObject):
            for child in node:
                walk(child)
        elif isinstance(node, DictionaryObject) and "/S" in node:
            if node["/S"] in ("/TH", "/TD"):
                found.append((str(node["/S"]), node))
            walk(node.get("/K"))

    walk(root["/StructTreeRoot"].get_object().get("/K"))
    return found
