import socket

from celery import shared_task
from django.utils import timezone

from fps_portal.models import WorkerHeartbeat


@shared_task(name="portal.worker_heartbeat")
def worker_heartbeat() -> str:
    """Proves a worker is consuming the queue; /healthz reads the newest beat."""
    hostname = socket.gethostname()
    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname, defaults={"beat_at": timezone.now()}
    )
    return hostname
