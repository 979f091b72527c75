"""GET /healthz: is the database, the broker and a worker alive? 503 when one is not."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from fps_portal.celery import app as celery_app
from fps_portal.models import WorkerHeartbeat


def _database() -> dict[str, object]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"status": "down", "detail": type(exc).__name__}
    return {"status": "ok", "vendor": connection.vendor}


def _broker() -> dict[str, object]:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport
            if transport.driver_type != "sql":
                return {"status": "ok", "transport": transport.driver_name}
            # "Connecting" to the embedded broker opens nothing; counting the default queue reads
            # the broker's file, so a missing or unreadable file shows here, and so does a backlog.
            declared = conn.default_channel.queue_declare(
                queue=celery_app.conf.task_default_queue, passive=True
            )
    except Exception as exc:
        return {"status": "down", "detail": type(exc).__name__}
    return {"status": "ok", "transport": transport.driver_name, "queued": declared.message_count}


def _worker() -> dict[str, object]:
    try:
        beat = WorkerHeartbeat.objects.order_by("-beat_at").first()
    except Exception as exc:
        return {"status": "down", "detail": type(exc).__name__}
    if beat is None:
        return {"status": "down", "detail": "no heartbeat yet"}
    age = timezone.now() - beat.beat_at
    limit = datetime.timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE_SECONDS)
    state = "ok" if age <= limit else "down"
    return {
        "status": state,
        "last_heartbeat_at": beat.beat_at.isoformat(),
        "age_seconds": int(age.total_seconds()),
    }


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "broker": _broker(), "worker": _worker()}
    healthy = all(check["status"] == "ok" for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", **checks}, status=200 if healthy else 503
    )
