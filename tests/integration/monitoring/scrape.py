"""Reading a service's /metrics page as Prometheus would, with an operator's token."""

from __future__ import annotations

from collections.abc import Mapping

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.access import as_role

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(http: httpx.AsyncClient) -> Samples:
    """Every sample of the service's /metrics page, by name and labels."""
    response = await http.get("/metrics", headers=as_role("operator"))
    assert response.status_code == 200, response.text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, labels: Mapping[str, str] | None = None) -> float | None:
    """The sample of `name` with exactly `labels` (None when absent)."""
    return samples.get((name, frozenset((labels or {}).items())))


def total(samples: Samples, name: str, **having: str) -> float:
    """The sum of the samples of `name` whose labels include `having`."""
    return sum(
        found
        for (sample, labels), found in samples.items()
        if sample == name and set(having.items()) <= labels
    )
