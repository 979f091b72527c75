"""axe-core (the copy axe-playwright-python bundles) run in the page, held to WCAG 2.2 AA."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.base import AXE_SCRIPT

# The rule sets for WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe has no wcag22a tag).
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}


def axe_violations(page: Any) -> list[str]:
    """Each violation as one readable line: rule, impact, what it asks and where it failed.
    The script is evaluated through the DevTools protocol, so the page's CSP does not block it."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate("options => axe.run(document, options)", OPTIONS)
    return [
        f"{rule['id']} ({rule['impact']}): {rule['help']} at "
        + "; ".join(_where(node) for node in rule["nodes"][:5])
        for rule in results["violations"]
    ]


def _where(node: dict[str, Any]) -> str:
    """The element's selector and the last line of axe's advice on fixing it."""
    advice = (node.get("failureSummary") or "").strip().splitlines()
    return " ".join(node["target"]) + (f" [{advice[-1].strip()}]" if advice else "")
