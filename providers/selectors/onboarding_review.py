"""What evaluators read of an application: what the provider sent, setting by setting.

Given an application the caller has already scoped to the actor, so it reads only what belongs
to that application.
"""

from __future__ import annotations

from dataclasses import dataclass

from providers.models import Application, Evidence, Setting, SettingOverview


@dataclass(frozen=True)
class SettingMaterial:
    setting: Setting
    overview: SettingOverview | None
    evidence: list[Evidence]


@dataclass(frozen=True)
class ApplicationMaterial:
    settings: list[SettingMaterial]
    organisation_evidence: list[Evidence]


def application_material(application: Application | None) -> ApplicationMaterial | None:
    """Each setting with its overview and evidence, and the organisation's evidence (two
    queries)."""
    if application is None:
        return None
    evidence = list(application.evidence.select_related("setting").order_by("kind", "title"))
    settings = []
    for setting in application.settings.select_related("overview").order_by("name", "pk"):
        try:
            overview: SettingOverview | None = setting.overview
        except SettingOverview.DoesNotExist:
            overview = None
        settings.append(
            SettingMaterial(
                setting=setting,
                overview=overview,
                evidence=[e for e in evidence if e.setting_id == setting.pk],
            )
        )
    return ApplicationMaterial(
        settings=settings,
        organisation_evidence=[e for e in evidence if e.setting_id is None],
    )
