"""A provider's own report of an inspection waits for the lead authority's check before it counts.

Otherwise a provider could add an invented later inspection with better grades and lift the band
every council sees in the search. Crewe starts with inspection 11499021 graded 3 (Requires
improvement), recorded by the lead authority: band concern.
"""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fps_portal.accounts.models import Role
from fps_portal.actors import Actor
from fps_portal.audit.models import AuditEvent, AuditVerb
from fps_portal.errors import NotAllowed, WrongState
from fps_portal.notifications.models import Notification
from providers.inspections.selectors import judgements_awaiting_check
from providers.inspections.services import judgement_check, judgement_record
from providers.models import CheckStatus, InspectionJudgement, JudgementSource
from tests.factories import api_client_for, person
from tests.providers.directory.test_judgement_rules import (
    lead_evaluator,
    ofsted,
    provider_of,
    requires_improvement,  # noqa: F401 (a fixture)
)
from tests.providers.factories import (
    InspectionJudgementFactory,
    RejectedJudgementFactory,
    ReportedJudgementFactory,
)

INVENTED = "99000001"
AWAITING_TAG = "Reported by the provider, awaiting check"
LATER = datetime.date(2025, 3, 3)


def outstanding_report(world, provider: Actor) -> InspectionJudgement:  # type: ignore[no-untyped-def]
    """The provider's report of a later, better inspection (no such inspection exists)."""
    data = dataclasses.replace(
        ofsted("1", number=INVENTED),
        inspection_start_date=LATER,
        publication_date=LATER + datetime.timedelta(days=30),
    )
    judgement, created = judgement_record(actor=provider, setting=world.crewe, data=data)
    assert created
    return judgement


@pytest.fixture
def reported(world, requires_improvement) -> InspectionJudgement:  # type: ignore[no-untyped-def]  # noqa: F811
    return outstanding_report(world, provider_of(world))


def band(world) -> str:  # type: ignore[no-untyped-def]
    world.crewe.refresh_from_db()
    return str(world.crewe.current_band)


def test_a_provider_report_of_a_better_inspection_leaves_the_band_and_awaits_check(
    world,
    client,
    requires_improvement,  # noqa: F811
):
    client.force_login(person(Role.PROVIDER_USER, organisation=world.provider))
    response = client.post(
        f"/settings/{world.crewe.pk}/judgements/new/",
        {
            "framework": "ofsted_4point",
            "inspection_number": INVENTED,
            "inspection_start_date": LATER.isoformat(),
            "relates_to_current_urn": "on",
            "grade_overall_effectiveness": "1",
        },
        follow=True,
    )
    assert "It counts towards the setting&#x27;s band once the lead authority" in (
        response.content.decode()
    )
    judgement = InspectionJudgement.objects.get(inspection_number=INVENTED)
    assert judgement.check_status == CheckStatus.AWAITING_CHECK
    assert band(world) == "concern"
    assert list(judgements_awaiting_check(lead_evaluator())) == [judgement]
    assert list(judgements_awaiting_check(provider_of(world))) == []
    assert Notification.objects.filter(event_key=f"judgement-reported:{judgement.pk}").exists()
    # The search every council uses still has the concern band.
    search = api_client_for(person(Role.COMMISSIONER)).get("/api/v1/settings/")
    crewe = next(r for r in search.json()["results"] if r["name"] == "Crewe School")
    assert crewe["inspection"]["band"] == "concern"


def test_the_lead_evaluator_confirms_and_the_band_changes_audited_and_the_provider_is_told(
    world, reported
):
    provider_user = person(Role.PROVIDER_USER, organisation=world.provider)
    evaluator = lead_evaluator()
    judgement_check(judgement=reported, actor=evaluator, outcome="confirmed", reason="")
    reported.refresh_from_db()
    assert reported.check_status == CheckStatus.CONFIRMED
    assert reported.checked_by == evaluator.user and reported.checked_at is not None
    assert band(world) == "pass"
    assert AuditEvent.objects.filter(
        object_type="providers.inspectionjudgement",
        object_id=str(reported.pk),
        verb=AuditVerb.STATE_CHANGED,
        after__check_status="confirmed",
    ).exists()
    told = Notification.objects.get(recipient=provider_user, event_key__startswith="judgement-")
    assert told.event_key == f"judgement-checked:{reported.pk}"
    assert "now counts" in told.body


def test_the_lead_evaluator_rejects_on_the_page_with_a_reason_and_the_band_stays(
    world, client, reported
):
    client.force_login(person(Role.LEAD_EVALUATOR))
    url = f"/judgements/{reported.pk}/check/"
    queue = client.get("/judgements/awaiting-check/").content.decode()
    assert "Crewe School" in queue and url in queue
    blank = client.post(url, {"outcome": "rejected", "reason": " "})
    assert blank.status_code == 400
    assert 'href="#id_reason"' in blank.content.decode()
    assert InspectionJudgement.objects.get(pk=reported.pk).check_status == "awaiting_check"
    nothing = client.post(url, {})
    assert nothing.status_code == 400 and 'href="#id_outcome_0"' in nothing.content.decode()

    done = client.post(url, {"outcome": "rejected", "reason": "Ofsted has no inspection 99000001."})
    assert done.status_code == 302
    reported.refresh_from_db()
    assert reported.check_status == CheckStatus.REJECTED
    assert reported.check_reason == "Ofsted has no inspection 99000001."
    assert band(world) == "concern"
    assert Notification.objects.filter(
        event_key=f"judgement-checked:{reported.pk}", body__contains="Ofsted has no inspection"
    ).exists()


def test_a_provider_cannot_check_its_own_report(world, client, reported):
    with pytest.raises(NotAllowed):
        judgement_check(
            judgement=reported, actor=provider_of(world), outcome="confirmed", reason=""
        )
    user = person(Role.PROVIDER_USER, organisation=world.provider)
    client.force_login(user)
    page = client.post(f"/judgements/{reported.pk}/check/", {"outcome": "confirmed"})
    assert page.status_code == 403
    api = api_client_for(user).post(
        f"/api/v1/settings/{world.crewe.pk}/judgements/{reported.pk}/check/",
        {"outcome": "confirmed"},
        format="json",
    )
    assert api.status_code == 403
    assert InspectionJudgement.objects.get(pk=reported.pk).check_status == "awaiting_check"
    assert band(world) == "concern"


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.QA_OFFICER, Role.FORUM_MEMBER])
def test_nobody_else_can_check(world, client, reported, role):
    client.force_login(person(role))
    assert client.get(f"/judgements/{reported.pk}/check/").status_code == 403
    assert client.get("/judgements/awaiting-check/").status_code == 403


def test_checking_twice_is_a_wrong_state(world, client, reported):
    evaluator = lead_evaluator()
    judgement_check(judgement=reported, actor=evaluator, outcome="confirmed", reason="")
    with pytest.raises(WrongState, match="already confirmed"):
        judgement_check(judgement=reported, actor=evaluator, outcome="rejected", reason="Oops")
    api = api_client_for(evaluator.user).post(
        f"/api/v1/settings/{world.crewe.pk}/judgements/{reported.pk}/check/",
        {"outcome": "rejected", "reason": "Oops"},
        format="json",
    )
    assert api.status_code == 409
    assert "already confirmed" in api.json()["error"]["message"]
    client.force_login(evaluator.user)
    page = client.post(
        f"/judgements/{reported.pk}/check/", {"outcome": "rejected", "reason": "Oops"}
    )
    assert page.status_code == 409 and "already confirmed" in page.content.decode()
    assert band(world) == "pass"


def test_the_api_confirms_and_answers_with_the_new_band(world, reported):
    response = api_client_for(lead_evaluator().user).post(
        f"/api/v1/settings/{world.crewe.pk}/judgements/{reported.pk}/check/",
        {"outcome": "confirmed"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["check_status"] == "confirmed"
    assert response.json()["setting_band"] == "pass"
    bad = api_client_for(lead_evaluator().user).post(
        f"/api/v1/settings/{world.crewe.pk}/judgements/{reported.pk}/check/",
        {"outcome": "maybe"},
        format="json",
    )
    assert bad.status_code == 400 and "outcome" in bad.json()["error"]["fields"]


def test_another_authority_sees_the_report_marked_never_as_the_band(world, client, reported):
    rejected = RejectedJudgementFactory(setting=world.crewe, inspection_number="98000002")
    client.force_login(person(Role.COMMISSIONER))  # Sefton, not the lead authority
    html = client.get(f"/settings/{world.crewe.pk}/").content.decode()
    assert AWAITING_TAG in html
    assert INVENTED in html
    assert "Does not count until checked" in html
    assert rejected.inspection_number not in html  # a rejected report would only mislead
    assert "Requires improvement" in html or "concern" in html.lower()
    assert "/check/" not in html  # only the lead authority checks
    # The forum shows published, confirmed facts only.
    client.force_login(person(Role.FORUM_MEMBER))
    forum = client.get(f"/forum/settings/{world.crewe.pk}/").content.decode()
    assert INVENTED not in forum


def test_the_provider_and_the_lead_authority_see_the_report_and_the_rejection(
    world, client, reported
):
    rejected = RejectedJudgementFactory(setting=world.crewe, inspection_number="98000002")
    for user in (person(Role.PROVIDER_USER, organisation=world.provider), lead_evaluator().user):
        client.force_login(user)
        html = client.get(f"/settings/{world.crewe.pk}/").content.decode()
        assert AWAITING_TAG in html
        assert "Rejected by the lead authority" in html and rejected.check_reason in html
    assert f"/judgements/{reported.pk}/check/" in html  # the lead evaluator's link to check it


def test_the_import_and_lead_evaluator_entries_count_at_once(world, reported):
    evaluator_entry, _ = judgement_record(
        actor=lead_evaluator(), setting=world.bootle, data=ofsted("2", number="77000001")
    )
    imported, _ = judgement_record(
        actor=None,
        setting=world.carlisle,
        data=ofsted("2", number="77000002", source=JudgementSource.OFSTED_FILE),
    )
    assert evaluator_entry.check_status == imported.check_status == CheckStatus.CONFIRMED
    assert imported.checked_at is not None and imported.checked_by is None
    world.bootle.refresh_from_db()
    world.carlisle.refresh_from_db()
    assert world.bootle.current_band == world.carlisle.current_band == "pass"
    # The import bringing the inspection the provider reported settles it as published.
    data = ofsted("3", number=INVENTED, source=JudgementSource.OFSTED_FILE)
    judgement_record(actor=None, setting=world.crewe, data=data)
    reported.refresh_from_db()
    assert reported.check_status == CheckStatus.CONFIRMED
    assert reported.grades == {"overall_effectiveness": "3"}


def test_the_lead_evaluator_dashboard_links_to_the_queue(world, client, reported):
    client.force_login(person(Role.LEAD_EVALUATOR))
    html = client.get("/dashboard/").content.decode()
    assert "Inspection judgements awaiting check" in html
    assert "/judgements/awaiting-check/" in html


@pytest.mark.parametrize("role", [Role.LEAD_EVALUATOR, Role.COMMISSIONER, Role.PROVIDER_USER])
def test_setting_page_query_count_does_not_grow_with_judgements(world, client, role):
    """However many judgements, in whatever state, the inspection history is one query (with its
    recorders joined); the check marks and links need none."""
    organisation = world.provider if role == Role.PROVIDER_USER else None
    client.force_login(person(role, organisation=organisation))
    url = f"/settings/{world.crewe.pk}/"
    InspectionJudgementFactory(setting=world.crewe)
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    with_one = count()
    for _ in range(3):
        InspectionJudgementFactory(setting=world.crewe)
        ReportedJudgementFactory(setting=world.crewe)
        RejectedJudgementFactory(setting=world.crewe)
    assert count() == with_one
