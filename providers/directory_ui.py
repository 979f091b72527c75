"""Navigation entries and dashboard panels of the directory (imported from the app's ready())."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.urls import reverse

from fps_portal.accounts.models import Role
from fps_portal.actors import Actor
from fps_portal.context_processors import register_nav
from fps_portal.scoping import register_scope, scoped
from fps_portal.web.dashboard import Panel, QueueItem, register_panel
from providers.models import (
    AuthorityLocation,
    GiasEstablishment,
    InspectionJudgement,
    PostcodeDistrict,
    Setting,
    SettingLot,
)
from providers.selectors.search.query import on_the_fps

register_nav(
    "Find a setting",
    "providers:find-a-setting",
    lambda actor: actor is not None and actor.is_authority,
)
register_nav(
    "Your settings", "providers:setting-list", lambda actor: actor is not None and actor.is_provider
)
register_nav(
    "FPS directory", "providers:forum-directory", lambda actor: actor is None or actor.is_forum
)
register_nav(
    "About the FPS", "providers:about-the-fps", lambda actor: actor is None or actor.is_forum
)


@register_panel(
    roles={Role.COMMISSIONER, Role.LEAD_EVALUATOR, Role.QA_OFFICER, Role.SENIOR_MANAGER}, order=10
)
def find_a_setting_panel(actor: Actor) -> Panel:
    on_fps = on_the_fps(scoped(Setting, actor))
    url = reverse("providers:find-a-setting")
    return Panel(
        title="Find a setting",
        items=[
            QueueItem("Settings on the FPS", on_fps.count(), url),
            QueueItem(
                "With vacancies now",
                on_fps.filter(vacancies__gt=0).count(),
                f"{url}?has_vacancies=true",
            ),
        ],
    )


@register_panel(roles={Role.PROVIDER_USER}, order=10)
def provider_settings_panel(actor: Actor) -> Panel:
    url = reverse("providers:setting-list")
    # The three counts in one query.
    counts = scoped(Setting, actor).aggregate(
        settings=Count("pk", distinct=True),
        no_price=Count(
            "pk",
            distinct=True,
            filter=~Exists(SettingLot.objects.filter(setting=OuterRef("pk"))),
        ),
        no_judgement=Count(
            "pk",
            distinct=True,
            filter=~Exists(InspectionJudgement.objects.filter(setting=OuterRef("pk"))),
        ),
    )
    return Panel(
        title="Your settings",
        items=[
            QueueItem("Settings", counts["settings"], url),
            QueueItem(
                "Missing a price",
                counts["no_price"],
                url,
                "Add a weekly price for each lot offered.",
            ),
            QueueItem("Missing an inspection judgement", counts["no_judgement"], url),
        ],
    )


@register_panel(roles={Role.FORUM_MEMBER}, order=10)
def forum_directory_panel(actor: Actor) -> Panel:
    return Panel(
        title="The FPS directory",
        items=[
            QueueItem(
                "Settings on the FPS",
                on_the_fps(scoped(Setting, actor)).count(),
                reverse("providers:forum-directory"),
            )
        ],
        description="Read-only: no prices and no personal data.",
    )


# Reference data, open to every signed-in actor: it describes places and public establishments.
@register_scope(PostcodeDistrict)
@register_scope(AuthorityLocation)
@register_scope(GiasEstablishment)
def _reference(qs: QuerySet, actor: Actor) -> QuerySet:
    return qs
