"""The beat schedule names real tasks; /healthz tells the truth about the database, the broker
and the worker."""

from __future__ import annotations

import datetime

import pytest
from celery.beat import ScheduleEntry, Scheduler
from django.test import Client
from django.utils import timezone

from fps_portal.celery import app as celery_app
from fps_portal.models import WorkerHeartbeat
from fps_portal.schedule import BEAT_SCHEDULE
from fps_portal.tasks import worker_heartbeat
from tests.portal.conftest import reset_broker_pools


def _registered_task_names() -> set[str]:
    celery_app.loader.import_default_modules()
    celery_app.autodiscover_tasks(force=True)
    return set(celery_app.tasks.keys())


def test_every_schedule_entry_names_a_registered_task() -> None:
    registered = _registered_task_names()
    missing = {
        name: entry["task"]
        for name, entry in BEAT_SCHEDULE.items()
        if entry["task"] not in registered
    }
    assert missing == {}
    assert {"portal.worker_heartbeat", "notifications.resend_unsent"} <= {
        str(entry["task"]) for entry in BEAT_SCHEDULE.values()
    }


def test_every_schedule_entry_has_a_schedule() -> None:
    for name, entry in BEAT_SCHEDULE.items():
        assert "schedule" in entry, name
        assert set(entry) <= {"task", "schedule", "args", "kwargs", "options"}, name


def test_every_entry_expires_within_its_interval() -> None:
    for name, entry in BEAT_SCHEDULE.items():
        expires = entry["options"]["expires"]  # type: ignore[index]
        assert 0 < expires <= entry["schedule"], name


def test_beat_stamps_the_expiry_on_the_message_it_sends(embedded_broker) -> None:
    """A worker that comes back after an outage finds each minute's job expired, not waiting."""
    name = "providers-open-due-windows"
    scheduler = Scheduler(app=celery_app, lazy=True)
    entry = ScheduleEntry(name=name, app=celery_app, **BEAT_SCHEDULE[name])
    sent_at = timezone.now()
    with celery_app.producer_or_acquire() as producer:
        scheduler.apply_async(entry, producer=producer, advance=False)
    with celery_app.connection_for_read() as conn:
        queue = conn.SimpleQueue(celery_app.conf.task_default_queue)
        message = queue.get(timeout=5)
        message.ack()
        queue.close()
    assert message.headers["task"] == "providers.open_due_windows"
    expires = datetime.datetime.fromisoformat(message.headers["expires"])
    lifetime = (expires - sent_at).total_seconds()
    assert 55 <= lifetime <= 61, lifetime


def test_tasks_have_a_soft_and_a_hard_time_limit() -> None:
    registered = _registered_task_names()
    ours = [name for name in registered if not name.startswith("celery.")]
    assert "notifications.send_email" in ours
    for name in ours:
        task = celery_app.tasks[name]
        assert task.soft_time_limit and task.time_limit, name
        assert task.soft_time_limit < task.time_limit, name
    heartbeat = celery_app.tasks["portal.worker_heartbeat"]
    assert (heartbeat.soft_time_limit, heartbeat.time_limit) == (60, 90)
    # The e-mail sweep sends up to 500 messages one by one: it may run longer.
    sweep = celery_app.tasks["notifications.resend_unsent"]
    assert (sweep.soft_time_limit, sweep.time_limit) == (600, 660)


def test_the_celery_app_uses_that_schedule() -> None:
    celery_app.finalize()
    assert celery_app.conf.beat_schedule is BEAT_SCHEDULE


@pytest.mark.django_db
def test_the_heartbeat_task_records_this_host() -> None:
    hostname = worker_heartbeat.delay().get()
    first = WorkerHeartbeat.objects.get(hostname=hostname).beat_at
    worker_heartbeat.delay()
    assert WorkerHeartbeat.objects.count() == 1
    assert WorkerHeartbeat.objects.get().beat_at >= first


def _heartbeat(age_seconds: int) -> None:
    WorkerHeartbeat.objects.create(
        hostname="worker-1", beat_at=timezone.now() - datetime.timedelta(seconds=age_seconds)
    )


@pytest.mark.django_db
def test_healthz_is_ok_with_a_fresh_heartbeat(client: Client, reachable_broker: str) -> None:
    _heartbeat(5)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert set(body) == {"status", "database", "broker", "worker"}
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["database"]["vendor"] in {"sqlite", "postgresql"}
    if reachable_broker.startswith("redis"):
        assert body["broker"] == {"status": "ok", "transport": "redis"}
    else:
        assert body["broker"] == {"status": "ok", "transport": "sqlalchemy", "queued": 0}
    assert body["worker"]["status"] == "ok"
    assert 4 <= body["worker"]["age_seconds"] <= 60
    assert datetime.datetime.fromisoformat(body["worker"]["last_heartbeat_at"])


@pytest.mark.django_db
def test_healthz_reports_an_old_heartbeat_as_down(
    client: Client, reachable_broker: str, settings
) -> None:
    _heartbeat(settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS + 60)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["worker"]["status"] == "down"
    assert body["database"]["status"] == body["broker"]["status"] == "ok"


@pytest.mark.django_db
def test_healthz_reports_no_heartbeat_as_down(client: Client, reachable_broker: str) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"] == {"status": "down", "detail": "no heartbeat yet"}


@pytest.mark.django_db
def test_healthz_reports_an_unreachable_broker_as_down(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    _heartbeat(5)
    # Nothing listens on port 1; the check gives up after one retry.
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(celery_app.conf, "broker_write_url", None)
    monkeypatch.setitem(celery_app.conf, "broker_transport", None)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["broker"]["status"] == "down"
    assert body["broker"]["detail"]
    assert body["worker"]["status"] == "ok"


@pytest.mark.django_db
def test_healthz_reports_an_embedded_broker_it_cannot_open_as_down(
    client: Client, monkeypatch: pytest.MonkeyPatch, tmp_path, embedded_broker
) -> None:
    _heartbeat(5)
    # "Connecting" to the embedded broker opens nothing; only reading its file shows it is gone.
    monkeypatch.setitem(
        celery_app.conf, "broker_url", f"sqlite:///{tmp_path / 'not-created' / 'broker.sqlite3'}"
    )
    reset_broker_pools(celery_app)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == {"status": "down", "detail": "OperationalError"}


@pytest.mark.django_db
def test_healthz_counts_what_waits_in_the_embedded_broker(client: Client, embedded_broker) -> None:
    _heartbeat(5)
    for _ in range(3):
        celery_app.send_task("portal.worker_heartbeat")  # no worker: they wait
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == {"status": "ok", "transport": "sqlalchemy", "queued": 3}


@pytest.mark.django_db
def test_healthz_answers_get_only(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
