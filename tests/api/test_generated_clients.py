"""The contract other councils' systems build on (issue 16): from the live schema,
openapi-python-client generates a Python client every module of which imports, and that client
completes a placement against a live test server (an API client's credential finds a setting,
raises and publishes a referral; the provider responds; the system awards and fetches the
agreement's PDF); openapi-typescript generates TypeScript types that tsc type-checks.

Marked `contract` (`pytest -m contract`); `make test` runs it with the rest. docs/api.md says how
a council generates the same clients.
"""

from __future__ import annotations

import datetime
import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token

from contracts.models import Agreement
from contracts.services.versions import draft_update
from contracts.terms import Terms
from fps_portal.accounts.models import Role
from tests.contracts.world import completed_terms
from tests.factories import person, registered_api_client
from tests.referrals.awards.world import as_actor
from tests.referrals.referrals.cast import build_cast

# No xdist_group: a group is handed to a worker as one unit, early, and the live server's test
# (transactional: it empties the tables) must run after the worker's other database tests, as
# pytest-django orders them. Each worker that runs one of these generates the client once.
pytestmark = pytest.mark.contract

PACKAGE = "fps_client"
#: What docs/api.md tells a council to use: the PDFs come back as a `File` (the generator
#: otherwise drops an application/pdf answer), and no formatter need be installed.
GENERATOR_CONFIG = {
    "content_type_overrides": {"application/pdf": "application/octet-stream"},
    "post_hooks": [],
}
NODE_BIN = Path(settings.BASE_DIR) / "node_modules" / ".bin"


def _run(command: list[str], cwd: Path) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, f"{command[0]} failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The schema as /api/v1/schema/ serves it, in JSON (drf-spectacular needs no database)."""
    path = tmp_path_factory.mktemp("schema") / "openapi.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(path))
    return path


@pytest.fixture(scope="module")
def generated(schema_file: Path) -> Iterator[Path]:
    """The Python client, generated into a temporary folder and importable as `fps_client`."""
    folder = schema_file.parent
    config = folder / "generator.json"
    config.write_text(json.dumps(GENERATOR_CONFIG))
    generator = Path(sys.executable).parent / "openapi-python-client"
    _run(
        [
            str(generator),
            "generate",
            "--path",
            str(schema_file),
            "--meta",
            "none",
            "--output-path",
            PACKAGE,
            "--config",
            str(config),
            "--fail-on-warning",
        ],
        cwd=folder,
    )
    sys.path.insert(0, str(folder))
    try:
        yield folder / PACKAGE
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{name}")


def _operations(schema_file: Path) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, methods in json.loads(schema_file.read_text())["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def test_operation_ids_are_the_published_ones(schema_file: Path) -> None:
    published = Path(__file__).with_name("operation_ids.txt").read_text().splitlines()
    listed = sorted(row for row in published if row and not row.startswith("#"))
    live = sorted(
        f"{op['operationId']} {method} {path}" for method, path, op in _operations(schema_file)
    )
    assert live == listed, "operation ids are the contract: list new ones, rename none"


def test_each_body_has_one_media_type_json_unless_a_file_is_uploaded(
    schema_file: Path,
) -> None:
    schemas = json.loads(schema_file.read_text())["components"]["schemas"]
    for method, path, operation in _operations(schema_file):
        if "requestBody" not in operation:
            continue
        ((media_type, content),) = operation["requestBody"]["content"].items()
        body = schemas[content["schema"]["$ref"].rsplit("/", 1)[-1]]
        uploads = [
            name for name, field in body["properties"].items() if field.get("format") == "binary"
        ]
        expected = "multipart/form-data" if uploads else "application/json"
        assert media_type == expected, (method, path)


def test_every_operation_documents_the_one_error_shape(schema_file: Path) -> None:
    for method, path, operation in _operations(schema_file):
        for code in ("400", "401", "403", "404", "409"):
            content = operation["responses"][code]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/Error"}, (method, path)


def test_each_choice_set_is_named_once(schema_file: Path) -> None:
    schemas = json.loads(schema_file.read_text())["components"]["schemas"]
    seen: dict[tuple[str, ...], str] = {}
    for name, schema in schemas.items():
        if "enum" in schema:
            key = (*map(str, schema["enum"]), schema.get("description", ""))
            assert key not in seen, f"{name} repeats {seen[key]}: name it in ENUM_NAME_OVERRIDES"
            seen[key] = name


def test_every_generated_module_imports(generated: Path) -> None:
    names = sorted(
        ".".join(path.relative_to(generated.parent).with_suffix("").parts).removesuffix(".__init__")
        for path in generated.rglob("*.py")
    )
    endpoints = [n for n in names if n.startswith(f"{PACKAGE}.api.") and n.count(".") == 3]
    assert len(endpoints) > 150  # one per operation
    failed = {}
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:  # every failure listed, not only the first
            failed[name] = f"{type(exc).__name__}: {exc}"
    assert failed == {}


# --- The journey, through the generated client only ---------------------------------------------


def _call(operation: str, client: Any, *, status: int = 200, **arguments: Any) -> Any:
    """Calls the operation (`fps_client.api.<tag>.<operation id>`); the answer must be the
    documented status and parse into the documented model (an undocumented status raises in the
    client)."""
    (path,) = Path(_module("api").__path__[0]).glob(f"*/{operation}.py")
    found = _module(f"api.{path.parent.name}.{operation}")
    answer = found.sync_detailed(client=client, **arguments)
    error = _module("models").Error
    assert answer.status_code == status, (operation, answer.content[:500])
    assert not isinstance(answer.parsed, error), (operation, answer.content[:500])
    return answer.parsed


def _body(model: str, values: dict[str, Any]) -> Any:
    return getattr(_module("models"), model).from_dict(values)


def _client(base_url: str, credential: str, prefix: str) -> Any:
    return _module("client").AuthenticatedClient(
        base_url=base_url,
        token=credential,
        prefix=prefix,
        raise_on_unexpected_status=True,
        timeout=_module("client").httpx.Timeout(60.0),
    )


def test_a_council_system_places_a_child_through_the_generated_client(
    generated: Path, live_server: Any
) -> None:
    cast = build_cast()
    administrator = person(Role.AUTHORITY_ADMIN, cast.sefton)
    _, credential = registered_api_client(administrator, role=Role.COMMISSIONER)
    system = _client(live_server.url, credential, "Bearer")
    provider = _client(live_server.url, Token.objects.create(user=cast.member_user).key, "Token")

    # An error parses into the one error shape (a missing referral; another authority's alike).
    missing = _module("api.referrals.referrals_retrieve").sync_detailed(id=987654, client=system)
    assert missing.status_code == 404
    assert missing.parsed.error.code == "not_found" and missing.parsed.error.fields.to_dict() == {}

    me = _call("me_retrieve", system)
    assert me.to_dict()["organisation"]["name"] == cast.sefton.name

    found = _call("settings_search", system, lot=cast.lot.code)
    assert type(found).__name__ == "SettingSearchPage"
    assert [r.id for r in found.results] == [cast.member_setting.pk]
    assert str(found.results[0].weekly_price) == "3100.00"
    setting = _call("settings_retrieve", system, id=cast.member_setting.pk)
    assert [lot.lot for lot in setting.lots] == [cast.lot.code]

    start = timezone.localdate() + datetime.timedelta(days=30)
    referral = _call(
        "referrals_create",
        system,
        status=201,
        body=_body(
            "ReferralInputRequest",
            {
                "child": cast.child.pk,
                "route": "open_competition",
                "lot": cast.lot.pk,
                "start_date": start.isoformat(),
                "primary_need": "ASD",
                "outcomes_sought": "Full-time attendance.",
                "provider_summary": "Calm, small classes suit best.",
            },
        ),
    )
    assert referral.state.value == "draft"
    criteria = {
        "criteria": [
            {"kind": "pass_fail", "category": "quality", "title": "Good or better"},
            {"kind": "scored", "category": "best_match", "title": "Match", "weight": 60},
            {"kind": "scored", "category": "price", "title": "Price", "weight": 40},
        ]
    }
    _call(
        "referrals_criteria_update",
        system,
        id=referral.id,
        body=_body("CriteriaInputRequest", criteria),
    )
    scale = {
        "scale_max": 2,
        "price_scoring": "formula",
        "descriptors": [
            {"score": 0, "descriptor": "Not met"},
            {"score": 1, "descriptor": "Met"},
            {"score": 2, "descriptor": "Exceeded"},
        ],
    }
    _call("referrals_scale_update", system, id=referral.id, body=_body("ScaleInputRequest", scale))
    published = _call("referrals_publish_create", system, id=referral.id)
    assert published.state.value == "open"
    criteria_ids = {c.category.value: c.id for c in published.criteria}

    (invitation,) = _call("invitations_list", provider).results
    response = _call(
        "responses_create",
        provider,
        status=201,
        body=_body(
            "ResponseStartRequest",
            {"invitation": invitation.id, "setting": cast.member_setting.pk},
        ),
    )
    _call(
        "responses_partial_update",
        provider,
        id=response.id,
        body=_body(
            "PatchedResponseUpdateRequest",
            {
                "how_needs_met": "Small classes.",
                "how_outcomes_met": "Termly reviews.",
                "inspection_judgement": "Ofsted: Good",
                "inspection_date": "2024-05-01",
                "inspection_confirmed": True,
                "answers": [{"criterion": pk, "answer": "Yes."} for pk in criteria_ids.values()],
            },
        ),
    )
    submitted = _call("responses_submit_create", provider, id=response.id)
    assert submitted.state.value == "submitted"

    closed = _call(
        "referrals_close_create",
        system,
        id=referral.id,
        body=_body("ReasonInputRequest", {"reason": "Every invited provider has answered."}),
    )
    assert closed.state.value == "closed"
    for mark in (
        {"criterion": criteria_ids["quality"], "passed": True, "note": "Good, 2024."},
        {"criterion": criteria_ids["best_match"], "score": 2, "note": "Strong on routine."},
    ):
        _call(
            "referrals_marks_create",
            system,
            id=referral.id,
            body=_body("MarkInputRequest", {"response": response.id, **mark}),
        )
    award = _call(
        "referrals_award_create",
        system,
        status=201,
        id=referral.id,
        body=_body(
            "AwardInputRequest",
            {
                "response": response.id,
                "reasons": "The best match, at the lot's price.",
                "agreed_weekly_price": "3100.00",
                "start_date": start.isoformat(),
            },
        ),
    )
    assert award.state.value == "complete"

    (listed,) = _call("agreements_list", system).results
    # The IPA's terms are completed on the commissioner's page (there is no API for them yet).
    agreement = Agreement.objects.get(pk=listed.id)
    agreement.authority_signatory = cast.commissioner
    agreement.save(update_fields=["authority_signatory"])
    draft = agreement.versions.get(number=1)
    terms = completed_terms(SimpleNamespace(terms=Terms.from_json(draft.terms)))
    draft_update(actor=as_actor(cast.commissioner), version=draft, terms=terms)

    issued = _call("agreements_issue_create", system, id=listed.id)
    assert issued.number == 1
    # Issuing queues the PDF's rendering after commit; the test settings run Celery's tasks in
    # process (CELERY_TASK_ALWAYS_EAGER), so the PDF is stored before the answer is sent.
    for client in (system, provider):
        pdf = _call("agreements_pdf_retrieve", client, id=listed.id)
        assert type(pdf).__name__ == "File"
        assert pdf.payload.read(5) == b"%PDF-"


def test_typescript_types_generate_and_type_check(schema_file: Path) -> None:
    folder = schema_file.parent / "typescript"
    folder.mkdir(exist_ok=True)
    _run([str(NODE_BIN / "openapi-typescript"), str(schema_file), "-o", "schema.d.ts"], folder)
    # A caller's use of the types: an operation's answer and the one error shape.
    (folder / "use.ts").write_text(
        'import type { components, operations, paths } from "./schema";\n'
        'type Referral = components["schemas"]["Referral"];\n'
        'type Failure = components["schemas"]["Error"];\n'
        'type Search = operations["settings_search"]["responses"][200]["content"]'
        '["application/json"];\n'
        'export const failure: Failure = { error: { code: "not_found", message: "Not found.",'
        " fields: {} } };\n"
        "export function firstId(page: Search): number | undefined {\n"
        "  return page.results[0]?.id;\n"
        "}\n"
        'export type ReferralPath = paths["/api/v1/referrals/{id}/"];\n'
        "export function state(referral: Referral): string { return referral.state; }\n"
    )
    _run(
        [
            str(NODE_BIN / "tsc"),
            "--noEmit",
            "--strict",
            "--target",
            "es2022",
            "--module",
            "esnext",
            "--moduleResolution",
            "bundler",
            "schema.d.ts",
            "use.ts",
        ],
        folder,
    )
