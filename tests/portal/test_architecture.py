"""Pages, API modules, forms and template tags read through the scoping mechanism, never a manager.

`scoped(Model, actor)`, `get_scoped_or_404(...)` and the selectors apply the scope rules; a view
that writes `Model.objects` reads past them (docs/architecture.md, "Layers"; ADR 0002). The test
parses every such module and fails on `.objects`, `._default_manager` and `.all_objects`, except
`<manager>.none()` (an empty placeholder reads nothing: forms set their real choices per request)
and the allow-list below. An entry that no longer matches fails too, so the list only shrinks.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("fps_portal", "providers", "referrals", "contracts", "quality")
MANAGERS = frozenset({"objects", "_default_manager", "all_objects"})

# (module, expression) -> why it may stay for now. Keep it short; every entry says why.
ALLOWED: dict[tuple[str, str], str] = {}


def _is_interface_module(relative: Path) -> bool:
    """Views, API modules, forms and template tags: what a request reaches directly."""
    folders = set(relative.parts[:-1])
    stem = relative.stem
    return (
        bool(folders & {"views", "api", "templatetags", "web"})
        or stem in {"views", "forms", "form_fields"}
        or stem.endswith("_forms")
    )


def interface_modules() -> list[Path]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" not in relative.parts and _is_interface_module(relative):
                found.append(relative)
    return found


def _placeholders(tree: ast.AST) -> set[int]:
    """ids of manager attributes used only as `<manager>.none()`."""
    return {
        id(node.func.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "none"
        and isinstance(node.func.value, ast.Attribute)
        and node.func.value.attr in MANAGERS
    }


def manager_reads(relative: Path) -> list[tuple[int, str]]:
    tree = ast.parse((ROOT / relative).read_text(), filename=str(relative))
    skip = _placeholders(tree)
    return [
        (node.lineno, ast.unparse(node))
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS and id(node) not in skip
    ]


def test_the_scan_covers_views_api_forms_and_template_tags() -> None:
    scanned = {str(p) for p in interface_modules()}
    for expected in (
        "providers/views/directory/forum.py",
        "providers/views/onboarding/forms.py",
        "providers/views/onboarding/lead_authority_forms.py",
        "providers/api/directory.py",
        "providers/templatetags/search_render.py",
        "fps_portal/web/views.py",
        "fps_portal/api/base.py",
    ):
        assert expected in scanned
    assert "providers/selectors/onboarding_queues.py" not in scanned


def test_the_scan_sees_a_manager_read_and_lets_a_placeholder_pass(tmp_path: Path) -> None:
    module = tmp_path / "views.py"
    module.write_text(
        "a = Setting.objects.filter(pk=1)\n"
        "b = Lot._default_manager.all()\n"
        "c = Setting.objects.none()\n"
        "d = scoped(Setting, actor)\n"
    )
    assert manager_reads(module) == [(1, "Setting.objects"), (2, "Lot._default_manager")]


def test_views_api_forms_and_template_tags_read_only_through_scoping() -> None:
    found = {
        (str(relative), expression): line
        for relative in interface_modules()
        for line, expression in manager_reads(relative)
    }
    unexpected = [
        f"{module}:{line}: {expression}"
        for (module, expression), line in sorted(found.items())
        if (module, expression) not in ALLOWED
    ]
    assert not unexpected, (
        "Read through scoped(), get_scoped_or_404() or a selector instead of the manager:\n"
        + "\n".join(unexpected)
    )
    stale = sorted(f"{m}: {e}" for m, e in ALLOWED if (m, e) not in found)
    assert not stale, "No longer needed on the allow-list; remove:\n" + "\n".join(stale)
