"""Every metric the alert rules and dashboards read is exported by one of the four running
services, so neither can drift from the code."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.harness import eventually
from tests.integration.services_network import Network, module_network
from tests.monitoring_files import dashboard_expressions, metric_names, rule_expressions

network = module_network()
SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "gauge": ("",),
}


async def _exported(http: httpx.AsyncClient, token: str | None) -> set[str]:
    """The names on the service's /metrics once every background probe has read."""

    async def read() -> str | None:
        page = await http.get("/metrics", headers={"Authorization": f"Bearer {token}"})
        assert page.status_code == 200, page.text
        probes = [
            line for line in page.text.splitlines() if line.startswith("tsunagu_metrics_probe_ok{")
        ]
        return page.text if probes and all(line.endswith(" 1.0") for line in probes) else None

    text = await eventually(read, timeout=60, interval=0.5)
    names: set[str] = set()
    for family in text_string_to_metric_families(text):
        names |= {family.name + suffix for suffix in SUFFIXES.get(family.type, ("",))}
        names |= {sample.name for sample in family.samples}
    return names


async def test_every_metric_of_the_rules_and_dashboards_is_exported(network: Network) -> None:
    exported: set[str] = set()
    for http in network.clients.values():
        exported |= await _exported(http, network.tokens["operator"])
    used = metric_names(rule_expressions()) | metric_names(dashboard_expressions())
    assert "tsunagu_consumer_lag_seconds" in used
    assert used - exported == set()
