"""axe-core (vendored from the npm registry in ``static/vendor/axe-core/``, see its VERSION) run in the page under
test, and a readable account of what it finds."""

from __future__ import annotations

from functools import cache

from django.conf import settings

AXE = settings.BASE_DIR / "static" / "vendor" / "axe-core" / "axe.min.js"
#: What keeps a person out: a page with any of these fails.
BLOCKING = ("serious", "critical")

_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
  }));
}"""


@cache
def _source() -> str:
    return AXE.read_text(encoding="utf-8")


def violations(page) -> list[dict]:
    """axe's violations on the page as it stands (folds opened, dialogs shown), most severe first."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the browser's protocol: a script tag would be refused by the portal's
        # Content-Security-Policy (no inline script), which the sweep leaves on.
        page.evaluate(_source())
    found = page.evaluate(_RUN)
    order = {"critical": 0, "serious": 1, "moderate": 2, "minor": 3}
    return sorted(found, key=lambda v: order.get(v["impact"], 4))


def blocking(found: list[dict]) -> list[dict]:
    return [v for v in found if v["impact"] in BLOCKING]


def report(where: str, url: str, found: list[dict], nodes: int = 5) -> str:
    lines = [f"{where}（{url}）有 {len(found)} 类无障碍问题："]
    for v in found:
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']}")
        for node in v["nodes"][:nodes]:
            detail = " ".join(line.strip() for line in node["summary"].splitlines()[1:2])
            lines.append(f"    {node['target']}  {detail}")
        if len(v["nodes"]) > nodes:
            lines.append(f"    …另有 {len(v['nodes']) - nodes} 处")
    return "\n".join(lines)
