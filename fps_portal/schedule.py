"""Every scheduled job, in one place. Each entry names a task by its registered name; a test checks
that every name is registered. Jobs are idempotent: a run repeated or overlapping changes nothing
twice."""

BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "worker-heartbeat": {"task": "portal.worker_heartbeat", "schedule": 30.0},
    "notifications-resend-unsent": {"task": "notifications.resend_unsent", "schedule": 600.0},
    # Onboarding: windows open and close on time (checked every minute), reminders hourly.
    "providers-open-due-windows": {"task": "providers.open_due_windows", "schedule": 60.0},
    "providers-close-due-windows": {"task": "providers.close_due_windows", "schedule": 60.0},
    "providers-remind-windows-closing": {
        "task": "providers.remind_windows_closing",
        "schedule": 3600.0,
    },
    "providers-remind-clarifications-due": {
        "task": "providers.remind_clarifications_due",
        "schedule": 3600.0,
    },
}
