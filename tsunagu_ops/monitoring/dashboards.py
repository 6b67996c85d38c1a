"""The three dashboards of the ops team, written to `deploy/monitoring/grafana/dashboards/`.

    uv run python -m tsunagu_ops.monitoring.dashboards [--check]

`--check` writes nothing and fails when a committed file differs from what the builders make.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

from grafana_foundation_sdk.builders.dashboard import Dashboard
from grafana_foundation_sdk.cog.encoder import JSONEncoder

from .network import network_flow, sla
from .pipeline import pipeline_health

FOLDER = Path(__file__).resolve().parents[2] / "deploy" / "monitoring" / "grafana" / "dashboards"


DASHBOARDS: dict[str, Callable[[], Dashboard]] = {
    "network-flow.json": network_flow,
    "sla.json": sla,
    "pipeline-health.json": pipeline_health,
}


def rendered() -> dict[str, str]:
    """Each dashboard file's name and its JSON, as committed."""
    return {name: _json(make()) for name, make in DASHBOARDS.items()}


def _json(builder: Dashboard) -> str:
    board = builder.build()
    for number_, panel in enumerate(board.panels or [], start=1):
        panel.id_val = number_  # unique within the dashboard, stable from one run to the next
    return json.dumps(board, cls=JSONEncoder, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    """Write the dashboards, or with `--check` tell which committed ones are stale."""
    stale = [name for name, text in rendered().items() if _read(FOLDER / name) != text]
    if "--check" in argv:
        for name in stale:
            print(f"stale: {FOLDER / name} (run python -m tsunagu_ops.monitoring.dashboards)")
        return 1 if stale else 0
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name, text in rendered().items():
        (FOLDER / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(DASHBOARDS)} dashboards to {FOLDER}")
    return 0


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
