"""Fixtures for the portal's own tests: a broker each test can rely on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import Celery
from kombu import pools as kombu_pools

from fps_portal.celery import app as celery_app

EMBEDDED_TRANSPORT = "fps_portal.broker:Transport"


def uses_embedded_broker(app: Celery) -> bool:
    """True when the app's broker is the embedded one (no REDIS_URL), not a server."""
    return app.conf.broker_transport == EMBEDDED_TRANSPORT


def embedded_broker_url(root: Path) -> str:
    """The embedded broker in a SQLite file under `root` (created here), not the demo's var/."""
    root.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{root / 'broker.sqlite3'}"


def reset_broker_pools(app: Celery) -> None:
    """Drop pooled connections so the next send uses the app's current broker settings.

    The app's pools live in kombu's global registries (keyed by broker URL): closing only the
    app's connection pool left kombu's producer pool for the same URL holding it, closed, and the
    next test sending to that URL failed with "Acquire on closed pool". Reset the registries too."""
    kombu_pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def reachable_broker(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """The broker the suite runs against: Redis when REDIS_URL is set, else the embedded broker in
    a file of this test's own (the demo's var/ may not exist on a fresh clone)."""
    if uses_embedded_broker(celery_app):
        monkeypatch.setitem(celery_app.conf, "broker_url", embedded_broker_url(tmp_path / "broker"))
        monkeypatch.setitem(celery_app.conf, "broker_write_url", None)
        monkeypatch.setitem(celery_app.conf, "broker_read_url", None)
    reset_broker_pools(celery_app)
    yield str(celery_app.conf.broker_url)
    reset_broker_pools(celery_app)


@pytest.fixture
def embedded_broker(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Tasks go through the embedded broker in this test's own folder, whatever REDIS_URL says
    (it needs no server); yields the folder, which a worker process takes as FPS_VAR_DIR."""
    var_dir = tmp_path / "var"
    monkeypatch.setitem(celery_app.conf, "broker_transport", EMBEDDED_TRANSPORT)
    monkeypatch.setitem(celery_app.conf, "broker_url", embedded_broker_url(var_dir))
    monkeypatch.setitem(celery_app.conf, "broker_write_url", None)
    monkeypatch.setitem(celery_app.conf, "broker_read_url", None)
    monkeypatch.setitem(
        celery_app.conf, "broker_transport_options", {"connect_args": {"timeout": 30}}
    )
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    reset_broker_pools(celery_app)
    yield var_dir
    reset_broker_pools(celery_app)
