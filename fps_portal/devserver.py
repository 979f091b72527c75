"""`make run`: the web server, a Celery worker and Celery beat together, stopped together.

Prints the address and the demo sign-ins. Uses whatever DATABASE_URL / REDIS_URL say; with
neither, SQLite and the embedded broker (fps_portal/broker.py), so nothing else needs to be running.

A worker or beat that exits is started again after a short back-off (1 s, doubling to 30 s while
it keeps failing fast), so the demo's scheduled jobs keep running; the web server exiting (a port
already taken, say) stops everything. Ctrl+C or SIGTERM stops all three and waits for them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fps_portal.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET

# A child that stayed up this long was healthy: its next exit starts the back-off from the start.
HEALTHY_AFTER_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0


def _exit_reason(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with code {returncode}"


@dataclass
class _Child:
    name: str
    command: Sequence[str]
    restart: bool
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restart_at: float | None = None
    backoff: float = 0.0
    restarts: int = field(default=0)


class Supervisor:
    """Starts the children, restarts the restartable ones that exit, stops them all."""

    def __init__(
        self,
        commands: Mapping[str, Sequence[str]],
        *,
        restartable: set[str],
        first_backoff: float = 1.0,
        max_backoff: float = 30.0,
        log: Callable[[str], None] = lambda line: print(line, flush=True),
    ) -> None:
        self.children = {
            name: _Child(name, command, restart=name in restartable)
            for name, command in commands.items()
        }
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff
        self.log = log
        self.stopping = False
        self.exit_code = 0

    def _start(self, child: _Child) -> None:
        child.process = subprocess.Popen(child.command)
        child.started_at = time.monotonic()
        child.restart_at = None
        self.log(f"{child.name} started (pid {child.process.pid}).")

    def start(self) -> None:
        for child in self.children.values():
            self._start(child)

    def pid(self, name: str) -> int | None:
        process = self.children[name].process
        return process.pid if process is not None and process.poll() is None else None

    def check(self) -> None:
        """One round: note exits, restart what is due, or decide to stop."""
        now = time.monotonic()
        for child in self.children.values():
            if self.stopping:
                return
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.restarts += 1
                    self._start(child)
                continue
            if child.process is None or child.process.poll() is None:
                continue
            reason = _exit_reason(child.process.returncode)
            if not child.restart:
                self.log(f"{child.name} {reason}; stopping the others.")
                self.exit_code = child.process.returncode or 1
                self.stopping = True
                return
            healthy = now - child.started_at >= HEALTHY_AFTER_SECONDS
            child.backoff = (
                self.first_backoff
                if healthy or not child.backoff
                else min(child.backoff * 2, self.max_backoff)
            )
            child.restart_at = now + child.backoff
            self.log(f"{child.name} {reason}; starting it again in {child.backoff:g} s.")

    def stop(self) -> None:
        self.stopping = True
        running = [c.process for c in self.children.values() if c.process is not None]
        for process in running:
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def run(self, interval: float = 0.2) -> int:
        """Supervise until a signal or a non-restartable child's exit; then stop everything."""

        def request_stop(signum: int, frame: object) -> None:
            self.stopping = True

        previous = {
            sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            if not self.stopping:
                self.start()
            while not self.stopping:
                self.check()
                time.sleep(interval)
        finally:
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return self.exit_code


def _prepare_var() -> None:
    var = Path(os.environ.get("FPS_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))
    (var / "private").mkdir(parents=True, exist_ok=True)
    from fps_portal.broker import prepare_embedded_broker

    # Before the three processes start, so they do not race to create the broker's tables.
    prepare_embedded_broker()


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


def commands(port: str, python: str = sys.executable) -> dict[str, list[str]]:
    celery = [python, "-m", "celery", "-A", "fps_portal"]
    return {
        "web": [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        # One process: the demo's SQLite database takes one writer at a time.
        "worker": [
            *celery,
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        "beat": [*celery, "beat", "--loglevel=INFO"],
    }


def main() -> int:
    _prepare_var()
    port = os.environ.get("PORT", "8000")
    supervisor = Supervisor(commands(port), restartable={"worker", "beat"})
    print(_banner(port), flush=True)
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main())
