"""The contracts' document pages in the browser (issue 12): the Order page, the agreement page's
documents panel with its PDFs, and the line a PDF's route shows while the worker renders it,
each held to WCAG 2.2 AA (axe) at 1280 and 320 px; and the PDF downloads as a file."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.urls import reverse

from contracts.models import RenderedPdf
from contracts.services.versions import version_issue
from tests.browser.axe import axe_violations
from tests.browser.test_accessibility import _reflow_problems
from tests.contracts.pdf_world import issued
from tests.contracts.world import placed, ready_to_issue
from tests.referrals.awards.world import as_actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check(context: Any, url: str, width: int) -> list[str]:
    page = context.new_page()
    page.goto(url)
    problems = axe_violations(page) + (_reflow_problems(page) if width == 320 else [])
    page.close()
    return [f"{url} at {width}px: {problem}" for problem in problems]


def test_the_order_page_and_the_documents_panel_are_accessible(
    open_signed_in: Any, live_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    i = issued(django_capture_on_commit_callbacks, sign=True)
    problems: list[str] = []
    for width in (1280, 320):
        context = open_signed_in(i.p.commissioner, width=width)
        for path in (
            reverse("contracts:order", args=[i.p.order.pk]),
            reverse("contracts:agreement", args=[i.p.agreement.pk]),
        ):
            problems += _check(context, live_server.url + path, width)
    assert problems == []
    # The link downloads the stored file itself.
    page = open_signed_in(i.p.provider_user).new_page()
    page.goto(live_server.url + reverse("contracts:agreement", args=[i.p.agreement.pk]))
    with page.expect_download() as caught:
        page.get_by_role("link", name="Signed copy of version 1").click()
    with open(caught.value.path(), "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == i.pdf("signed_agreement").sha256


def test_the_being_prepared_page_is_accessible(open_signed_in: Any, live_server: Any) -> None:
    p = placed()
    ready_to_issue(p)
    version_issue(actor=as_actor(p.commissioner), version=p.draft)
    # The worker has not stored it yet (here, with real commits, eager tasks ran at once).
    RenderedPdf.objects.filter(version=p.draft).delete()
    problems: list[str] = []
    for width in (1280, 320):
        context = open_signed_in(p.provider_user, width=width)
        for path in (
            reverse("contracts:agreement-pdf", args=[p.agreement.pk, 1]),
            reverse("contracts:agreement", args=[p.agreement.pk]),
        ):
            problems += _check(context, live_server.url + path, width)
    assert problems == []
