"""The lead authority's judgement check links each judgement to the regulator's published reports
for the setting's URN (issue 10), as a plain link whose text names the setting."""

from __future__ import annotations

import pytest

from fps_portal.accounts.models import Role
from providers.inspections.frameworks import REGULATOR, Framework, published_report_url
from tests.factories import person
from tests.providers.factories import ReportedJudgementFactory


@pytest.mark.parametrize(
    "framework",
    [
        Framework.OFSTED_4POINT,
        Framework.OFSTED_EIF_NO_HEADLINE,
        Framework.OFSTED_REPORT_CARD,
        Framework.SCCIF,
    ],
)
def test_ofsted_frameworks_of_any_kind_of_school_link_to_ofsteds_search_for_the_urn(framework):
    # The URN does not say whether a school is maintained (type 21), an academy (23) or
    # independent (27): Ofsted's search for the URN finds it whichever it is.
    assert published_report_url(framework, "105380") == (
        "https://reports.ofsted.gov.uk/search?q=105380"
    )


def test_the_independent_school_standards_link_to_the_independent_schools_page():
    assert published_report_url(Framework.OFSTED_ISS, "137279") == (
        "https://reports.ofsted.gov.uk/provider/27/137279"
    )


@pytest.mark.parametrize(
    "framework",
    [Framework.ISI_2023, Framework.ESTYN_2022, Framework.SCOTLAND_6POINT, Framework.CQC],
)
def test_regulators_without_urns_get_no_link(framework):
    assert published_report_url(framework, "105380") == ""


@pytest.mark.parametrize("urn", [None, "", "10538O", "12/../x", "²"])
def test_no_urn_or_a_urn_that_is_not_digits_gets_no_link(urn):
    assert published_report_url(Framework.OFSTED_4POINT, urn) == ""


def test_every_framework_names_its_regulator():
    assert set(REGULATOR) == set(Framework.values)


def test_the_check_page_and_queue_link_the_report_naming_the_setting(world, client):
    world.crewe.urn = "105380"
    world.crewe.save(update_fields=["urn"])
    judgement = ReportedJudgementFactory(setting=world.crewe, framework=Framework.OFSTED_4POINT)
    client.force_login(person(Role.LEAD_EVALUATOR))
    link = (
        '<a class="govuk-link" href="https://reports.ofsted.gov.uk/search?q=105380">'
        "Ofsted’s published reports for Crewe School (URN 105380)</a>"
    )
    page = client.get(f"/judgements/{judgement.pk}/check/").content.decode()
    queue = client.get("/judgements/awaiting-check/").content.decode()
    assert link in page and link in queue
    assert 'target="_blank"' not in page  # a normal link: Back returns to the check


def test_without_a_urn_the_page_says_why_there_is_no_link(world, client):
    world.crewe.urn = None
    world.crewe.save(update_fields=["urn"])
    cqc = ReportedJudgementFactory(setting=world.bootle, framework=Framework.CQC, grades={})
    ofsted = ReportedJudgementFactory(setting=world.crewe, framework=Framework.OFSTED_4POINT)
    client.force_login(person(Role.LEAD_EVALUATOR))
    page = client.get(f"/judgements/{ofsted.pk}/check/").content.decode()
    assert "No link to Ofsted’s reports: Crewe School has no URN." in page
    page = client.get(f"/judgements/{cqc.pk}/check/").content.decode()
    assert "the CQC does not publish reports by URN, so search its website for" in page
