"""The lock files hold every Python package, each with its hashes, at the versions pyproject.toml
pins; `make install` and the Dockerfile install from them. A pin changed in pyproject.toml without
`make lock` fails here, offline, before an install finds out."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements" / "lock.txt"
DEV_LOCK = ROOT / "requirements" / "dev-lock.txt"


def _entries(path: Path) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) for each requirement in a pip requirements file."""
    text = re.sub(r"\\\n", " ", path.read_text())
    entries: dict[str, tuple[str, list[str]]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line.split(" --hash", 1)[0].strip())
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", line
        entries[canonicalize_name(requirement.name)] = (
            specifier.version,
            re.findall(r"--hash=sha256:([0-9a-f]{64})", line),
        )
    return entries


def _pins(requirements: list[str]) -> dict[str, str]:
    pins = {}
    for text in requirements:
        requirement = Requirement(text)
        (specifier,) = requirement.specifier
        pins[canonicalize_name(requirement.name)] = specifier.version
    return pins


@pytest.fixture(scope="module")
def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


@pytest.mark.parametrize("path", [LOCK, DEV_LOCK], ids=["lock", "dev-lock"])
def test_every_locked_package_is_pinned_with_hashes(path: Path) -> None:
    entries = _entries(path)
    assert len(entries) > 30  # direct and transitive
    assert [name for name, (_, hashes) in entries.items() if not hashes] == []


def test_the_runtime_lock_has_pyprojects_runtime_pins(project: dict) -> None:
    locked = {name: version for name, (version, _) in _entries(LOCK).items()}
    pins = _pins(project["project"]["dependencies"])
    assert {name: locked.get(name) for name in pins} == pins, "run `make lock`"


def test_the_dev_lock_has_every_pin_and_the_build_backend(project: dict) -> None:
    locked = {name: version for name, (version, _) in _entries(DEV_LOCK).items()}
    pins = _pins(
        project["project"]["dependencies"] + project["project"]["optional-dependencies"]["dev"]
    )
    assert {name: locked.get(name) for name in pins} == pins, "run `make lock`"
    for text in project["build-system"]["requires"]:
        backend = Requirement(text)
        assert backend.specifier.contains(locked[canonicalize_name(backend.name)])


def test_production_runs_the_versions_development_tests() -> None:
    runtime, dev = _entries(LOCK), _entries(DEV_LOCK)
    assert set(runtime) <= set(dev)
    assert {name: dev[name][0] for name in runtime} == {
        name: version for name, (version, _) in runtime.items()
    }


def test_make_install_and_the_image_install_from_the_locks() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r $(DEV_LOCK)" in makefile
    assert "--no-deps --no-build-isolation -e ." in makefile
    assert re.search(r"^\$\(STAMP_PY\): \$\(DEV_LOCK\)", makefile, re.MULTILINE)
    dockerfile = (ROOT / "Dockerfile").read_text()
    install = dockerfile.index("pip install --require-hashes -r requirements/lock.txt")
    # The dependencies are installed before any code is copied, so a code change keeps that layer.
    first_code_copy = min(
        dockerfile.index(f"COPY {package}/")
        for package in ("fps_portal", "providers", "referrals", "contracts", "quality")
    )
    assert dockerfile.index("COPY requirements/lock.txt") < install < first_code_copy
