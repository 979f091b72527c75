"""The public audience (ADR 0005): the forum's pages read through `scoped(Model, PUBLIC)`, and what
the public or a forum may see of an inspection judgement is written once."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404

from fps_portal.accounts.models import Organisation, OrganisationKind, Role
from fps_portal.actors import Actor, actor_for_user
from fps_portal.notifications.models import Notification
from fps_portal.scoping import PUBLIC, get_scoped_or_404, has_public_scope_rule, scoped
from providers.models import (
    AuthorityLocation,
    CheckStatus,
    EvaluationWindow,
    GiasEstablishment,
    InspectionJudgement,
    Lot,
    PostcodeDistrict,
    PrimaryNeed,
    PurchasingSystem,
    Specialism,
)
from providers.scope_rules import published_judgements
from tests.conftest import ALL_ROLES
from tests.factories import person
from tests.providers.factories import (
    InspectionJudgementFactory,
    RejectedJudgementFactory,
    ReportedJudgementFactory,
)
from tests.providers.onboarding.factories import open_window

REFERENCE_DATA = (
    Lot,
    Specialism,
    PrimaryNeed,
    PostcodeDistrict,
    AuthorityLocation,
    GiasEstablishment,
)


def _actor(role: str) -> Actor:
    actor = actor_for_user(person(role))
    assert actor is not None
    return actor


@pytest.mark.parametrize("model", REFERENCE_DATA)
def test_reference_data_is_read_whole_by_every_role_and_the_public(world, model) -> None:
    everything = set(model._default_manager.values_list("pk", flat=True))
    assert set(scoped(model, PUBLIC).values_list("pk", flat=True)) == everything
    for role in ALL_ROLES:
        assert set(scoped(model, _actor(role)).values_list("pk", flat=True)) == everything


def test_a_model_without_a_public_rule_shows_the_public_nothing_however_widely_actors_see_it(
    world,
) -> None:
    system = PurchasingSystem.objects.get()
    window = open_window(purchasing_system=system)
    # Every signed-in organisation sees the window timetable and the purchasing system...
    assert window in scoped(EvaluationWindow, _actor(Role.PROVIDER_USER))
    assert system in scoped(PurchasingSystem, _actor(Role.FORUM_MEMBER))
    # ...the public has no rule for them, so it sees neither, nor anyone's notifications.
    for model in (EvaluationWindow, PurchasingSystem, Notification):
        assert not has_public_scope_rule(model)
        assert not scoped(model, PUBLIC).exists()
    with pytest.raises(Http404):
        get_scoped_or_404(EvaluationWindow, PUBLIC, pk=window.pk)


def test_the_public_sees_settings_on_the_fps_and_authorities_only(world) -> None:
    assert set(scoped(type(world.crewe), PUBLIC)) == {world.crewe, world.bootle, world.carlisle}
    for hidden in (world.unpriced, world.suspended):
        with pytest.raises(Http404):
            get_scoped_or_404(type(hidden), PUBLIC, pk=hidden.pk)
    kinds = set(scoped(Organisation, PUBLIC).values_list("kind", flat=True))
    assert kinds == {OrganisationKind.AUTHORITY}


def test_the_public_and_forums_see_published_confirmed_judgements_only(world) -> None:
    published = InspectionJudgementFactory(setting=world.crewe)
    draft = InspectionJudgementFactory(setting=world.crewe, publication_date=None)
    reported = ReportedJudgementFactory(setting=world.crewe)
    rejected = RejectedJudgementFactory(setting=world.crewe)
    off_the_fps = InspectionJudgementFactory(setting=world.suspended)
    assert set(published_judgements(InspectionJudgement.objects.all())) == {
        published,
        off_the_fps,
    }
    assert set(scoped(InspectionJudgement, PUBLIC)) == {published}
    assert set(scoped(InspectionJudgement, _actor(Role.FORUM_MEMBER))) == {published}
    # Authorities still see a report awaiting check (marked as such); the rule is the public's.
    commissioner = set(scoped(InspectionJudgement, _actor(Role.COMMISSIONER)))
    assert {published, draft, reported} <= commissioner and rejected not in commissioner
    assert reported.check_status == CheckStatus.AWAITING_CHECK


@pytest.mark.parametrize("signed_in_as", [None, Role.FORUM_MEMBER, Role.COMMISSIONER])
def test_the_forum_setting_page_shows_the_public_judgements_whoever_is_signed_in(
    world, client, signed_in_as
) -> None:
    InspectionJudgementFactory(setting=world.crewe)  # published: "2 (Good)"
    # A later, worse inspection the inspectorate has not published: it must not be shown as the
    # current one.
    InspectionJudgementFactory(
        setting=world.crewe,
        inspection_start_date=datetime.date(2025, 1, 10),
        publication_date=None,
        grades={"overall_effectiveness": "4"},
    )
    if signed_in_as:
        client.force_login(person(signed_in_as))
    html = client.get(f"/forum/settings/{world.crewe.pk}/").content.decode()
    assert "Overall effectiveness: 2 (Good)" in html
    assert "Inadequate" not in html
    assert client.get(f"/forum/settings/{world.suspended.pk}/").status_code == 404
