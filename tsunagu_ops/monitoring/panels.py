"""The few panel shapes the dashboards use, each on the Prometheus datasource the operator picks."""

from __future__ import annotations

from grafana_foundation_sdk.builders import bargauge, stat, timeseries
from grafana_foundation_sdk.builders import prometheus as query
from grafana_foundation_sdk.builders.common import ReduceDataOptions
from grafana_foundation_sdk.builders.dashboard import DatasourceVariable
from grafana_foundation_sdk.models.common import BarGaugeDisplayMode, BigValueGraphMode
from grafana_foundation_sdk.models.dashboard import DataSourceRef

DATASOURCE = DataSourceRef(type_val="prometheus", uid="${datasource}")
"""Every panel reads the datasource chosen in the dashboard's `datasource` variable."""


def datasource_variable() -> DatasourceVariable:
    """The dashboard variable choosing a Prometheus datasource (the provisioned one first)."""
    return DatasourceVariable("datasource").label("Prometheus").type("prometheus")


def _target(expr: str, legend: str = "", ref: str = "A") -> query.Dataquery:
    return (
        query.Dataquery()
        .expr(expr)
        .legend_format(legend or "__auto")
        .ref_id(ref)
        .datasource(DATASOURCE)
    )


def _last() -> ReduceDataOptions:
    return ReduceDataOptions().calcs(["lastNotNull"]).values(False)


def series(
    title: str, unit: str, *queries: tuple[str, str], width: int = 12, description: str = ""
) -> timeseries.Panel:
    """A time series panel of (expression, legend) queries."""
    panel = (
        timeseries.Panel()
        .title(title)
        .description(description)
        .unit(unit)
        .min(0)
        .span(width)
        .height(8)
        .datasource(DATASOURCE)
    )
    for ref, (expr, legend) in zip("ABCDEFGH", queries, strict=False):
        panel = panel.with_target(_target(expr, legend, ref))
    return panel


def number(title: str, expr: str, unit: str = "short", *, description: str = "") -> stat.Panel:
    """A single big number."""
    return (
        stat.Panel()
        .title(title)
        .description(description)
        .unit(unit)
        .span(6)
        .height(4)
        .datasource(DATASOURCE)
        .graph_mode(BigValueGraphMode.AREA)
        .reduce_options(_last())
        .with_target(_target(expr))
    )


def bars(title: str, expr: str, legend: str, *, description: str = "") -> bargauge.Panel:
    """One horizontal bar per series, as of now."""
    instant = _target(expr, legend).instant()
    return (
        bargauge.Panel()
        .title(title)
        .description(description)
        .span(12)
        .height(8)
        .min(0)
        .datasource(DATASOURCE)
        .display_mode(BarGaugeDisplayMode.BASIC)
        .reduce_options(_last())
        .with_target(instant)
    )
