"""The monitoring files under `deploy/monitoring/`, and the metric names their queries use."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
MONITORING = ROOT / "deploy" / "monitoring"
PROMETHEUS = MONITORING / "prometheus"
RULES = PROMETHEUS / "rules" / "tsunagu.yml"
DASHBOARDS = MONITORING / "grafana" / "dashboards"
PROMTOOL = ROOT / ".tsunagu" / "tools" / "bin" / "promtool"
METRIC = re.compile(r"\b(?:tsunagu|faststream)_[a-z0-9_]+\b")


def promtool() -> str | None:
    """The promtool `make tools` installs, else one on the PATH (None if neither)."""
    return str(PROMTOOL) if PROMTOOL.exists() else shutil.which("promtool")


def rule_expressions() -> list[str]:
    """The expression of every alert rule."""
    groups = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    return [rule["expr"] for group in groups for rule in group["rules"]]


def dashboard_expressions() -> list[str]:
    """The query of every panel of every committed dashboard."""
    found: list[str] = []
    for path in sorted(DASHBOARDS.glob("*.json")):
        board: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        for panel in board["panels"]:
            found += [target["expr"] for target in panel.get("targets", [])]
    return found


def metric_names(expressions: list[str]) -> set[str]:
    """The Tsunagu and FastStream metric names the expressions read."""
    return {name for expr in expressions for name in METRIC.findall(expr)}
