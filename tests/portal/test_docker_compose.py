"""docker-compose.yml runs this project: each service's command names real modules, production
settings, and the compose file's own database and broker. `.env.example` lists every variable
the settings read."""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
import runpy
import shlex
import types
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import gunicorn.config
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "beat")
# A .env with a different password for each database role, to see which goes where.
DOTENV = {
    "POSTGRES_PASSWORD": "the-superusers-password",
    "FPS_OWNER_DB_PASSWORD": "the-owners-password",
    "FPS_APP_DB_PASSWORD": "the-apps-password",
}
ROLES_SQL = ROOT / "ops" / "db" / "roles.sql"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _command(service: dict[str, Any]) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def _interpolate(value: str, values: dict[str, str]) -> str:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?error}, with `values` as the .env."""

    def replace(match: re.Match[str]) -> str:
        name, operator, argument = match.group(1), match.group(2), match.group(3)
        if values.get(name):
            return values[name]
        if operator == ":-":
            return argument
        raise AssertionError(f"{name} is required: {argument}")

    return re.sub(r"\$\{([A-Z][A-Z0-9_]*)(?:(:-|:\?)([^}]*))?\}", replace, value)


def _environment(service: dict[str, Any]) -> dict[str, str]:
    environment = service.get("environment", {})
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {key: _interpolate(str(value), DOTENV) for key, value in environment.items()}


def test_every_service_exists(compose: dict[str, Any]) -> None:
    assert {"web", "worker", "beat", "db", "redis"} <= set(compose["services"])
    assert compose["services"]["db"]["image"] == "postgres:15"
    assert compose["services"]["redis"]["image"] == "redis:7"


def test_web_runs_gunicorn_with_the_projects_wsgi_application(compose: dict[str, Any]) -> None:
    command = _command(compose["services"]["web"])
    assert command[0] == "gunicorn"
    target = next(part for part in command[1:] if not part.startswith("-"))
    module_name, _, attribute = target.partition(":")
    assert module_name == "fps_portal.wsgi"
    # Importing the module would build the production application; finding it is enough here,
    # and the attribute gunicorn asks for must be the one the module defines.
    assert importlib.util.find_spec(module_name) is not None
    source = (ROOT / "fps_portal" / "wsgi.py").read_text()
    assert re.search(rf"^{attribute or 'application'} = ", source, re.MULTILINE)


def _gunicorn_settings() -> dict[str, Any]:
    namespace = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    return {
        name: value
        for name, value in namespace.items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }


def test_gunicorn_takes_every_setting_from_its_one_file(compose: dict[str, Any]) -> None:
    compose_command = _command(compose["services"]["web"])
    cmd = re.search(r"^CMD (\[.*\])$", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert cmd is not None
    image_command = json.loads(cmd.group(1))
    for command in (compose_command, image_command):
        assert command == ["gunicorn", "--config=gunicorn.conf.py", "fps_portal.wsgi:application"]
    assert "gunicorn.conf.py" in (ROOT / "Dockerfile").read_text().split("CMD")[0]


def test_the_gunicorn_file_names_only_real_settings_with_sound_values(monkeypatch) -> None:
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    values = _gunicorn_settings()
    known = {setting.name for setting in gunicorn.config.KNOWN_SETTINGS}
    assert set(values) - known == set(), "gunicorn ignores names it does not know"
    config = gunicorn.config.Config()
    for name, value in values.items():
        config.set(name, value)  # gunicorn's own validation of each value
    assert config.bind == ["0.0.0.0:8000"]
    assert config.workers == 3 and config.timeout == 60
    assert config.accesslog == "-"
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    assert _gunicorn_settings()["workers"] == 5


@pytest.mark.parametrize(("service", "verb"), [("worker", "worker"), ("beat", "beat")])
def test_celery_services_run_the_projects_celery_app(
    compose: dict[str, Any], service: str, verb: str
) -> None:
    command = _command(compose["services"][service])
    assert command[:4] == ["celery", "-A", "fps_portal", verb]
    module = importlib.import_module("fps_portal.celery")
    assert module.app.main == "fps_portal"


def test_beat_keeps_its_schedule_on_a_volume(compose: dict[str, Any]) -> None:
    beat = compose["services"]["beat"]
    schedule = next(
        part.split("=", 1)[1] for part in _command(beat) if part.startswith("--schedule=")
    )
    mounts = [volume.split(":")[1] for volume in beat["volumes"]]
    assert any(schedule.startswith(mount + "/") for mount in mounts)
    assert beat["volumes"][0].split(":")[0] in compose["volumes"]


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_use_production_settings_and_the_compose_services(
    compose: dict[str, Any], service: str
) -> None:
    environment = _environment(compose["services"][service])
    assert environment["DJANGO_SETTINGS_MODULE"] == "fps_portal.settings.production"
    assert importlib.util.find_spec(environment["DJANGO_SETTINGS_MODULE"]) is not None
    database = urlsplit(environment["DATABASE_URL"])
    assert (database.scheme, database.hostname, database.port) == ("postgres", "db", 5432)
    assert (database.username, database.password) == (_role("app_role"), "the-apps-password")
    assert database.path == "/placements"
    assert urlsplit(environment["REDIS_URL"]).scheme == "redis"
    assert urlsplit(environment["REDIS_URL"]).hostname == "redis"
    assert compose["services"][service]["env_file"] == ".env"


def _role(variable: str) -> str:
    """The role name ops/db/roles.sql creates by default (`\\set owner_role fps_owner`)."""
    match = re.search(rf"^\s*\\set {variable} (\w+)$", ROLES_SQL.read_text(), re.MULTILINE)
    assert match, f"roles.sql sets no default {variable}"
    return match.group(1)


@pytest.mark.parametrize("service", [*APP_SERVICES, "migrate"])
def test_no_app_container_holds_another_roles_password(
    compose: dict[str, Any], service: str
) -> None:
    """env_file passes all of .env into the container; `environment` blanks what it must not see:
    the superuser's password everywhere, the owner's outside `migrate`, the app's inside it."""
    service_config = compose["services"][service]
    assert service_config["env_file"] == ".env"
    environment = _environment(service_config)
    url = environment["DATABASE_URL"]
    for variable, password in DOTENV.items():
        if password not in url:
            assert environment.get(variable) == "", f"{service} would see {variable}"
            assert password not in " ".join(environment.values())


def test_migrations_run_as_the_owner_after_the_roles_exist(compose: dict[str, Any]) -> None:
    migrate = compose["services"]["migrate"]
    database = urlsplit(_environment(migrate)["DATABASE_URL"])
    assert (database.username, database.password) == (_role("owner_role"), "the-owners-password")
    assert (database.hostname, database.path) == ("db", "/placements")
    assert migrate["depends_on"]["db-roles"]["condition"] == "service_completed_successfully"
    assert migrate["restart"] == "no"


def test_the_roles_service_runs_the_roles_script_as_the_superuser(compose: dict[str, Any]) -> None:
    roles = compose["services"]["db-roles"]
    assert roles["image"] == compose["services"]["db"]["image"]  # the same psql as the server
    assert roles["depends_on"]["db"]["condition"] == "service_healthy"
    assert roles["restart"] == "no"
    command = _command(roles)
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in roles["volumes"]}
    script = Path(command[-1])
    host_dir = mounts[str(script.parent)]
    assert (ROOT / host_dir / script.name).is_file()
    assert (ROOT / host_dir / "roles.sql").is_file()
    environment = _environment(roles)
    assert environment["PGHOST"] == "db"
    assert environment["PGDATABASE"] == "placements"
    db_environment = compose["services"]["db"]["environment"]
    assert environment["PGUSER"] == _interpolate(db_environment["POSTGRES_USER"], DOTENV)
    assert environment["PGPASSWORD"] == "the-superusers-password"
    # setup-roles.sh hands these to roles.sql as the roles' passwords.
    assert environment["FPS_OWNER_DB_PASSWORD"] == "the-owners-password"
    assert environment["FPS_APP_DB_PASSWORD"] == "the-apps-password"
    setup = (ROOT / host_dir / script.name).read_text()
    assert "FPS_OWNER_DB_PASSWORD" in setup and "FPS_APP_DB_PASSWORD" in setup


@pytest.mark.parametrize("variable", ["FPS_OWNER_DB_PASSWORD", "FPS_APP_DB_PASSWORD"])
def test_the_roles_passwords_are_required(compose: dict[str, Any], variable: str) -> None:
    values = {name: value for name, value in DOTENV.items() if name != variable}
    with pytest.raises(AssertionError, match=f"{variable} is required"):
        _interpolate(compose["services"]["db-roles"]["environment"][variable], values)


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_wait_for_the_database_redis_and_migrations(
    compose: dict[str, Any], service: str
) -> None:
    depends_on = compose["services"][service]["depends_on"]
    assert depends_on["db"]["condition"] == "service_healthy"
    assert depends_on["redis"]["condition"] == "service_healthy"
    assert depends_on["migrate"]["condition"] == "service_completed_successfully"
    assert _command(compose["services"]["migrate"])[:3] == ["python", "manage.py", "migrate"]


@pytest.mark.parametrize("service", [*APP_SERVICES, "db", "redis"])
def test_every_long_running_service_has_a_healthcheck(
    compose: dict[str, Any], service: str
) -> None:
    healthcheck = compose["services"][service]["healthcheck"]
    assert healthcheck["test"]
    assert compose["services"][service]["restart"] == "unless-stopped"


def test_the_web_healthcheck_asks_healthz(compose: dict[str, Any]) -> None:
    probe = " ".join(compose["services"]["web"]["healthcheck"]["test"])
    assert "/healthz" in probe
    assert "X-Forwarded-Proto" in probe  # production redirects plain HTTP


def test_the_dockerfile_builds_what_compose_runs() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM python:3.11-slim" in dockerfile
    assert re.search(r"^FROM node:\S+ AS frontend", dockerfile, re.MULTILINE)
    assert "npm ci" in dockerfile and "npm run build" in dockerfile
    assert "libpango-1.0-0" in dockerfile and "libpangoft2-1.0-0" in dockerfile
    assert "pip install --require-hashes -r requirements/lock.txt" in dockerfile
    assert "collectstatic" in dockerfile
    assert "DJANGO_SETTINGS_MODULE=fps_portal.settings.production" in dockerfile
    assert re.search(r"^USER \w+", dockerfile, re.MULTILINE), "the service must not run as root"
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".env" in ignored and ".venv" in ignored


def _settings_variables() -> set[str]:
    pattern = re.compile(r"\b(?:env|Env\(\))\.[a-z_]+\(\s*\"([A-Z][A-Z0-9_]*)\"")
    names: set[str] = set()
    for path in (ROOT / "fps_portal" / "settings").glob("*.py"):
        names |= set(pattern.findall(path.read_text()))
    return names


def test_env_example_lists_every_variable_the_settings_read() -> None:
    names = _settings_variables()
    assert {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"} <= names
    listed = set(
        re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.MULTILINE)
    )
    assert names - listed == set()


def test_the_database_password_is_required(compose: dict[str, Any]) -> None:
    with pytest.raises(AssertionError, match="POSTGRES_PASSWORD is required"):
        _interpolate(compose["services"]["db"]["environment"]["POSTGRES_PASSWORD"], {})


def test_env_example_lists_what_docker_compose_interpolates() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    interpolated = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))
    listed = set(
        re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.MULTILINE)
    )
    assert interpolated - listed == set()


@pytest.mark.parametrize("service", ["web", "beat"])
def test_python_healthchecks_are_valid_python(compose: dict[str, Any], service: str) -> None:
    test = compose["services"][service]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    compile(test[3], f"{service} healthcheck", "exec")
