"""Reference data that data migrations load (authorities, areas of need, postcode districts).

A transactional test empties every table when it ends, taking this data with it; the next test
gets it back. The migrations' loaders define it, once: `remember_reference_data()` copies the rows
they left in the freshly migrated test database (tests/conftest.py's django_db_setup), and
`restore_reference_data()` writes those rows back as they were, ids included, in one bulk insert
per table. (Running the loaders again, as before, took a few hundred queries and 3,000 lookups of
postcode districts for every transactional test; serialized_rollback would re-read every table for
every test.) With nothing remembered (`--no-migrations`), the loaders run as before.
"""

from __future__ import annotations

import importlib

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction

from fps_portal.accounts.models import Organisation, OrganisationKind

LOADERS = (
    "fps_portal.accounts.migrations.0002_north_west_authorities",
    "providers.migrations.0002_specialisms_and_primary_needs",
    "providers.migrations.0004_postcode_districts_and_authority_locations",
)
#: What the loaders write, parents before children: (model label, the rows that are reference).
REFERENCE_TABLES: tuple[tuple[str, models.Q], ...] = (
    ("accounts.Organisation", models.Q(kind=OrganisationKind.AUTHORITY)),
    ("providers.Specialism", models.Q()),
    ("providers.PrimaryNeed", models.Q()),
    ("providers.PostcodeDistrict", models.Q()),
    ("providers.AuthorityLocation", models.Q()),
)
_remembered: list[tuple[type[models.Model], list[dict[str, object]]]] = []


def remember_reference_data() -> None:
    """Copy the reference rows of the freshly migrated test database (every field, ids too)."""
    _remembered[:] = [
        (model, list(model._default_manager.filter(rows).order_by("pk").values()))
        for model, rows in ((apps.get_model(label), rows) for label, rows in REFERENCE_TABLES)
    ]


def restore_reference_data() -> None:
    if Organisation.objects.filter(kind=OrganisationKind.AUTHORITY).exists():
        return
    if not any(rows for _, rows in _remembered):
        for module in LOADERS:
            importlib.import_module(module).load(apps, None)
        return
    with transaction.atomic():
        for model, rows in _remembered:
            model._default_manager.bulk_create([model(**row) for row in rows], batch_size=1000)
        # Rows written with their ids do not move PostgreSQL's sequences (as loaddata's do not):
        # after a flush that restarted them, the next new row would take id 1 again.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [m for m, _ in _remembered]):
                cursor.execute(sql)


class _FirstAreaOfNeed:
    """An area of need's id for a posted form, read when the test client encodes the form.

    Ids of reference rows change when a transactional test reloads them, so a form dict written
    at import holds this instead of a number. A setting needs at least one area (issue 10).
    """

    def __str__(self) -> str:
        from providers.models import Specialism

        return str(Specialism.objects.order_by("display_order").values_list("pk", flat=True)[0])


AN_AREA_OF_NEED = _FirstAreaOfNeed()
