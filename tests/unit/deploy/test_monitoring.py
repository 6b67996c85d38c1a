"""Prometheus configuration and alert rules checked and unit-tested by a real promtool, and the
committed Grafana dashboards exactly what their generator makes."""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from tests.monitoring_files import (
    DASHBOARDS,
    MONITORING,
    PROMETHEUS,
    RULES,
    dashboard_expressions,
    metric_names,
    promtool,
    rule_expressions,
)
from tsunagu_ops.monitoring.dashboards import rendered


def _promtool(*args: str) -> str:
    tool = promtool()
    if tool is None:
        pytest.fail(
            "promtool is missing: `make tools` installs it (deploy/monitoring/install-promtool)"
        )
    done = subprocess.run([tool, *args], cwd=PROMETHEUS, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_scrape_configuration_is_valid_and_loads_the_rules() -> None:
    out = _promtool("check", "config", "prometheus.yml")
    assert "SUCCESS: 1 rule files found" in out
    assert "SUCCESS: 7 rules found" in out


def test_the_rules_are_valid_and_their_unit_tests_pass() -> None:
    assert "SUCCESS: 7 rules found" in _promtool("check", "rules", str(RULES))
    assert "SUCCESS" in _promtool("test", "rules", "tests/tsunagu_test.yml")


def test_every_alert_has_a_unit_test() -> None:
    groups = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    alerts = {rule["alert"] for group in groups for rule in group["rules"]}
    cases = yaml.safe_load((PROMETHEUS / "tests" / "tsunagu_test.yml").read_text(encoding="utf-8"))
    tested = {
        check["alertname"]
        for case in cases["tests"]
        for check in case["alert_rule_test"]
        if check.get("exp_alerts")
    }
    assert tested == alerts


def test_the_scrape_configuration_covers_the_four_services_with_an_operator_login() -> None:
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text(encoding="utf-8"))
    (job,) = config["scrape_configs"]
    services = {target["labels"]["service"] for target in job["static_configs"]}
    assert services == {"directory", "referrals", "notifications", "audit"}
    assert job["oauth2"]["client_secret_file"].startswith("secrets/")
    assert "client_secret" not in job["oauth2"]  # the secret is never in the file itself


def test_the_committed_dashboards_are_what_the_generator_makes() -> None:
    made = rendered()
    committed = {path.name: path.read_text(encoding="utf-8") for path in DASHBOARDS.glob("*.json")}
    assert committed == made, "run: uv run python -m tsunagu_ops.monitoring.dashboards"


def test_each_dashboard_has_its_own_uid_and_reads_the_chosen_prometheus() -> None:
    boards = [json.loads(text) for text in rendered().values()]
    assert len({board["uid"] for board in boards}) == len(boards) == 3
    for board in boards:
        assert len({panel["id"] for panel in board["panels"]}) == len(board["panels"])
        for panel in board["panels"]:
            for target in panel.get("targets", []):
                assert target["datasource"] == {"type": "prometheus", "uid": "${datasource}"}


def test_grafana_provisioning_loads_the_dashboards_from_the_prometheus_datasource() -> None:
    provisioning = MONITORING / "grafana" / "provisioning"
    source = yaml.safe_load((provisioning / "datasources" / "tsunagu.yml").read_text("utf-8"))
    provider = yaml.safe_load((provisioning / "dashboards" / "tsunagu.yml").read_text("utf-8"))
    assert [d["type"] for d in source["datasources"]] == ["prometheus"]
    assert [p["type"] for p in provider["providers"]] == ["file"]


def test_rules_and_dashboards_read_tsunagu_metrics() -> None:
    # which of these each service exports is checked against live services in
    # tests/integration/monitoring/test_metric_names.py
    assert len(metric_names(rule_expressions())) >= 7
    assert len(metric_names(dashboard_expressions())) >= 20
