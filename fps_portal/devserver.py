"""`make run`: the web server, a Celery worker and Celery beat together, stopped together.

Prints the address and the demo sign-ins. Uses whatever DATABASE_URL / REDIS_URL say; with
neither, SQLite and kombu's filesystem broker, so nothing else needs to be running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from fps_portal.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET


def _prepare_broker_dirs() -> None:
    var = Path(os.environ.get("FPS_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
    for sub in ("broker/queue", "broker/processed", "broker/control", "private"):
        (var / sub).mkdir(parents=True, exist_ok=True)


# Roles that sign in with a password alone (see fps_portal.accounts.mfa); the rest need a code.
_PASSWORD_ONLY = frozenset({"provider_user", "forum_member"})


def _banner(port: str) -> str:
    width = max(len(a.email) for a in DEMO_ACCOUNTS)
    lines = [
        "",
        "North West SEND Placements is running:",
        f"  http://localhost:{port}/          (API docs: http://localhost:{port}/api/v1/docs/)",
        f"  health: http://localhost:{port}/healthz",
        "",
        f"Demo sign-ins (password for all: {DEMO_PASSWORD}):",
        *[
            f"  {a.email.ljust(width)}  {a.description}{'' if a.role in _PASSWORD_ONLY else ' *'}"
            for a in DEMO_ACCOUNTS
        ],
        "",
        "* then asks for a code from an authenticator app. Get the current one with",
        "    .venv/bin/python manage.py demo_otp EMAIL",
        "  or add this demo setup key (the same for every demo account) to your own app:",
        f"    {' '.join(DEMO_TOTP_SECRET[i : i + 4] for i in range(0, len(DEMO_TOTP_SECRET), 4))}",
        "",
        "API token for a user: .venv/bin/python manage.py issue_api_token EMAIL",
        "Press Ctrl+C to stop.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    _prepare_broker_dirs()
    port = os.environ.get("PORT", "8000")
    python = sys.executable
    commands = {
        "web": [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        # One process: the demo's SQLite database takes one writer at a time.
        "worker": [
            python,
            "-m",
            "celery",
            "-A",
            "fps_portal",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        "beat": [python, "-m", "celery", "-A", "fps_portal", "beat", "--loglevel=INFO"],
    }
    processes = {name: subprocess.Popen(cmd) for name, cmd in commands.items()}
    time.sleep(2)
    print(_banner(port), flush=True)
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for name, process in processes.items():
            if process.poll() is not None:
                print(
                    f"{name} stopped with exit code {process.returncode}; stopping the others.",
                    flush=True,
                )
                exit_code = process.returncode or 1
                stopping = True
        time.sleep(0.5)
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    for process in processes.values():
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
