"""axe-core in the browser tests: inject it into a page, run it, and say what it found.

axe-core comes from the npm registry, pinned in ``package-lock.json`` and installed by
``npm ci`` (``make browser``); it is a tool of the tests and is never served to users. It is
injected with ``page.evaluate``, which runs outside the page's Content-Security-Policy, so the
pages are checked under the very policy they are served with.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

#: WCAG 2.0 and 2.1, levels A and AA (what the public sector must meet), and axe's best
#: practices; only the serious and critical findings fail a test.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = frozenset({"serious", "critical"})

RUN = """async (tags) => {
    const result = await axe.run(document, {
        runOnly: {type: "tag", values: tags},
        resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({
            target: n.target.join(" "),
            html: n.html,
            summary: n.failureSummary,
        })),
    }));
}"""


@cache
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}: run `make browser` (npm ci).")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Every violation axe-core finds on the page as it is now, of any impact."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    violations: list[dict[str, Any]] = page.evaluate(RUN, TAGS)
    return violations


def failing(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


def describe(violation: dict[str, Any], *, nodes: int = 3) -> str:
    """One violation as a few readable lines: rule, impact, help, and where."""
    lines = [f"{violation['id']} ({violation['impact']}): {violation['help']}"]
    for node in violation["nodes"][:nodes]:
        summary = " ".join(str(node["summary"] or "").split())
        lines.append(f"    at {node['target']}: {node['html'][:160]}")
        if summary:
            lines.append(f"       {summary[:300]}")
    if len(violation["nodes"]) > nodes:
        lines.append(f"    ... and {len(violation['nodes']) - nodes} more")
    return "\n".join(lines)
