"""A real Celery worker consumes a real broker: Redis when REDIS_URL is set, else kombu's
filesystem transport in a folder of the test's own. The task goes through the broker (not
eagerly), the worker writes its heartbeat, and /healthz then reports the worker as ok."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connections
from django.test import Client

from fps_portal.celery import app as celery_app
from fps_portal.models import WorkerHeartbeat
from fps_portal.tasks import worker_heartbeat
from tests.portal.conftest import filesystem_broker_options, reset_broker_pools

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
    if str(celery_app.conf.broker_url).startswith("filesystem"):
        monkeypatch.setitem(
            celery_app.conf,
            "broker_transport_options",
            filesystem_broker_options(tmp_path / "broker"),
        )
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
    if declared is not None and not str(celery_app.conf.broker_url).startswith("filesystem"):
        with celery_app.connection_for_write() as conn:
            # Leave nothing behind on a shared Redis. A channel deletes only the bindings it
            # declared itself, so declare the queue on this one, then delete it.
            bound = declared(conn.default_channel)
            bound.declare()
            bound.delete()
    reset_broker_pools(celery_app)


def _wait_for_heartbeat(timeout: float) -> WorkerHeartbeat | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        beat = WorkerHeartbeat.objects.first()
        if beat is not None:
            return beat
        time.sleep(0.1)
    return None


def test_a_real_worker_runs_the_heartbeat_and_healthz_reports_it(
    client: Client, real_broker: str
) -> None:
    assert _wait_for_heartbeat(0) is None
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
        beat = _wait_for_heartbeat(timeout=10)
    # The worker thread's database connection is closed by Celery's Django fix-up after each task.
    connections.close_all()
    assert beat is not None, "the worker did not run portal.worker_heartbeat within 10 s"
    assert time.monotonic() - started < 20

    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["worker"]["status"] == "ok"
    assert body["broker"]["status"] == "ok"
    assert body["worker"]["last_heartbeat_at"] == beat.beat_at.isoformat()
