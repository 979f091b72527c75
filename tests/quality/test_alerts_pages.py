"""The rating alerts' pages, API and e-mails: each senior manager sees their own authority's
placements and nothing of another's; acknowledging twice is one record; every view of a child's
name is audited; the setting shows "under review" in search and on its page."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from fps_portal.audit.models import AuditEvent, AuditVerb
from fps_portal.notifications.models import Notification
from quality.models import AlertRecipient, RatingAlert
from tests.factories import api_client_for
from tests.quality.world import AlertWorld, build, import_inadequate

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    built = build()
    with django_capture_on_commit_callbacks(execute=True):
        import_inadequate(built)
    built.alert = RatingAlert.objects.get()  # type: ignore[attr-defined]
    return built


def _names(world: AlertWorld, authority: str) -> list[str]:
    return [f"{c.given_name} {c.family_name}" for c in world.children(authority)]


def _signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _every_name(world: AlertWorld) -> list[str]:
    ended = world.ended.child if world.ended is not None else None
    names = [n for a in ("Sefton", "Wirral", "Knowsley") for n in _names(world, a)]
    return [*names, f"{ended.given_name} {ended.family_name}"] if ended else names


def test_seftons_dcs_sees_seftons_children_and_no_one_elses(world):
    client = _signed_in(world.sefton_dcs)
    listed = client.get("/quality/alerts/").content.decode()
    assert "Marsh Lane School" in listed
    page = client.get(f"/quality/alerts/{world.alert.pk}/").content.decode()
    for name in _names(world, "Sefton"):
        assert name in page
    shown = [n for n in _every_name(world) if n in page]
    assert sorted(shown) == sorted(_names(world, "Sefton")), "another authority's child shown"
    assert "Wirral Head of Service" not in page  # nor who else was told
    assert "Overall effectiveness: 4" in page and "Overall effectiveness: 2" in page
    assert "6 October 2026" in page and "10 May 2022" in page  # both judgements' dates
    assert "What to do next" in page


def test_wirrals_head_of_service_sees_wirrals_child_only(world):
    page = _signed_in(world.wirral_hcs).get(f"/quality/alerts/{world.alert.pk}/")
    text = page.content.decode()
    assert [n for n in _every_name(world) if n in text] == _names(world, "Wirral")


def test_an_authority_with_no_child_placed_gets_nothing(world):
    client = _signed_in(world.knowsley_dcs)
    assert client.get(f"/quality/alerts/{world.alert.pk}/").status_code == 404
    assert "No rating alert has been sent" in client.get("/quality/alerts/").content.decode()
    api = api_client_for(world.knowsley_dcs)
    assert api.get(f"/api/v1/alerts/{world.alert.pk}/").status_code == 404
    assert api.post(f"/api/v1/alerts/{world.alert.pk}/acknowledge/").status_code == 404
    assert not Notification.objects.filter(recipient=world.knowsley_dcs).exists()


def test_no_child_is_named_in_any_email_or_notification(world):
    assert mail.outbox
    names = _every_name(world)
    for message in mail.outbox:
        assert not [n for n in names if n in message.body or n in message.subject]
    for note in Notification.objects.all():
        assert not [n for n in names if n in note.body or n in note.subject]


def test_the_api_gives_only_the_readers_own_authoritys_placements_and_no_names(world):
    body = api_client_for(world.sefton_dcs).get(f"/api/v1/alerts/{world.alert.pk}/").json()
    assert sorted(p["agreement"] for p in body["placements"]) == sorted(
        a.pk for a in world.placements["Sefton"]
    )
    assert {r["authority"] for r in body["recipients"]} == {world.sefton.pk}
    text = str(body)
    assert not [n for n in _every_name(world) if n in text]
    listed = api_client_for(world.wirral_hcs).get("/api/v1/alerts/").json()["results"]
    assert [a["id"] for a in listed] == [world.alert.pk]
    assert {r["authority"] for r in listed[0]["recipients"]} == {world.wirral.pk}


def test_the_lead_authority_sees_no_child_of_another_authority(world):
    page = _signed_in(world.lead_evaluator).get(f"/quality/alerts/{world.alert.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert not [n for n in _every_name(world) if n in text]
    assert "no child placed at this setting" in text


def test_each_view_of_the_childrens_names_is_audited(world):
    _signed_in(world.sefton_dcs).get(f"/quality/alerts/{world.alert.pk}/")
    viewed = AuditEvent.objects.filter(verb=AuditVerb.VIEWED_CHILD_RECORD, actor=world.sefton_dcs)
    assert sorted(int(e.object_id) for e in viewed) == sorted(
        c.pk for c in world.children("Sefton")
    )


def test_acknowledging_twice_is_one_record_and_one_audit(world):
    client = _signed_in(world.sefton_dcs)
    url = f"/quality/alerts/{world.alert.pk}/acknowledge/"
    assert client.post(url).status_code == 302
    first = AlertRecipient.objects.get(alert=world.alert, user=world.sefton_dcs)
    assert client.post(url).status_code == 302
    api = api_client_for(world.sefton_dcs)
    assert api.post(f"/api/v1/alerts/{world.alert.pk}/acknowledge/").status_code == 200
    again = AlertRecipient.objects.get(alert=world.alert, user=world.sefton_dcs)
    assert again.acknowledged_at == first.acknowledged_at is not None
    assert again.acknowledged_by == world.sefton_dcs
    acks = AuditEvent.objects.filter(
        object_type="quality.alertrecipient", reason="Rating alert acknowledged."
    )
    assert acks.count() == 1
    # The other people told are still to acknowledge, each for themselves.
    others = AlertRecipient.objects.filter(alert=world.alert).exclude(user=world.sefton_dcs)
    assert not others.filter(acknowledged_at__isnull=False).exists()
    page = client.get(f"/quality/alerts/{world.alert.pk}/").content.decode()
    assert "You acknowledged this alert" in page


def test_the_api_acknowledges_for_the_caller(world):
    response = api_client_for(world.wirral_hcs).post(
        f"/api/v1/alerts/{world.alert.pk}/acknowledge/"
    )
    assert response.status_code == 200
    mine = [r for r in response.json()["recipients"] if r["user"] == world.wirral_hcs.pk]
    assert mine[0]["acknowledged_at"] is not None


def test_commissioners_providers_and_forums_are_refused(world):
    for user in (world.sefton_commissioner,):
        assert _signed_in(user).get("/quality/alerts/").status_code == 403
        assert api_client_for(user).get("/api/v1/alerts/").status_code == 403


def test_the_setting_is_under_review_in_search_and_on_its_page(world):
    client = _signed_in(world.sefton_commissioner)
    page = client.get(f"/settings/{world.setting.pk}/").content.decode()
    assert "Under review since" in page
    from providers.selectors.search.query import RESULT_FIELDS

    assert "under_review_since" in RESULT_FIELDS
    from providers.models import Setting
    from providers.templatetags.search_render import search_rows

    row = Setting.objects.select_related("provider").get(pk=world.setting.pk)
    assert "Under review" in search_rows([row], None)


def test_the_dashboard_counts_alerts_to_acknowledge(world):
    page = _signed_in(world.sefton_dcs).get("/dashboard/").content.decode()
    assert "Rating alerts you have not acknowledged" in page
