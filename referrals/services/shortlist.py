"""A preselected competition's shortlist, built from the find-a-setting search: the search's
filters are saved with the referral (so anyone can see how the settings were found) and each
setting chosen carries its grounds (location, size, capacity, gender, needs, emergency, or the
commissioner's own words; A30)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import audit_record
from fps_portal.errors import InvalidInput, NotAllowed, WrongState
from fps_portal.scoping import dangerously_unscoped
from fps_portal.transitions import lock
from providers.selectors.search.criteria import SettingSearchForm
from referrals.models import PreselectionGround, Referral, ReferralState, Route, ShortlistEntry
from referrals.scope_rules import places_children
from referrals.services.referral_rules import settings_eligible

#: The search parameters kept with the referral (paging is not a filter).
NOT_FILTERS = frozenset({"cursor", "page_size", "once"})
MAX_SHORTLIST = 50
GROUNDS_MISSING = "Choose at least one ground for choosing {setting}."
OTHER_WORDS_MISSING = "Say in your own words why {setting} was chosen."
NOTHING_CHOSEN = "Choose at least one setting to invite."


@dataclass(frozen=True)
class ShortlistChoice:
    setting_id: int
    grounds: tuple[str, ...]
    note: str = ""


def saved_filters(params: Mapping[str, object]) -> dict[str, str]:
    """The search's filters as they were given (valid ones only), without paging."""
    form = SettingSearchForm({k: v for k, v in params.items() if k not in NOT_FILTERS})
    if not form.is_valid():
        problems = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
        raise InvalidInput.on_fields(problems)
    return {
        name: str(value)
        for name, value in params.items()
        if name not in NOT_FILTERS and name in form.fields and str(value).strip()
    }


@transaction.atomic
def shortlist_save(
    *,
    actor: Actor,
    referral: Referral,
    search_filters: Mapping[str, object],
    choices: Sequence[ShortlistChoice],
) -> list[ShortlistEntry]:
    """Replaces the shortlist with `choices` and keeps the search's filters. Each setting must be
    on the referral's lot of the FPS; each needs grounds ("other" needs words)."""
    if not places_children(actor):
        raise NotAllowed(
            "Only the placing authority's commissioners and senior managers can do this."
        )
    locked = lock(referral)
    if locked.route != Route.PRESELECTED_COMPETITION:
        raise WrongState("Only a preselected competition has a shortlist.")
    if locked.state not in (ReferralState.DRAFT, ReferralState.RETURNED):
        raise WrongState(
            f"This referral is {locked.get_state_display().lower()}, so its shortlist is fixed."
        )
    filters = saved_filters(search_filters)
    errors: dict[str, list[str]] = {}
    if not choices:
        errors["shortlist"] = [NOTHING_CHOSEN]
    if len(choices) > MAX_SHORTLIST:
        errors["shortlist"] = [f"Choose at most {MAX_SHORTLIST} settings."]
    ids = [c.setting_id for c in choices]
    if len(ids) != len(set(ids)):
        errors["shortlist"] = ["Each setting can be chosen once."]
    eligible = {s.pk: s for s in settings_eligible(locked).filter(pk__in=ids)}
    for choice in choices:
        setting = eligible.get(choice.setting_id)
        key = f"setting_{choice.setting_id}"
        if setting is None:
            errors[key] = [
                "That setting is not on this lot of the FPS (an active member with an approved "
                "price), so it cannot be invited."
            ]
            continue
        grounds = set(choice.grounds)
        if not grounds or not grounds <= set(PreselectionGround.values):
            errors[f"grounds_{choice.setting_id}"] = [GROUNDS_MISSING.format(setting=setting)]
        elif PreselectionGround.OTHER in grounds and not choice.note.strip():
            errors[f"note_{choice.setting_id}"] = [OTHER_WORDS_MISSING.format(setting=setting)]
        elif len(choice.note) > 2000:
            errors[f"note_{choice.setting_id}"] = ["Your words must be 2,000 characters or fewer."]
    if errors:
        raise InvalidInput.on_fields(errors)
    entries = dangerously_unscoped(ShortlistEntry).filter(referral=locked)
    before = {
        "search_filters": locked.search_filters,
        "shortlist": {str(e.setting_id): e.grounds for e in entries},
    }
    entries.exclude(setting_id__in=ids).delete()
    now = timezone.now()
    saved = []
    for choice in choices:
        entry, _ = ShortlistEntry.objects.update_or_create(
            referral=locked,
            setting_id=choice.setting_id,
            defaults={
                "grounds": sorted(set(choice.grounds)),
                "grounds_note": choice.note.strip(),
            },
            create_defaults={
                "grounds": sorted(set(choice.grounds)),
                "grounds_note": choice.note.strip(),
                "added_at": now,
                "added_by": actor.user if actor.user.pk else None,
            },
        )
        saved.append(entry)
    locked.search_filters = filters
    locked.updated_at = now
    locked.save(update_fields=["search_filters", "updated_at"])
    audit_record(
        actor=actor,
        verb=AuditVerb.UPDATED,
        obj=locked,
        before=before,
        after={
            "search_filters": filters,
            "shortlist": {str(e.setting_id): e.grounds for e in saved},
        },
    )
    return saved
