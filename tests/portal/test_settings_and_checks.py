"""Production settings refuse to start half-configured and pass Django's deployment checks;
the models and migrations agree. Each runs in a fresh interpreter, as a deployment would."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = "fps_portal.settings.production"
HOST = "placements.example.gov.uk"
LOAD_SETTINGS = "import django; django.setup(); from django.conf import settings; settings.DEBUG"


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "FPS_SITE")) and key != "PYTEST_CURRENT_TEST"
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _secret() -> str:
    return secrets.token_urlsafe(50)


@pytest.mark.skipif((ROOT / ".env").exists(), reason=".env in the checkout would supply the values")
def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _run(
        ["-c", LOAD_SETTINGS], DJANGO_SETTINGS_MODULE=PRODUCTION, DJANGO_ALLOWED_HOSTS=HOST
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("weak", ["short", "insecure-" + "x" * 60])
def test_production_refuses_a_weak_secret_key(weak: str) -> None:
    result = _run(
        ["-c", LOAD_SETTINGS],
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DJANGO_SECRET_KEY=weak,
        DJANGO_ALLOWED_HOSTS=HOST,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.skipif((ROOT / ".env").exists(), reason=".env in the checkout would supply the values")
def test_production_refuses_to_start_without_allowed_hosts() -> None:
    result = _run(
        ["-c", LOAD_SETTINGS], DJANGO_SETTINGS_MODULE=PRODUCTION, DJANGO_SECRET_KEY=_secret()
    )
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must name the host(s)" in result.stderr


def test_production_passes_the_deployment_checks() -> None:
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DJANGO_SECRET_KEY=_secret(),
        DJANGO_ALLOWED_HOSTS=HOST,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_settings_are_strict() -> None:
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.ALLOWED_HOSTS)"
    )
    result = _run(
        ["-c", script],
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DJANGO_SECRET_KEY=_secret(),
        DJANGO_ALLOWED_HOSTS=f"{HOST},admin.{HOST}",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "True",
        f"['{HOST}',",
        f"'admin.{HOST}']",
    ]


def test_the_migrations_match_the_models() -> None:
    result = _run(
        ["manage.py", "makemigrations", "--check", "--dry-run"],
        DJANGO_SETTINGS_MODULE="fps_portal.settings.test",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_production_installs_no_demo_app_and_no_demo_command() -> None:
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "from django.core.management import get_commands; "
        "print('demo' in s.INSTALLED_APPS, s.FPS_DEMO_DATA_ALLOWED, "
        "sorted({'load_demo_data', 'build_large_demo'} & set(get_commands())))"
    )
    result = _run(
        ["-c", script],
        DJANGO_SETTINGS_MODULE=PRODUCTION,
        DJANGO_SECRET_KEY=_secret(),
        DJANGO_ALLOWED_HOSTS=HOST,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "[]"]


def test_the_production_image_leaves_the_demo_code_out() -> None:
    """The Docker build context has no demo app, demo accounts or development server runner,
    so the image cannot load demo data whatever its settings say."""
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {"demo", "fps_portal/demo_accounts.py", "fps_portal/devserver.py"} <= set(ignored)
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "demo/" not in dockerfile
    # Nothing the image does run imports them.
    for package in ("fps_portal", "providers", "referrals", "contracts", "quality"):
        for path in (ROOT / package).rglob("*.py"):
            if path.name in {"devserver.py", "demo_accounts.py"}:
                continue
            source = path.read_text()
            assert "demo_accounts" not in source and "devserver" not in source, path
            assert not any(
                line.startswith(("import demo", "from demo")) for line in source.splitlines()
            ), path


def test_production_keeps_database_connections_and_checks_them() -> None:
    script = (
        "import django; django.setup(); from django.conf import settings as s\n"
        "for d in s.DATABASES.values(): print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    common = {
        "DJANGO_SETTINGS_MODULE": PRODUCTION,
        "DJANGO_SECRET_KEY": _secret(),
        "DJANGO_ALLOWED_HOSTS": HOST,
    }
    kept = _run(["-c", script], **common)
    assert kept.returncode == 0, kept.stderr
    assert set(kept.stdout.splitlines()) == {"600 True"}
    tuned = _run(["-c", script], **common, DATABASE_CONN_MAX_AGE="60")
    assert set(tuned.stdout.splitlines()) == {"60 True"}


def test_the_dotenv_file_is_read_before_any_setting_reads_the_environment(tmp_path) -> None:
    """The base settings run from a copy beside a .env of its own: the value .env gives is the
    one the settings use, for the first setting read (FPS_VAR_DIR) as for the rest."""
    settings_dir = tmp_path / "fps_portal" / "settings"
    settings_dir.mkdir(parents=True)
    (settings_dir / "base.py").write_text((ROOT / "fps_portal/settings/base.py").read_text())
    var_dir = tmp_path / "from-dotenv"
    (tmp_path / ".env").write_text(f"FPS_VAR_DIR={var_dir}\nDJANGO_DEBUG=true\n")
    script = (
        "import runpy, sys; s = runpy.run_path(sys.argv[1]); "
        "print(s['VAR_DIR'], s['DATABASES']['default']['NAME'], s['DEBUG'])"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FPS_"))}
    clean.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", script, str(settings_dir / "base.py")],
        cwd=tmp_path,
        env={**clean, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(var_dir), str(var_dir / "demo.sqlite3"), "True"]


def test_the_base_settings_have_no_dead_shared_data_dir() -> None:
    from fps_portal.settings import base

    assert not hasattr(base, "SHARED_DATA_DIR")
    assert "FPS_SHARED_DATA_DIR" not in (ROOT / ".env.example").read_text()
