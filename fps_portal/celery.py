"""The Celery application. Settings come from Django's (CELERY_* names); tasks are
autodiscovered."""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fps_portal.settings.dev")

app = Celery("fps_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["fps_portal", "fps_portal.notifications"])


@app.on_after_finalize.connect
def _install_schedule(sender: Celery, **kwargs: object) -> None:
    from fps_portal.schedule import BEAT_SCHEDULE

    sender.conf.beat_schedule = BEAT_SCHEDULE


@worker_ready.connect
def _first_heartbeat(sender: object, **kwargs: object) -> None:
    # Beat's first interval tick comes only after 30 s; queue a heartbeat now so /healthz reports a
    # freshly started worker at once, through the same queue the real jobs use.
    app.send_task("portal.worker_heartbeat")
