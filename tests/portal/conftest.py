"""Fixtures for the portal's own tests: a broker each test can rely on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import Celery

from fps_portal.celery import app as celery_app


def filesystem_broker_options(root: Path) -> dict[str, object]:
    """kombu filesystem-transport options for folders under `root` (created here)."""
    folders = {name: root / name for name in ("queue", "processed", "control")}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folders["queue"]),
        "data_folder_out": str(folders["queue"]),
        "processed_folder": str(folders["processed"]),
        "control_folder": str(folders["control"]),
        "store_processed": False,
        # The embedded worker polls the folder; a short interval keeps the tests quick.
        "polling_interval": 0.1,
    }


def reset_broker_pools(app: Celery) -> None:
    """Drop pooled connections so the next send uses the app's current broker settings."""
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def reachable_broker(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """The broker the suite runs against: Redis when REDIS_URL is set, else a filesystem broker
    in a folder of this test's own (the demo's var/broker may not exist on a fresh clone)."""
    if str(celery_app.conf.broker_url).startswith("filesystem"):
        monkeypatch.setitem(
            celery_app.conf,
            "broker_transport_options",
            filesystem_broker_options(tmp_path / "broker"),
        )
    reset_broker_pools(celery_app)
    yield str(celery_app.conf.broker_url)
    reset_broker_pools(celery_app)
