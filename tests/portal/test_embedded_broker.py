"""The embedded broker under load: thousands of tasks through kombu's SQLAlchemy transport to a
real worker process (solo pool, late acknowledgement, as `make run` starts it), sent while the
worker consumes. None may be lost, none run twice, and the worker must never die (kombu's
filesystem transport handed the worker half-written files and the worker died: kombu #1551).

It runs on the embedded broker whatever REDIS_URL says: that broker needs no server."""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fps_portal.celery import app as celery_app
from tests.portal.delivery_probe import record_delivery

pytestmark = pytest.mark.worker

TASKS = 2000
# Typically 6 s on an idle two-core machine, 30 s when eight other jobs share it.
DEADLINE_SECONDS = 90
ROOT = Path(__file__).resolve().parents[2]


def _worker_environment(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(
        FPS_VAR_DIR=str(var_dir),  # so the worker's embedded broker is this test's file
        DJANGO_SETTINGS_MODULE="fps_portal.settings.test",
        PYTHONPATH=str(ROOT),
    )
    return env


@pytest.fixture
def worker_process(
    embedded_broker: Path, tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    queue = f"load-{uuid.uuid4().hex[:8]}"
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "fps_portal",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
            f"--queues={queue}",
            "--include=tests.portal.delivery_probe",
        ],
        cwd=ROOT,
        env=_worker_environment(embedded_broker),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield process, queue
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)
    log.close()


def _delivered(path: Path) -> list[int]:
    if not path.exists():
        return []
    return [int(line) for line in path.read_text().splitlines()]


def test_thousands_of_tasks_reach_a_real_worker_none_lost_none_twice(
    worker_process: tuple[subprocess.Popen[bytes], str],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    process, queue = worker_process
    caplog.set_level(logging.ERROR, logger="celery.app.base")  # "expiration date in the past"
    effects = tmp_path / "delivered.txt"
    assert celery_app.conf.task_acks_late, "the demo's setting: acknowledged after the task ran"
    # A backlog from an outage: messages already past their expiry (as beat's minute jobs are
    # after a minute) are discarded by the worker, not run.
    stale = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=5)
    for number in range(-50, 0):
        record_delivery.apply_async((number, str(effects)), queue=queue, expires=stale)
    started = time.monotonic()
    # Sent while the worker starts and consumes: sender and worker contend for the file's lock.
    with celery_app.producer_or_acquire() as producer:
        for number in range(TASKS):
            record_delivery.apply_async((number, str(effects)), queue=queue, producer=producer)
    sent = time.monotonic() - started
    while len(_delivered(effects)) < TASKS and time.monotonic() - started < DEADLINE_SECONDS:
        assert process.poll() is None, f"the worker died with exit code {process.returncode}"
        time.sleep(0.2)
    elapsed = time.monotonic() - started
    delivered = _delivered(effects)

    assert process.poll() is None, f"the worker died with exit code {process.returncode}"
    assert len(delivered) == TASKS, f"{len(delivered)} of {TASKS} ran in {elapsed:.1f} s"
    assert sorted(delivered) == list(range(TASKS)), "a task was lost, ran twice or ran expired"
    with celery_app.connection_for_write() as conn:
        left = conn.default_channel.queue_declare(queue=queue, passive=True).message_count
    assert left == 0
    # A warm shutdown: the worker stops cleanly, as devserver stops it.
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0
    print(f"{TASKS} tasks: sent in {sent:.1f} s, all run in {elapsed:.1f} s")


def test_a_message_still_being_written_is_not_delivered_until_whole(embedded_broker: Path) -> None:
    """The failure kombu's filesystem transport had, by construction: a reader catching a message
    while its writer is half-way. Here the writer is a transaction that has put a complete message
    into the queue but not committed; a consumer must neither see it nor fail, and gets all of it
    once the writer commits."""
    held, target = f"held-{uuid.uuid4().hex[:8]}", f"target-{uuid.uuid4().hex[:8]}"
    celery_app.send_task("portal.worker_heartbeat", queue=held)
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_declare(queue=target)
    writer = sqlite3.connect(embedded_broker / "broker.sqlite3", isolation_level=None, timeout=30)
    received: list[Any] = []

    connected, go = threading.Event(), threading.Event()

    def consume() -> None:
        with celery_app.connection_for_read() as conn:
            queue = conn.SimpleQueue(target)
            try:
                with contextlib.suppress(queue.Empty):
                    queue.get(block=False)  # connected and reading: the queue is empty so far
                connected.set()
                go.wait(timeout=20)
                message = queue.get(timeout=20)
                message.ack()
                received.append(message)
            except Exception as exc:  # recorded, so the test reports it instead of hanging
                received.append(exc)
            finally:
                queue.close()

    consumer = threading.Thread(target=consume)
    consumer.start()
    assert connected.wait(timeout=20)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute(
            "UPDATE kombu_message SET queue_id = (SELECT id FROM kombu_queue WHERE name = ?)"
            " WHERE queue_id = (SELECT id FROM kombu_queue WHERE name = ?)",
            (target, held),
        )
        go.set()  # the consumer reads while the write is under way
        consumer.join(timeout=1.5)
        assert received == [], "the consumer saw a message whose write had not finished"
        writer.execute("COMMIT")
        consumer.join(timeout=20)
    finally:
        if writer.in_transaction:
            writer.execute("ROLLBACK")
        writer.close()
        go.set()
        consumer.join(timeout=25)
    assert len(received) == 1 and not isinstance(received[0], Exception), received
    assert received[0].headers["task"] == "portal.worker_heartbeat"
