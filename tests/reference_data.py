"""Reference data that data migrations load (authorities, areas of need, postcode districts).

A transactional test empties every table when it ends, taking this data with it; the next test
gets it back from the migrations' own loaders, so there is one definition of it.
(serialized_rollback would restore it too, but re-reads every table for every test.)
"""

from __future__ import annotations

import importlib

from django.apps import apps

from fps_portal.accounts.models import Organisation, OrganisationKind

LOADERS = (
    "fps_portal.accounts.migrations.0002_north_west_authorities",
    "providers.migrations.0002_specialisms_and_primary_needs",
    "providers.migrations.0004_postcode_districts_and_authority_locations",
)


def restore_reference_data() -> None:
    if Organisation.objects.filter(kind=OrganisationKind.AUTHORITY).exists():
        return
    for module in LOADERS:
        importlib.import_module(module).load(apps, None)


class _FirstAreaOfNeed:
    """An area of need's id for a posted form, read when the test client encodes the form.

    Ids of reference rows change when a transactional test reloads them, so a form dict written
    at import holds this instead of a number. A setting needs at least one area (issue 10).
    """

    def __str__(self) -> str:
        from providers.models import Specialism

        return str(Specialism.objects.order_by("display_order").values_list("pk", flat=True)[0])


AN_AREA_OF_NEED = _FirstAreaOfNeed()
