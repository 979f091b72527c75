"""The monitoring pages: the provider's figures (bad input on the field, nothing written; a draft;
sending), the QA officer's review form, the trend's chart and table, the dashboard panel."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from quality.models import ReturnReview, ReturnState, SettingReturn
from quality.services.monitoring import monitoring_return_submit
from tests.quality.monitoring_world import build_monitoring, complete_figures, requested

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_provider_fills_in_saves_and_sends_its_return_on_the_page() -> None:
    world = build_monitoring()
    made = requested(world)
    url = reverse("quality:monitoring-return-figures", args=[made.pk])
    client = _client(world.provider_user)
    row = made.settings.get()
    assert client.get(url).status_code == 200
    refused = client.post(url, {f"s{row.pk}_complaints": "-2", "action": "save"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "There is a problem" in body and "Complaints received must be 0 or more" in body
    assert SettingReturn.objects.get(pk=row.pk).complaints is None
    saved = client.post(url, {f"s{row.pk}_complaints": "2", "action": "save"})
    assert saved.status_code == 302
    assert SettingReturn.objects.get(pk=row.pk).complaints == 2
    empty = client.post(url, {})
    assert (
        empty.status_code == 400 and "Enter the number of incidents, or 0" in empty.content.decode()
    )
    sent = client.post(url, {**complete_figures(made), "action": "send"})
    assert sent.status_code == 302
    made.refresh_from_db()
    assert made.state == ReturnState.SUBMITTED


def test_the_officer_reviews_on_the_page_and_sees_the_trend_as_chart_and_table() -> None:
    world = build_monitoring()
    made = requested(world)
    monitoring_return_submit(
        actor=world.alerts.actor(world.provider_user),
        monitoring_return=made,
        figures=complete_figures(made),
    )
    client = _client(world.sefton_qa)
    page = client.get(reverse("quality:monitoring-return", args=[made.pk])).content.decode()
    assert 'role="img"' in page and "<desc" in page and "Q2 2026-27: 2" in page
    assert "by quarter (the numbers in the charts)" in page
    url = reverse("quality:monitoring-return-review", args=[made.pk])
    refused = client.post(url, {"decision": "rated"})
    assert (
        refused.status_code == 400 and "Select a rating for the return." in refused.content.decode()
    )
    assert not ReturnReview.objects.exists()
    done = client.post(url, {"decision": "rated", "rating": "good", "comments": "Clear."})
    assert done.status_code == 302
    assert ReturnReview.objects.get().rating == "good"
    setting = client.get(reverse("quality:monitoring-setting", args=[world.alerts.setting.pk]))
    assert setting.status_code == 200 and "Marsh Lane School" in setting.content.decode()
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Quarterly monitoring" in dashboard
