"""What the onboarding pages show about an application, gathered in a few queries.

- `{% application_material application as material %}`: what the provider sent for evaluators
  to judge: each setting's overview of services (with how it works with parents and hears the
  learner's voice) and its evidence, then the organisation's evidence;
- `{% application_outcome application as outcome %}`: which settings were admitted on which
  lots and which were not, and why: the same summary the outcome e-mail gives.

The pages that use them are given an application their view has already scoped to the person,
so these read only what belongs to that application.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from providers.models import Application, Evidence, Setting, SettingOverview
from providers.services.outcomes import OutcomeSummary, outcome_summary

register = template.Library()


@dataclass(frozen=True)
class SettingMaterial:
    setting: Setting
    overview: SettingOverview | None
    evidence: list[Evidence]


@dataclass(frozen=True)
class ApplicationMaterial:
    settings: list[SettingMaterial]
    organisation_evidence: list[Evidence]


@register.simple_tag
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


@register.simple_tag
def application_outcome(application: Application) -> OutcomeSummary | None:
    """The outcome setting by setting, once the application has one."""
    return outcome_summary(application) if application.has_outcome else None
