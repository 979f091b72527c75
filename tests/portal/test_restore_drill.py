"""The restore drill (ops/restore_drill.py, `make restore-drill`, run by CI): it must call every
difference between the backup's source and the restored copy a failure."""

from __future__ import annotations

import importlib.util
import sys
from copy import deepcopy
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def drill() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "restore_drill", ROOT / "ops" / "restore_drill.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("restore_drill", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def source(drill: ModuleType) -> Any:
    return drill.Snapshot(
        rows={"public.audit_auditevent": 107, "public.accounts_user": 10},
        protections={
            "public.audit_auditevent": (
                "fps_owner",
                ["fps_app=ar/fps_owner", "fps_owner=arwdDxt/fps_owner"],
                ["audit_event_append_only:A", "audit_event_no_truncate:A"],
            ),
            "public.accounts_user": ("fps_owner", ["fps_app=arwd/fps_owner"], []),
        },
        sequences={"public.accounts_user_id_seq": 10},
    )


def test_an_identical_copy_passes(drill: ModuleType, source: Any) -> None:
    assert drill.differences(source, deepcopy(source)) == []


def test_a_lost_row_a_lost_table_and_an_extra_table_fail(drill: ModuleType, source: Any) -> None:
    restored = deepcopy(source)
    restored.rows["public.audit_auditevent"] = 106
    del restored.rows["public.accounts_user"]
    restored.rows["public.stray"] = 0
    assert drill.differences(source, restored) == [
        "public.accounts_user: missing from the restored database",
        "public.audit_auditevent: 107 rows in the source, 106 restored",
        "public.stray: in the restored database only",
    ]


def test_lost_privileges_owner_triggers_and_sequence_positions_fail(
    drill: ModuleType, source: Any
) -> None:
    restored = deepcopy(source)
    restored.protections["public.audit_auditevent"] = (
        "postgres",
        ["fps_app=arwd/postgres"],
        ["audit_event_append_only:D"],
    )
    restored.sequences["public.accounts_user_id_seq"] = 1
    found = drill.differences(source, restored)
    assert found == [
        "public.audit_auditevent: owned by fps_owner in the source, postgres restored",
        "public.audit_auditevent: privileges ['fps_app=ar/fps_owner', "
        "'fps_owner=arwdDxt/fps_owner'] in the source, ['fps_app=arwd/postgres'] restored",
        "public.audit_auditevent: triggers ['audit_event_append_only:A', "
        "'audit_event_no_truncate:A'] in the source, ['audit_event_append_only:D'] restored",
        "public.accounts_user_id_seq: at 10 in the source, 1 restored",
    ]
    # Restored without owners and privileges (not a superuser), the triggers still count.
    assert drill.differences(source, restored, privileges=False) == found[2:]


def test_the_portal_check_connects_as_the_named_role(drill: ModuleType) -> None:
    url = "postgres://postgres:secret@db.example:5433/placements_restore_drill"
    assert (
        drill.with_user(url, "fps_app")
        == "postgres://fps_app@db.example:5433/placements_restore_drill"
    )
    assert drill.with_database(url, "postgres").endswith("@db.example:5433/postgres")
    assert drill.database_name(url) == "placements_restore_drill"
