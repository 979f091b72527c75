"""Recording many judgements at once: the Ofsted import's set-based form of `judgement_record`.

The same rules, decisions, audit and events as calling `judgement_record` for each item in turn
(what the import did before), in a number of queries that does not grow with the items:

- one read of the settings' judgements on file; each item is decided in order against them as
  the items before it left them (new, corrected, the same again, or the same publication of a
  file's inspection, which keeps the file and row it first came from and is not looked at again);
- every rule checked before anything is written: the first item (in order) that breaks one
  refuses the lot (`BulkRefused`, with the item's index and `judgement_record`'s messages);
- then, under the lock of the settings that change (taken in primary-key order; their
  judgements read again under it, and decided again if another writer changed them), the
  changes are written with `bulk_create` / `bulk_update` and audited in one insert
  (`audit_record_many`); each changed setting's band is refreshed from what is now on file
  (`band_of`, the rule `setting_refresh_band` applies), written in one update and audited; and
  the `JUDGEMENT_CONFIRMED_HANDLERS` are given, once per wave (below), the event
  `judgement_record` would have raised for each new or changed judgement (the previous and
  current band in its remit).

The handlers read the database (is this judgement still the setting's current one in its remit?),
so what they see must be what it was when `judgement_record` ran them: the changes are written in
waves, a setting's second change in one remit in the second wave, and each wave's handlers run
after that wave is written (its bands too). An ordinary file (one row per school) is one or
two waves: a school's report card and its older graded inspection are both in one remit.
"""

from __future__ import annotations

import copy
import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from fps_portal.actors import Actor
from fps_portal.audit.models import AuditVerb
from fps_portal.audit.services import AuditEntry, audit_record_many, snapshot
from fps_portal.errors import InvalidInput, NotAllowed
from fps_portal.scoping import dangerously_unscoped
from providers.inspections.bands import RULE_VERSION, Band, BandResult, derive_band
from providers.inspections.models import CheckStatus, InspectionJudgement, JudgementSource
from providers.inspections.permissions import confirmed_on_entry
from providers.inspections.selectors import latest_confirmed_judgements
from providers.inspections.services.hooks import (
    CurrentInRemit,
    JudgementConfirmed,
    run_confirmed_handlers,
)
from providers.inspections.services.recording import (
    JUDGEMENT_FIELDS,
    JudgementData,
    _row_values,
    _rule_errors,
    _would_change,
)
from providers.inspections.services.setting_band import BAND_FIELDS, BAND_REASON, band_of
from providers.models import Setting

#: What a correction writes: the row's values, the check and who recorded it.
_UPDATED_FIELDS = [
    *(f for f in JUDGEMENT_FIELDS if f not in ("framework", "inspection_number")),
    "checked_at",
    "checked_by",
    "recorded_by",
]
_CORRECTED = "Judgement corrected or re-published."

Key = tuple[int, str, str]  # setting, framework, inspection number
Slot = object  # a judgement's place in its setting: its pk, or ("new", item index)


class Outcome(enum.StrEnum):
    KEPT = "kept"  # the same publication of a file's confirmed inspection: not looked at again
    UNCHANGED = "unchanged"  # recorded already, exactly so
    UPDATED = "updated"
    NEW = "new"


@dataclass(frozen=True)
class BulkItem:
    setting_id: int
    data: JudgementData


@dataclass(frozen=True)
class BulkRecorded:
    """Per item, what became of it and whether the judgement it left on file is about the
    current school (None for a kept one); and how many settings' bands changed."""

    outcomes: list[Outcome]
    relates_to_current_urn: list[bool | None]
    bands_changed: int  # settings whose band (not only its summary) differs from before


class BulkRefused(Exception):
    """Item `index` breaks a rule of `judgement_record` (`error`); nothing was written."""

    def __init__(self, index: int, error: InvalidInput) -> None:
        super().__init__(error.message)
        self.index = index
        self.error = error


@dataclass
class _Change:
    index: int
    setting_id: int
    slot: Slot
    prior: InspectionJudgement | None
    judgement: InspectionJudgement
    wave: int = 0


@dataclass
class _Plan:
    outcomes: list[Outcome] = field(default_factory=list)
    relates: list[bool | None] = field(default_factory=list)
    changes: list[_Change] = field(default_factory=list)


class _Memo:
    """What depends only on the grades, worked out once per distinct set of them: a file of
    thousands of inspections holds a few hundred such sets (deriving a band is the dearest part
    of recording one)."""

    def __init__(self) -> None:
        self._values: dict[object, dict[str, Any]] = {}
        self._errors: dict[object, dict[str, list[str]]] = {}
        self._derived: dict[object, BandResult] = {}

    def errors(self, data: JudgementData) -> dict[str, list[str]]:
        key = (
            data.framework, data.remit, tuple(sorted(data.grades.items())),
            data.category_of_concern, data.inspection_start_date, data.publication_date,
            data.source,
        )  # fmt: skip
        if key not in self._errors:
            self._errors[key] = _rule_errors(data, unreadable=())
        return {name: list(messages) for name, messages in self._errors[key].items()}

    def values(self, data: JudgementData) -> dict[str, Any]:
        key = (
            data.framework,
            data.remit,
            tuple(sorted(data.grades.items())),
            data.category_of_concern,
        )
        if key not in self._values:
            self._values[key] = _row_values(data)
        values = dict(self._values[key])
        values.update(
            inspection_start_date=data.inspection_start_date,
            publication_date=data.publication_date,
            relates_to_current_urn=data.relates_to_current_urn,
            source=data.source,
            source_reference=data.source_reference.strip(),
            grades=dict(values["grades"]),
            band_reasons=list(values["band_reasons"]),
        )
        return values

    def band_result(self, judgement: InspectionJudgement) -> BandResult:
        """`hooks.band_result_of`, its derivation remembered."""
        key = (
            judgement.framework,
            tuple(sorted(judgement.grades.items())),
            judgement.category_of_concern,
        )
        if key not in self._derived:
            self._derived[key] = derive_band(
                judgement.framework,
                judgement.grades,
                category_of_concern=judgement.category_of_concern,
            )
        return BandResult(
            band=Band(judgement.band),
            reasons=tuple(str(r) for r in judgement.band_reasons),
            rule_version=judgement.rule_version,
            category_of_concern=judgement.category_of_concern,
            safeguarding_not_met=self._derived[key].safeguarding_not_met,
        )


def _same_publication(prior: InspectionJudgement, data: JudgementData) -> bool:
    return (
        prior.inspection_start_date == data.inspection_start_date
        and prior.publication_date == data.publication_date
        and prior.grades == dict(data.grades)
        and prior.category_of_concern == data.category_of_concern
        and prior.relates_to_current_urn == data.relates_to_current_urn
    )


def _on_file(setting_ids: Iterable[int]) -> dict[int, dict[Slot, InspectionJudgement]]:
    """{setting: {pk: judgement}}: every judgement of these settings, in one query."""
    found: dict[int, dict[Slot, InspectionJudgement]] = defaultdict(dict)
    for judgement in dangerously_unscoped(InspectionJudgement).filter(
        setting_id__in=list(setting_ids)
    ):
        found[judgement.setting_id][judgement.pk] = judgement
    return found


def _state(judgements: dict[Slot, InspectionJudgement]) -> dict[Slot, dict[str, Any]]:
    """What a setting's judgements hold, to tell whether a second read found the same."""
    return {
        slot: {f.attname: getattr(j, f.attname) for f in InspectionJudgement._meta.concrete_fields}
        for slot, j in judgements.items()
    }


def _plan(
    items: Sequence[BulkItem],
    indices: Iterable[int],
    on_file: dict[int, dict[Slot, InspectionJudgement]],
    user: Any,
    memo: _Memo,
) -> _Plan:
    """Each item decided in order, as `judgement_record` (and the import before it) would."""
    by_number: dict[Key, tuple[Slot, InspectionJudgement]] = {
        (setting_id, j.framework, j.inspection_number): (slot, j)
        for setting_id, judgements in on_file.items()
        for slot, j in judgements.items()
        if j.inspection_number
    }
    plan = _Plan()
    for index in indices:
        item = items[index]
        data = item.data
        number = data.inspection_number.strip()
        key = (item.setting_id, data.framework, number)
        slot, prior = by_number.get(key, (("new", index), None))
        if (
            prior is not None
            and data.source == JudgementSource.OFSTED_FILE
            and prior.source == JudgementSource.OFSTED_FILE
            and _same_publication(prior, data)
        ):
            if prior.check_status == CheckStatus.CONFIRMED and prior.rule_version == RULE_VERSION:
                plan.outcomes.append(Outcome.KEPT)
                plan.relates.append(None)
                continue
            # The same publication from another month's file keeps the file and row it came from.
            data = replace(data, source_reference=prior.source_reference)
        errors = memo.errors(data)
        if errors:
            raise BulkRefused(index, InvalidInput.on_fields(errors))
        values = memo.values(data)
        check = {"check_status": CheckStatus.CONFIRMED, "checked_at": timezone.now()}
        # A trusted source entering exactly what a provider reported vouches for it.
        if (
            prior is not None
            and prior.check_status == CheckStatus.CONFIRMED
            and not _would_change(prior, values)
        ):
            plan.outcomes.append(Outcome.UNCHANGED)
            plan.relates.append(prior.relates_to_current_urn)
            continue
        if prior is not None:
            judgement = copy.copy(prior)
            for name, value in {**values, **check}.items():
                setattr(judgement, name, value)
            judgement.checked_by = judgement.recorded_by = user
        else:
            judgement = InspectionJudgement(
                setting_id=item.setting_id,
                framework=data.framework,
                inspection_number=number,
                recorded_by=user,
                checked_by=user,
                **values,
                **check,
            )
        by_number[key] = (slot, judgement)
        plan.changes.append(_Change(index, item.setting_id, slot, prior, judgement))
        plan.outcomes.append(Outcome.UPDATED if prior is not None else Outcome.NEW)
        plan.relates.append(judgement.relates_to_current_urn)
    return plan


def _waves(changes: list[_Change]) -> list[list[_Change]]:
    """The changes in waves: no two in one wave touch the same setting and remit, and a
    setting's changes in one remit keep their order from wave to wave."""
    last: dict[tuple[int, str], int] = {}
    waves: list[list[_Change]] = []
    for change in changes:
        remits = {change.judgement.remit} | ({change.prior.remit} if change.prior else set())
        keys = [(change.setting_id, remit) for remit in remits]
        change.wave = 1 + max((last.get(k, -1) for k in keys), default=-1)
        for k in keys:
            last[k] = change.wave
        if change.wave == len(waves):
            waves.append([])
        waves[change.wave].append(change)
    return waves


def _current_in_remit(
    judgements: Iterable[InspectionJudgement], remit: str, memo: _Memo
) -> CurrentInRemit:
    """`hooks.current_in_remit`, of judgements in hand rather than read."""
    latest = latest_confirmed_judgements([j for j in judgements if j.remit == remit])
    if not latest:
        return CurrentInRemit(judgement_id=None, band=None, grades=None)
    return CurrentInRemit(
        judgement_id=latest[0].pk,
        band=memo.band_result(latest[0]),
        grades=dict(latest[0].grades),
    )


@transaction.atomic
def judgements_record_many(*, actor: Actor | None, items: Sequence[BulkItem]) -> BulkRecorded:
    """Records each item as `judgement_record(actor=actor, ...)` would, in order, in one
    transaction and a number of queries that does not grow with the items.

    Only for sources whose judgements count on entry (the import, `actor` None, and the lead
    authority's evaluators): NotAllowed otherwise. BulkRefused names the first item that breaks a
    rule; nothing is written then."""
    if not confirmed_on_entry(actor):
        raise NotAllowed("Only the import and the lead authority record judgements in bulk.")
    user = actor.user if actor is not None and actor.user.pk else None
    everything = range(len(items))
    on_file = _on_file({item.setting_id for item in items})
    memo = _Memo()
    plan = _plan(items, everything, on_file, user, memo)
    touched = sorted({change.setting_id for change in plan.changes})
    if not touched:
        return BulkRecorded(plan.outcomes, plan.relates, bands_changed=0)
    # Under the lock of the settings that change (the order `judgement_record` and the checks
    # take: the setting before its judgements), what was decided on an unlocked read is decided
    # again on their judgements read under it. The others' items changed nothing.
    settings = {
        s.pk: s
        for s in dangerously_unscoped(Setting)
        .select_for_update()
        .filter(pk__in=touched)
        .order_by("pk")
    }
    fresh = _on_file(touched)
    changes = plan.changes
    if any(_state(fresh.get(pk, {})) != _state(on_file.get(pk, {})) for pk in touched):
        # Another writer changed them meanwhile: decide their items again.
        on_file.update(fresh)
        again = [i for i in everything if items[i].setting_id in settings]
        replanned = _plan(items, again, on_file, user, memo)
        for position, index in enumerate(again):
            plan.outcomes[index] = replanned.outcomes[position]
            plan.relates[index] = replanned.relates[position]
        changes = replanned.changes
    bands_before = {pk: s.current_band for pk, s in settings.items()}
    live = {pk: dict(on_file.get(pk, {})) for pk in settings}
    for wave in _waves(changes):
        _write_wave(wave, settings, live, actor, memo)
    changed = sum(1 for pk, s in settings.items() if s.current_band != bands_before[pk])
    return BulkRecorded(plan.outcomes, plan.relates, bands_changed=changed)


def _write_wave(
    wave: list[_Change],
    settings: dict[int, Setting],
    live: dict[int, dict[Slot, InspectionJudgement]],
    actor: Actor | None,
    memo: _Memo,
) -> None:
    for change in wave:
        change.judgement.setting = settings[change.setting_id]  # for the audit's words, no query
    new = [c.judgement for c in wave if c.prior is None]
    InspectionJudgement.objects.bulk_create(new, batch_size=500)
    corrected = [c.judgement for c in wave if c.prior is not None]
    for change in wave:
        if change.prior is not None and change.judgement.pk is None:
            # A correction of a judgement new in this file: written in an earlier wave.
            change.judgement.pk = live[change.setting_id][change.slot].pk
    InspectionJudgement.objects.bulk_update(corrected, _UPDATED_FIELDS, batch_size=200)
    entries = [
        AuditEntry(
            verb=AuditVerb.UPDATED,
            obj=c.judgement,
            before=snapshot(c.prior, JUDGEMENT_FIELDS),
            after=snapshot(c.judgement, JUDGEMENT_FIELDS),
            reason=_CORRECTED,
        )
        if c.prior is not None
        else AuditEntry(
            verb=AuditVerb.CREATED,
            obj=c.judgement,
            after=snapshot(c.judgement, JUDGEMENT_FIELDS),
        )
        for c in wave
    ]
    # The event of each change, from what was current in its remit just before it.
    events: list[JudgementConfirmed] = []
    for change in wave:
        judgements = live[change.setting_id]
        before = _current_in_remit(judgements.values(), change.judgement.remit, memo)
        judgements[change.slot] = change.judgement
        j = change.judgement
        # `hooks.confirmed_event`, with the band results remembered.
        events.append(
            JudgementConfirmed(
                judgement_id=j.pk,
                setting_id=j.setting_id,
                previous=before.band,
                current=memo.band_result(j),
                previous_grades=before.grades,
                current_grades=dict(j.grades),
                relates_to_current_urn=j.relates_to_current_urn,
                actor=actor,
                previous_judgement_id=before.judgement_id,
            )
        )
    entries += _refresh_bands([settings[pk] for pk in sorted({c.setting_id for c in wave})], live)
    audit_record_many(actor=actor, entries=entries)
    run_confirmed_handlers(events)


def _refresh_bands(
    settings: list[Setting], live: dict[int, dict[Slot, InspectionJudgement]]
) -> list[AuditEntry]:
    """Each setting's band from its judgements now (`band_of`): the changed ones written in one
    update, and their audit entries."""
    entries, changed = [], []
    for setting in settings:
        before = snapshot(setting, BAND_FIELDS)
        setting.current_band, setting.current_band_summary, setting.current_band_as_at = band_of(
            live[setting.pk].values()
        )
        after = snapshot(setting, BAND_FIELDS)
        if after != before:
            changed.append(setting)
            entries.append(
                AuditEntry(
                    verb=AuditVerb.STATE_CHANGED,
                    obj=setting,
                    before=before,
                    after=after,
                    reason=BAND_REASON,
                )
            )
    # Only the band's columns: the search fields' receivers have nothing to recompute for them.
    _write_bands(changed)
    return entries


def _write_bands(settings: list[Setting]) -> None:
    """`bulk_update(settings, BAND_FIELDS)` as one `UPDATE ... FROM (VALUES ...)` for each 500:
    `bulk_update` builds a CASE of every row for each column, which for a first import's 600
    settings took 0.3 s of Python for 0.04 s of SQL. PostgreSQL and SQLite (3.33 and later)
    both read this form."""
    columns = [
        f for f in Setting._meta.concrete_fields if f.primary_key or f.name in BAND_FIELDS
    ]  # the primary key first
    quote = connection.ops.quote_name
    table, pk = quote(Setting._meta.db_table), quote(columns[0].column)
    # PostgreSQL types a VALUES list from its first row; SQLite takes the values as they come.
    postgres = connection.vendor == "postgresql"
    first = [f"%s::{f.db_type(connection)}" if postgres else "%s" for f in columns]
    names = ", ".join(quote(f.column) for f in columns)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in columns[1:])
    with connection.cursor() as cursor:
        for start in range(0, len(settings), 500):
            batch = settings[start : start + 500]
            rows = [f"({', '.join(first)})"] + [f"({', '.join(['%s'] * len(columns))})"] * (
                len(batch) - 1
            )
            params = [
                f.get_db_prep_save(getattr(setting, f.attname), connection)
                for setting in batch
                for f in columns
            ]
            cursor.execute(
                f"WITH v ({names}) AS (VALUES {', '.join(rows)}) "
                f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{pk} = v.{pk}",
                params,
            )
