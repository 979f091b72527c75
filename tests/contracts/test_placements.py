"""The placements list (issue 12, branch plist): the commissioner's and the provider's page, its
CSV and XLSX export and the placements API, each with the same rows, filters and scoping; the
figures (the fee in force today, the commitment, the ends coming up, the uplifts); privacy (only
the two parties; another authority's or provider's placement is 404; forums see nothing); every
list naming children and every export audited; bad filters refused at the field."""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from contracts.models import Agreement, AgreementState
from contracts.selectors.placements import PlacementFilters, placement_totals, placements_for
from contracts.services.beat import agreement_activate
from fps_portal.accounts.models import Role
from fps_portal.audit.models import AuditEvent, AuditVerb
from providers.models import Setting
from referrals.models import Award, AwardState, Child, ReferralKind, ReferralState
from tests.contracts.changes_scene import ChangesScene, changes_scene
from tests.factories import api_client_for, authority, person
from tests.referrals.awards.world import as_actor

pytestmark = pytest.mark.django_db

PAGE = "/placements/"
EXPORT = "/placements/export/"
API = "/api/v1/placements/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _agreements(scene: ChangesScene) -> tuple[Agreement, Agreement]:
    first, second = (Agreement.objects.get(pk=pk) for pk in scene.agreements)
    return first, second


def _child_of(agreement: Agreement) -> Child:
    assert agreement.child_id is not None
    return Child.objects.get(pk=agreement.child_id)


def _setting_of(agreement: Agreement) -> Setting:
    assert agreement.setting is not None
    return agreement.setting


def _child_ids(*agreements: Agreement) -> list[int]:
    return sorted(a.child_id for a in agreements if a.child_id is not None)


def _csv_rows(content: bytes) -> list[dict[str, str]]:
    text = content.decode("utf-8-sig")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


def _viewed_children() -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            verb=AuditVerb.VIEWED_CHILD_RECORD, object_type="referrals.child"
        ).order_by("pk")
    )


# -- the figures ----------------------------------------------------------------------------------


def test_the_fee_in_force_today_follows_the_fee_history_not_the_terms_signed_for_later():
    """The first agreement's 2% uplift is agreed from start + 10 days: before then the row shows
    the fee of version 1, from then the uplifted fee; the second's uplift is only proposed."""
    scene = changes_scene()
    first, second = _agreements(scene)
    actor = as_actor(scene.commissioner)
    assert first.weekly_fee == Decimal("3315.00")  # the terms in force once signed by both
    before = {a.pk: a for a in placements_for(actor, today=first.start_date)}
    after = {
        a.pk: a for a in placements_for(actor, today=first.start_date + datetime.timedelta(10))
    }
    assert before[first.pk].cost_today == Decimal("3250.00")
    assert after[first.pk].cost_today == Decimal("3315.00")
    assert before[second.pk].cost_today == after[second.pk].cost_today == Decimal("2800.00")
    assert after[first.pk].uplift_agreed_fee == Decimal("3315.00")
    assert after[first.pk].uplift_proposed_fee is None
    assert after[second.pk].uplift_proposed_fee == Decimal("2856.00")
    assert after[second.pk].uplift_agreed_fee is None
    assert before[first.pk].ends_on == first.placement_end.last_day


def test_the_commitment_counts_active_placements_weekly_and_times_weeks_a_year():
    scene = changes_scene()
    first, second = _agreements(scene)
    actor = as_actor(scene.commissioner)
    nothing = placement_totals(actor, today=first.start_date)
    assert (nothing.active, nothing.weekly, nothing.annual) == (0, Decimal("0.00"), Decimal("0"))
    assert agreement_activate(agreement_id=first.pk, today=first.start_date)
    assert agreement_activate(agreement_id=second.pk, today=second.start_date)
    later = first.start_date + datetime.timedelta(days=10)
    totals = placement_totals(actor, today=later)
    assert totals.active == 2
    assert totals.weekly == Decimal("3315.00") + Decimal("2800.00")
    assert totals.annual == (Decimal("3315.00") + Decimal("2800.00")) * 52
    assert totals.variations_proposed == 2  # a change of end date on one, an uplift on the other
    # The provider's income is the same two placements.
    assert placement_totals(as_actor(scene.provider_user), today=later) == totals
    # Ending within: the planned ends are 800 days after the start.
    last_day = first.placement_end.last_day
    near = last_day - datetime.timedelta(days=25)
    ending = placement_totals(actor, today=near).ending_within
    assert ending == {30: 2, 90: 2}
    assert placement_totals(actor, today=last_day - datetime.timedelta(days=60)).ending_within == {
        30: 0,
        90: 2,
    }


def test_the_filters_select_the_same_rows_everywhere():
    scene = changes_scene()
    first, second = _agreements(scene)
    actor = as_actor(scene.commissioner)
    last_day = first.placement_end.last_day
    days = (last_day - timezone.localdate()).days
    cases = [
        (PlacementFilters(state=AgreementState.SIGNED), {first.pk, second.pk}),
        (PlacementFilters(state=AgreementState.ACTIVE), set()),
        (PlacementFilters(setting_id=first.setting_id), {first.pk, second.pk}),
        (PlacementFilters(ending_within=days), {first.pk, second.pk}),
        (PlacementFilters(ending_within=days - 1), set()),
        (PlacementFilters(variation_pending=True), {first.pk, second.pk}),
        (PlacementFilters(variation_pending=False), set()),
    ]
    queries = [
        "state=signed",
        "state=active",
        f"setting={first.setting_id}",
        f"ending_within={days}",
        f"ending_within={days - 1}",
        "variation_pending=yes",
        "variation_pending=no",
    ]
    page, api = _client(scene.commissioner), api_client_for(scene.commissioner)
    for (filters, expected), query in zip(cases, queries, strict=True):
        assert {a.pk for a in placements_for(actor, filters)} == expected, query
        api_query = query.replace("=yes", "=true").replace("=no", "=false")
        listed = api.get(f"{API}?{api_query}").json()["results"]
        assert {row["id"] for row in listed} == expected, query
        exported = _csv_rows(page.get(f"{EXPORT}?{query}&format=csv").content)
        references = {Agreement.objects.get(pk=pk).reference for pk in expected}
        assert {row["Agreement"] for row in exported} == references, query
        html = page.get(f"{PAGE}?{query}").content.decode()
        for agreement in (first, second):
            shown = reverse("contracts:agreement", args=[agreement.pk]) in html
            assert shown == (agreement.pk in expected), query


# -- the page ---------------------------------------------------------------------------------


def test_the_commissioner_sees_each_placement_with_child_setting_cost_dates_review_and_uplift():
    scene = changes_scene()
    first, _ = _agreements(scene)
    Child.objects.filter(pk=_child_of(first).pk).update(
        ehcp_next_review_on=datetime.date(2027, 3, 14)
    )
    child = _child_of(first)
    answer = _client(scene.commissioner).get(PAGE)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert f"{child.given_name} {child.family_name}" in html
    assert first.setting.name in html and first.provider.name in html
    assert "£3,250.00" in html and "£2,800.00" in html  # the fees in force today
    assert "14 March 2027" in html  # the EHC plan's next annual review
    assert "£3,315.00 a week from" in html and "£2,856.00 a week from" in html
    assert "Planned end: last day" in html
    assert "Your authority&#x27;s commitment" in html or "Your authority's commitment" in html
    assert "Weekly commitment" in html and "weeks a year from the agreement" in html
    assert reverse("contracts:placements-export") + "?format=csv" in html


def test_the_provider_sees_its_own_placements_with_the_childs_name_after_award_and_its_income():
    scene = changes_scene()
    first, _ = _agreements(scene)
    child = _child_of(first)
    html = _client(scene.provider_user).get(PAGE).content.decode()
    assert f"{child.given_name} {child.family_name}" in html  # its award is complete
    assert "Your weekly income" in html and "Placed by Sefton" in html
    # The referrals' list of awards and outcome letters is linked from here.
    assert reverse("referrals:awarded-placement-list") in html


def test_a_provider_never_sees_a_child_whose_award_to_it_is_not_complete():
    """The scope of the child, not the agreement, decides whether a name shows (ADR 0016): were
    an award to be reopened, the row would stay and the name would go."""
    scene = changes_scene()
    first, _ = _agreements(scene)
    child = _child_of(first)
    Award.objects.filter(pk=first.order.award_id).update(state=AwardState.AWAITING_APPROVAL)
    html = _client(scene.provider_user).get(PAGE).content.decode()
    assert child.family_name not in html
    assert f"Agreement {first.reference}" in html
    api = api_client_for(scene.provider_user).get(f"{API}{first.pk}/").json()
    assert api["child"] is None and child.family_name not in str(api)
    exported = _client(scene.provider_user).get(f"{EXPORT}?format=csv").content.decode("utf-8-sig")
    assert child.family_name not in exported


@pytest.mark.parametrize(
    "role", [Role.LEAD_EVALUATOR, Role.QA_OFFICER, Role.FORUM_MEMBER, Role.AUTHORITY_ADMIN]
)
def test_roles_that_are_not_a_party_are_refused_everywhere(role):
    changes_scene()
    user = person(role)
    for path in (PAGE, f"{EXPORT}?format=csv"):
        assert _client(user).get(path).status_code == 403, (role, path)
    assert api_client_for(user).get(API).status_code == 403
    assert not _viewed_children()


def test_another_authority_and_another_provider_see_none_of_them_and_404_on_each():
    scene = changes_scene()
    first, second = _agreements(scene)
    other_commissioner = person(Role.COMMISSIONER, authority("Knowsley"))
    other_provider = person(Role.PROVIDER_USER)
    names = [_child_of(a).family_name for a in (first, second)]
    for user in (other_commissioner, other_provider):
        html = _client(user).get(PAGE).content.decode()
        assert not any(name in html for name in names)
        assert "£0.00" in html  # nothing committed
        exported = _client(user).get(f"{EXPORT}?format=csv").content.decode("utf-8-sig")
        assert not any(name in exported for name in names)
        api = api_client_for(user)
        assert api.get(API).json()["results"] == []
        for agreement in (first, second):
            answer = api.get(f"{API}{agreement.pk}/")
            assert answer.status_code == 404
            assert set(answer.json()) == {"error"}
    assert api_client_for(other_commissioner).get(f"{API}987654/").status_code == 404


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("ending_within=soon", "ending_within", "Ending within must be a whole number"),
        ("ending_within=0", "ending_within", "Ending within must be a whole number"),
        ("ending_within=99999", "ending_within", "Ending within must be a whole number"),
        ("setting=987654", "setting", "Select one of the settings of your placements."),
        ("state=lost", "state", "Select a valid choice."),
    ],
)
def test_a_wrong_filter_is_refused_at_the_field_and_nothing_is_listed_or_recorded(
    query, field, message
):
    scene = changes_scene()
    first, _ = _agreements(scene)
    reads = AuditEvent.objects.exclude(verb=AuditVerb.SIGNED_IN)
    before = reads.count()
    for path in (f"{PAGE}?{query}", f"{EXPORT}?{query}&format=csv"):
        answer = _client(scene.commissioner).get(path)
        assert answer.status_code == 400, path
        html = answer.content.decode()
        assert "govuk-error-summary" in html and message in html
        assert f'id="{field}-error"' in html or f'id="id_{field}-error"' in html
        assert reverse("contracts:agreement", args=[first.pk]) not in html
    api = api_client_for(scene.commissioner).get(f"{API}?{query.split('=')[0]}=x-y")
    assert api.status_code == 400 and field in api.json()["error"]["fields"]
    assert reads.count() == before


def test_a_wrong_download_format_is_refused_with_a_clear_message():
    scene = changes_scene()
    answer = _client(scene.commissioner).get(f"{EXPORT}?format=pdf")
    assert answer.status_code == 400
    assert "Choose CSV or XLSX for the download." in answer.content.decode()
    assert not AuditEvent.objects.filter(verb=AuditVerb.DOWNLOADED).exists()


def test_the_list_is_paginated(monkeypatch):
    monkeypatch.setattr("contracts.views.placements.PAGE_SIZE", 1)
    scene = changes_scene()
    first, second = _agreements(scene)
    client = _client(scene.commissioner)
    one = client.get(f"{PAGE}?state=signed").content.decode()
    two = client.get(f"{PAGE}?state=signed&page=2").content.decode()
    assert "Page 1 of 2" in one and "Page 2 of 2" in two
    assert "state=signed&amp;page=2" in one  # the filters kept across pages
    shown = [
        {a.pk for a in (first, second) if reverse("contracts:agreement", args=[a.pk]) in html}
        for html in (one, two)
    ]
    assert shown[0] | shown[1] == {first.pk, second.pk} and not shown[0] & shown[1]


def test_a_block_purchase_shows_its_places_and_no_child():
    from contracts.services.orders import order_for_award
    from tests.referrals.awards.matrix import _referral

    scene = changes_scene()
    first, _ = _agreements(scene)
    referral = _referral(
        first.authority,
        first.referral.lot,
        scene.commissioner,
        state=ReferralState.AWARDED,
        awarded_at=timezone.now(),
        kind=ReferralKind.BLOCK,
        places=3,
    )
    award = Award.objects.create(
        referral=referral,
        provider=first.provider,
        setting=first.setting,
        state=AwardState.COMPLETE,
        reasons="Three places.",
        agreed_weekly_price=Decimal("1000.00"),
        start_date=referral.start_date,
        completed_at=timezone.now(),
    )
    block = order_for_award(award=award, actor=None).agreement
    html = _client(scene.commissioner).get(PAGE).content.decode()
    assert "Block purchase: 3 places" in html
    assert "£3,000.00" in html and "£1,000.00 a place" in html
    row = next(
        r
        for r in api_client_for(scene.commissioner).get(API).json()["results"]
        if r["id"] == block.pk
    )
    assert row["is_block_purchase"] and row["child"] is None and row["places"] == 3
    assert row["weekly_cost_today"] == "3000.00" and row["weekly_cost_per_place_today"] == "1000.00"


# -- the audit -------------------------------------------------------------------------------


def test_each_page_naming_children_is_one_audit_event_naming_them():
    scene = changes_scene()
    first, second = _agreements(scene)
    for user in (scene.commissioner, scene.provider_user):
        before = len(_viewed_children())
        _client(user).get(PAGE)
        events = _viewed_children()[before:]
        assert len(events) == 1
        assert sorted(events[0].after["listed"]) == _child_ids(first, second)
        assert events[0].object_repr == ""  # ids only, never a name
    before = len(_viewed_children())
    _client(scene.commissioner).get(f"{PAGE}?state=active")  # nobody listed: nothing recorded
    assert len(_viewed_children()) == before


def test_every_export_is_audited_with_its_format_filters_and_rows():
    scene = changes_scene()
    first, second = _agreements(scene)
    client = _client(scene.commissioner)
    client.get(f"{EXPORT}?format=xlsx&variation_pending=yes")
    download = AuditEvent.objects.get(verb=AuditVerb.DOWNLOADED)
    assert download.after == {
        "export": "xlsx",
        "rows": 2,
        "filters": {"variation_pending": True},
    }
    viewed = _viewed_children()[-1]
    assert sorted(viewed.after["listed"]) == _child_ids(first, second)
    assert "XLSX" in viewed.reason
    # An export that names nobody is still recorded.
    client.get(f"{EXPORT}?format=csv&state=active")
    empty = AuditEvent.objects.filter(verb=AuditVerb.DOWNLOADED).order_by("pk").last()
    assert empty is not None and empty.after["rows"] == 0


def test_the_api_audits_a_page_of_names_and_a_placements_read():
    scene = changes_scene()
    first, second = _agreements(scene)
    api = api_client_for(scene.provider_user)
    api.get(API)
    listed = _viewed_children()[-1]
    assert sorted(listed.after["listed"]) == _child_ids(first, second)
    api.get(f"{API}{first.pk}/")
    read = _viewed_children()[-1]
    assert read.object_id == str(first.child_id) and "placements API" in read.reason


# -- the files -------------------------------------------------------------------------------


def test_the_csv_has_a_row_per_placement_and_guards_against_formulas():
    scene = changes_scene()
    first, second = _agreements(scene)
    Setting.objects.filter(pk=_setting_of(first).pk).update(name='=HYPERLINK("http://x")')
    answer = _client(scene.commissioner).get(f"{EXPORT}?format=csv")
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    assert answer["Content-Disposition"].startswith('attachment; filename="placements-')
    text = answer.content.decode("utf-8-sig")
    assert text.startswith("# Export: Placements of Sefton")
    assert "# Figures: Weekly cost today" in text
    rows = {row["Agreement"]: row for row in _csv_rows(answer.content)}
    row = rows[first.reference]
    child = _child_of(first)
    assert row["Child or young person"] == f"{child.given_name} {child.family_name}"
    assert row["Setting"] == '\'=HYPERLINK("http://x")'
    assert row["Weekly cost today (£)"] == "3250.00"
    assert row["Annual cost (£)"] == "169000.00"
    assert row["Uplift agreed: weekly fee a place (£)"] == "3315.00"
    assert row["Ends on"] == first.placement_end.last_day.isoformat()
    assert row["How it ends"] == "Planned end" and row["Variation proposed"] == "Yes"
    assert rows[second.reference]["Uplift proposed: weekly fee a place (£)"] == "2856.00"


def test_the_xlsx_is_a_real_workbook_with_numbers_dates_and_its_explanation():
    scene = changes_scene()
    first, _ = _agreements(scene)
    Setting.objects.filter(pk=_setting_of(first).pk).update(name="@SUM(A1)")
    answer = _client(scene.provider_user).get(f"{EXPORT}?format=xlsx")
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["Placements", "About this export"]
    sheet = book["Placements"]
    header = [cell.value for cell in sheet[1]]
    rows = [
        dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)
    ]
    row = next(r for r in rows if r["Agreement"] == first.reference)
    assert row["Setting"] == "'@SUM(A1)"
    assert row["Weekly cost today (£)"] == 3250
    assert row["Start date"].date() == first.start_date
    about = {r[0].value: r[1].value for r in book["About this export"].iter_rows()}
    assert about["Rows"] == "2" and "Provider" in about["Export"]


# -- navigation ------------------------------------------------------------------------------


def test_placements_is_in_the_navigation_of_both_parties_and_the_provider_s_points_here():
    scene = changes_scene()
    for user in (scene.commissioner, scene.provider_user):
        html = _client(user).get("/dashboard/").content.decode()
        links = re.findall(r'navigation__link" href="([^"]+)">\s*Placements\s*<', html)
        assert links == [PAGE]
    provider = _client(scene.provider_user).get("/dashboard/").content.decode()
    assert f'href="{reverse("referrals:awarded-placement-list")}"' not in provider
    forum = _client(person(Role.FORUM_MEMBER)).get("/dashboard/").content.decode()
    assert f'href="{PAGE}"' not in forum


def test_an_export_past_its_limit_says_so_and_records_only_the_rows_it_holds(monkeypatch):
    monkeypatch.setattr("contracts.views.placements_export.EXPORT_LIMIT", 1)
    scene = changes_scene()
    _, second = _agreements(scene)
    answer = _client(scene.commissioner).get(f"{EXPORT}?format=csv")
    text = answer.content.decode("utf-8-sig")
    assert "# Rows: 1 (the first 1; narrow the filters for the rest)" in text
    rows = _csv_rows(answer.content)
    assert [row["Agreement"] for row in rows] == [second.reference]  # the latest start first
    assert _viewed_children()[-1].after["listed"] == [second.child_id]
    assert AuditEvent.objects.get(verb=AuditVerb.DOWNLOADED).after["rows"] == 1
