"""Inspections and ratings: what inspectorates publish, the band it earns, and judgements a
setting's provider or the lead authority records, checked by the lead authority (docs/ratings.md).

A leaf of `providers`: it imports providers' models and `fps_portal`, nothing else of the app.
Its models belong to the app `providers` (ADR 0013). What the rest of the code base may import:

- `frameworks` and `bands`: the pure, versioned rules (no database);
- `models` (also through `providers.models`), `permissions` (the `can_*` predicates);
- `selectors` and `services` (the package; its modules are private to it);
- `urls` (the pages, included in the `providers` namespace).

The scope rules of `InspectionJudgement` stay in `providers/scope_rules.py`: they are the
setting's rules reached through `setting__`, and the public one needs the FPS membership.

This module imports nothing: `providers.models` loads `inspections.models` while the app starts.
"""
