"""The reference rows a transactional test gets back after a flush (tests/reference_data.py) are
those the migrations' loaders write: the same rows, field for field, and the same ids as in the
freshly migrated database."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from fps_portal.accounts.models import Organisation, OrganisationKind
from tests.reference_data import LOADERS, REFERENCE_TABLES, restore_reference_data


def _rows(*, ids: bool) -> dict[str, list[dict[str, object]]]:
    """Every reference row, without the ids (and the foreign keys to them) if `ids` is False,
    and without creation times, which say when a row was written."""
    found = {}
    for label, rows in REFERENCE_TABLES:
        model = apps.get_model(label)
        dropped = {"created_at"} | (
            set()
            if ids
            else {"id"} | {f.attname for f in model._meta.concrete_fields if f.is_relation}
        )
        found[label] = sorted(
            (
                {k: v for k, v in row.items() if k not in dropped}
                for row in model._default_manager.filter(rows).values()
            ),
            key=repr,
        )
    return found


def _counts() -> dict[str, int]:
    """Rows in every table: a table the loaders write but REFERENCE_TABLES forgot shows here."""
    tables = set(connection.introspection.table_names())
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.db_table in tables
    }


def _empty_the_database() -> None:
    call_command("flush", verbosity=0, interactive=False)


@pytest.mark.django_db(transaction=True)
def test_the_restored_rows_are_the_loaders_rows_with_the_migrated_ids() -> None:
    migrated = _rows(ids=True)  # restored before this test, as for every transactional test
    assert all(migrated.values()), "every reference table has rows"

    _empty_the_database()
    for module in LOADERS:
        importlib.import_module(module).load(apps, None)
    loaded, loaded_counts = _rows(ids=False), _counts()

    _empty_the_database()
    restore_reference_data()
    assert _counts() == loaded_counts
    assert _rows(ids=False) == loaded
    assert _rows(ids=True) == migrated
    restore_reference_data()  # a second call, with the rows there, adds nothing
    assert _rows(ids=True) == migrated
    # The flush above restarted the tables' id sequences; a new row still gets a free id.
    Organisation.objects.create(kind=OrganisationKind.PROVIDER, name="After the restore")
