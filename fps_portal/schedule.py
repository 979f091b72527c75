"""Every scheduled job, in one place. Each entry names a task by its registered name; a test checks
that every name is registered. Jobs are idempotent: a run repeated or overlapping changes nothing
twice."""

BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "worker-heartbeat": {"task": "portal.worker_heartbeat", "schedule": 30.0},
    "notifications-resend-unsent": {"task": "notifications.resend_unsent", "schedule": 600.0},
}
