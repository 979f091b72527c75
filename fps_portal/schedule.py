"""Every scheduled job, in one place. Each entry names a task by its registered name; a test checks
that every name is registered. Jobs are idempotent: a run repeated or overlapping changes nothing
twice.

Each entry's message expires after one interval: by then the next run is queued, so after a worker
outage the backlog holds one live run per job, not one per missed minute (the worker discards
expired messages without running them)."""


def _every(seconds: float, task: str) -> dict[str, object]:
    return {"task": task, "schedule": seconds, "options": {"expires": seconds}}


BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "worker-heartbeat": _every(30.0, "portal.worker_heartbeat"),
    "notifications-resend-unsent": _every(600.0, "notifications.resend_unsent"),
    # Onboarding: windows open and close on time (checked every minute), reminders hourly.
    "providers-open-due-windows": _every(60.0, "providers.open_due_windows"),
    "providers-close-due-windows": _every(60.0, "providers.close_due_windows"),
    "providers-remind-windows-closing": _every(3600.0, "providers.remind_windows_closing"),
    "providers-remind-clarifications-due": _every(3600.0, "providers.remind_clarifications_due"),
    # Referrals: responses close at the deadline (checked every minute: an emergency referral's
    # deadline is hours away); providers yet to answer are reminded before it (every 5 minutes).
    "referrals-close-due-referrals": _every(60.0, "referrals.close_due_referrals"),
    "referrals-remind-referral-deadlines": _every(300.0, "referrals.remind_referral_deadlines"),
    # Referrals: a direct award's review date reminds its submitter and authoriser once (hourly).
    "referrals-remind-direct-award-reviews": _every(
        3600.0, "referrals.remind_direct_award_reviews"
    ),
    # Contracts: a PDF whose render task was lost (the broker down at commit) is queued again.
    "contracts-render-missing-pdfs": _every(600.0, "contracts.render_missing_pdfs"),
    # Contracts: a signed IPA becomes active on its start date (hourly); an unsigned version
    # reminds the party whose turn it is, once per interval (hourly check).
    "contracts-activate-started-agreements": _every(
        3600.0, "contracts.activate_started_agreements"
    ),
    "contracts-remind-unsigned-agreements": _every(3600.0, "contracts.remind_unsigned_agreements"),
    # Contracts: a placement whose recorded last day has passed ends (hourly); both parties hear
    # of an end 90 and 30 days ahead, once each (daily is enough; hourly catches a new end soon).
    "contracts-end-due-placements": _every(3600.0, "contracts.end_due_placements"),
    "contracts-warn-upcoming-ends": _every(3600.0, "contracts.warn_upcoming_ends"),
    # Contracts: the weekly cost in force today kept on each agreement's row, worked out again
    # where an agreed uplift's (a later fee period's) start has come. Daily dates: the day's
    # first run does the work, the others find nothing due (hourly catches a restart the same
    # day, as the placements list reads the fee history for a row not yet done).
    "contracts-refresh-weekly-costs": _every(3600.0, "contracts.refresh_weekly_costs"),
    # Quality: any new Ofsted file in OFSTED_IMPORT_DIR is imported (a file seen once by its
    # SHA-256 never again), and an import whose task was lost is queued again (every 5 minutes).
    "quality-import-ofsted-folder": _every(300.0, "quality.import_ofsted_folder"),
    # Quality (branch recheck): annual re-checks open on their day, overdue ones are chased and
    # then proposed for suspension, and evidence expiry clocks tick (daily dates; hourly is cheap
    # and catches a restart the same day).
    "quality-open-due-rechecks": _every(3600.0, "quality.open_due_rechecks"),
    "quality-remind-overdue-rechecks": _every(3600.0, "quality.remind_overdue_rechecks"),
    # Quarterly monitoring: asks on the quarter's first run, then finds nothing to ask.
    "quality-request-monitoring-returns": _every(3600.0, "quality.request_monitoring_returns"),
    "quality-remind-monitoring-returns": _every(3600.0, "quality.remind_monitoring_returns"),
    "quality-run-expiry-clocks": _every(3600.0, "quality.run_expiry_clocks"),
    # Quality (branch qaplan): improvement actions due within a week, then overdue, remind their
    # owner once per stage (daily dates; hourly catches a restart the same day).
    "quality-remind-improvement-actions": _every(3600.0, "quality.remind_improvement_actions"),
    # Quality (branch qaconcern): a concern's stage past its due date (at most 10 working days)
    # escalates by itself, once (dates: hourly is cheap and catches a restart the same day); a
    # stage 3 letter whose render task was lost is queued again.
    "quality-escalate-overdue-concerns": _every(3600.0, "quality.escalate_overdue_concerns"),
    "quality-render-missing-concern-letters": _every(
        600.0, "quality.render_missing_concern_letters"
    ),
}
