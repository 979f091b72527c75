"""Stored PDFs without WeasyPrint's layout, for the worlds of tests that look at pages, not at
the documents (the browser gate and journeys).

Building the browser world renders about thirty IPAs, Orders, letters and visit reports through
WeasyPrint, about a second each on the shared machine and most of the world's cost, although no
test of that world reads a document's content. Inside `quick_pdfs()` each is a one-page PDF with
the document's title, made by pypdf in a millisecond, and stored by the same services with its
SHA-256, so every page shows the same states and links. The documents themselves are tested
against WeasyPrint's real output (tests/contracts/test_pdfs.py, the quality PDF tests)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from unittest import mock

from pypdf import PdfWriter

from contracts.services.pdf_documents import Rendered

#: Every module that renders with `render_html` under its own name.
RENDERERS = (
    "contracts.services.pdf_documents.render_html",
    "quality.services.concern_letters.render_html",
    "quality.services.visit_reports.render_html",
)
A4_POINTS = (595, 842)


def one_page_pdf(html: str) -> Rendered:
    writer = PdfWriter()
    writer.add_blank_page(*A4_POINTS)
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    writer.add_metadata({"/Title": title.group(1).strip() if title else "Document"})
    out = io.BytesIO()
    writer.write(out)
    return Rendered(pdf=out.getvalue(), pages=1)


@contextmanager
def quick_pdfs() -> Iterator[None]:
    with ExitStack() as stack:
        for target in RENDERERS:
            stack.enter_context(mock.patch(target, one_page_pdf))
        yield
