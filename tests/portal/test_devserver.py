"""`make run` keeps its worker and beat running: one that exits is started again after a short
back-off, saying why; the web server exiting stops everything; a signal stops all of them and
leaves no process behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fps_portal.devserver import Supervisor

ROOT = Path(__file__).resolve().parents[2]
SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_for(condition, timeout: float, supervisor: Supervisor | None = None) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if supervisor is not None:
            supervisor.check()
        if condition():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def supervisor() -> Iterator[Supervisor]:
    lines: list[str] = []
    sup = Supervisor(
        {"web": SLEEPER, "worker": SLEEPER, "beat": SLEEPER},
        restartable={"worker", "beat"},
        first_backoff=0.2,
        max_backoff=1.0,
        log=lines.append,
    )
    sup.lines = lines  # type: ignore[attr-defined]
    yield sup
    sup.stop()


def test_a_killed_worker_is_started_again_after_a_back_off_and_says_why(
    supervisor: Supervisor,
) -> None:
    supervisor.start()
    web, beat, first = supervisor.pid("web"), supervisor.pid("beat"), supervisor.pid("worker")
    assert web and beat and first

    os.kill(first, signal.SIGKILL)
    assert _wait_for(lambda: supervisor.pid("worker") not in (None, first), 10, supervisor)
    second = supervisor.pid("worker")
    assert second is not None
    assert "worker was killed by SIGKILL; starting it again in 0.2 s." in supervisor.lines  # type: ignore[attr-defined]
    assert (supervisor.pid("web"), supervisor.pid("beat")) == (web, beat)

    # Failing again at once: the back-off doubles.
    os.kill(second, signal.SIGTERM)
    assert _wait_for(lambda: supervisor.pid("worker") not in (None, second), 10, supervisor)
    assert "worker was killed by SIGTERM; starting it again in 0.4 s." in supervisor.lines  # type: ignore[attr-defined]
    assert not supervisor.stopping

    pids = [supervisor.pid(name) for name in ("web", "worker", "beat")]
    supervisor.stop()
    assert all(pid is not None and not _alive(pid) for pid in pids)


def test_the_web_server_exiting_stops_the_others(supervisor: Supervisor) -> None:
    supervisor.start()
    others = [supervisor.pid("worker"), supervisor.pid("beat")]
    web = supervisor.pid("web")
    assert web
    os.kill(web, signal.SIGKILL)
    assert _wait_for(lambda: supervisor.stopping, 10, supervisor)
    assert supervisor.exit_code == -signal.SIGKILL
    assert "web was killed by SIGKILL; stopping the others." in supervisor.lines  # type: ignore[attr-defined]
    supervisor.stop()
    assert all(pid is not None and not _alive(pid) for pid in others)


def _children(pid: int) -> dict[int, str]:
    """The live children of `pid` and their command lines, from /proc."""
    found: dict[int, str] = {}
    for task in Path(f"/proc/{pid}/task").glob("*"):
        for child in (task / "children").read_text().split():
            try:
                cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
            except FileNotFoundError:
                continue
            found[int(child)] = cmdline.decode()
    return found


def _session_members(session: int) -> list[int]:
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[3]) == session and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.worker
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads children from /proc")
def test_make_run_brings_a_killed_worker_back_and_stops_without_orphans(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(
        FPS_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="fps_portal.settings.dev",
        PORT=str(_free_port()),
        PYTHONPATH=str(ROOT),
    )
    log = (tmp_path / "devserver.log").open("wb")
    devserver = subprocess.Popen(
        [sys.executable, "-m", "fps_portal.devserver"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own session: every process it leaves behind is findable
    )

    def worker() -> int | None:
        found = [p for p, cmd in _children(devserver.pid).items() if " worker " in f"{cmd} "]
        return found[0] if found else None

    try:
        assert _wait_for(lambda: worker() is not None and len(_children(devserver.pid)) == 3, 30)
        first = worker()
        assert first is not None
        os.kill(first, signal.SIGKILL)
        assert _wait_for(lambda: worker() not in (None, first), 30), "the worker did not come back"
        assert devserver.poll() is None

        devserver.send_signal(signal.SIGTERM)
        assert devserver.wait(timeout=30) == 0
        assert _session_members(devserver.pid) == [], "a process outlived make run"
    finally:
        if devserver.poll() is None or _session_members(devserver.pid):
            os.killpg(devserver.pid, signal.SIGKILL)
            devserver.wait(timeout=10)
        log.close()
