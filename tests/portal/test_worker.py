"""A real Celery worker consumes a real broker: Redis when REDIS_URL is set, else the embedded
broker (kombu's SQLAlchemy transport) in a SQLite file of the test's own. The task goes through
the broker (not eagerly), the worker writes its heartbeat, and /healthz then reports the worker as
ok."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_failure, task_postrun
from django.test import Client

from fps_portal.celery import app as celery_app
from fps_portal.models import WorkerHeartbeat
from fps_portal.tasks import worker_heartbeat
from tests.portal.conftest import embedded_broker_url, reset_broker_pools, uses_embedded_broker

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]


def _broker_reachable() -> str | None:
    """Why the broker cannot be used, or None when it can."""
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


@pytest.fixture
def real_broker(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """Tasks go through the broker for real; yields a queue name used by this test alone."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    embedded = uses_embedded_broker(celery_app)
    if embedded:
        # The worker polls the table once a second when idle (kombu's default); fast enough here.
        monkeypatch.setitem(celery_app.conf, "broker_url", embedded_broker_url(tmp_path / "broker"))
        monkeypatch.setitem(celery_app.conf, "broker_write_url", None)
        monkeypatch.setitem(celery_app.conf, "broker_read_url", None)
    else:
        # Redis: poll quickly so the test does not wait on the default one-second timeout.
        options = {**celery_app.conf.broker_transport_options, "polling_interval": 0.1}
        monkeypatch.setitem(celery_app.conf, "broker_transport_options", options)
    reset_broker_pools(celery_app)
    if (problem := _broker_reachable()) is not None:
        pytest.skip(f"No broker reachable at {celery_app.conf.broker_url}: {problem}")
    queue = f"fps-test-{uuid.uuid4().hex[:12]}"
    consume_from = celery_app.amqp.queues._consume_from
    yield queue
    declared = celery_app.amqp.queues.pop(queue, None)
    celery_app.amqp.queues._consume_from = consume_from
    if declared is not None and not embedded:
        with celery_app.connection_for_write() as conn:
            # Leave nothing behind on a shared Redis. A channel deletes only the bindings it
            # declared itself, so declare the queue on this one, then delete it.
            bound = declared(conn.default_channel)
            bound.declare()
            bound.delete()
    reset_broker_pools(celery_app)


@pytest.fixture
def heartbeat_done() -> Iterator[threading.Event]:
    """Set by the worker thread once it has run portal.worker_heartbeat (the outcome is kept).

    Waiting on this instead of polling the table keeps the test thread off the database while
    the worker writes to it (SQLite's shared in-memory test database locks whole tables)."""
    done = threading.Event()
    outcomes: list[str] = []

    def finished(sender: Any = None, state: str = "", **kwargs: Any) -> None:
        if getattr(sender, "name", "") == "portal.worker_heartbeat":
            outcomes.append(state)
            done.set()

    def failed(sender: Any = None, exception: BaseException | None = None, **kwargs: Any) -> None:
        if getattr(sender, "name", "") == "portal.worker_heartbeat":
            outcomes.append(f"FAILURE: {exception!r}")

    task_postrun.connect(finished, weak=False)
    task_failure.connect(failed, weak=False)
    done.outcomes = outcomes  # type: ignore[attr-defined]
    yield done
    task_postrun.disconnect(finished)
    task_failure.disconnect(failed)


def test_a_real_worker_runs_the_heartbeat_and_healthz_reports_it(
    client: Client, real_broker: str, heartbeat_done: threading.Event
) -> None:
    assert not WorkerHeartbeat.objects.exists()
    assert client.get("/healthz").json()["worker"]["status"] == "down"
    started = time.monotonic()
    with start_worker(
        celery_app,
        pool="solo",
        perform_ping_check=False,
        queues=[real_broker],
        shutdown_timeout=10,
    ):
        result = worker_heartbeat.apply_async(queue=real_broker)
        assert result.id  # sent through the broker, not run here
        ran = heartbeat_done.wait(timeout=10)
    assert ran, "the worker did not run portal.worker_heartbeat within 10 s"
    assert heartbeat_done.outcomes == ["SUCCESS"], heartbeat_done.outcomes  # type: ignore[attr-defined]
    assert time.monotonic() - started < 20
    beat = WorkerHeartbeat.objects.get()

    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["worker"]["status"] == "ok"
    assert body["broker"]["status"] == "ok"
    assert body["worker"]["last_heartbeat_at"] == beat.beat_at.isoformat()
