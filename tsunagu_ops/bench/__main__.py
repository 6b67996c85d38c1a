"""`python -m tsunagu_ops.bench`: load, latency, catch-up and memory of the running local stack."""

from __future__ import annotations

import argparse
import asyncio
import uuid

from rich.console import Console

from tsunagu_ops.access import ClientCredential
from tsunagu_ops.localstack.layout import default_layout
from tsunagu_ops.localstack.pidfiles import live_record
from tsunagu_ops.localstack.services import SERVICES

from . import backlog as raw_runs
from .catchup import CatchUp, delete_topics, run_catch_up
from .machine import peak_rss_mb, this_machine
from .report import percentile, print_report
from .settings import BenchSettings
from .steady import SteadyState, run_steady_state
from .tokens import verification_microseconds

console = Console(width=150)


def _settings() -> BenchSettings:
    """Settings from the environment, overridden by the command's options."""
    parser = argparse.ArgumentParser(description=__doc__)
    for name, kind in (("referrals", int), ("rate", float), ("concurrency", int), ("backlog", int)):
        parser.add_argument(
            f"--{name}", type=kind, help=BenchSettings.model_fields[name].description
        )
    given = {k: v for k, v in vars(parser.parse_args()).items() if v is not None}
    return BenchSettings(**given)


def _show(line: str) -> None:
    console.print(f"[dim]…[/dim] {line}")


async def _catch_up(settings: BenchSettings, raw: dict[str, float]) -> CatchUp:
    """Publish the backlog (the raw produce), read and insert it raw, then time the audit."""
    namespace = f"bench-{uuid.uuid4().hex[:8]}."
    topic = namespace + "tsunagu.referral.events"
    count = settings.backlog
    tick = lambda label: lambda n: _show(f"{label} {n:,}/{count:,}") if n % 20_000 < 2_000 else None  # noqa: E731
    try:
        entries = raw_runs.backlog_entries(count)
        raw["produce"] = count / await raw_runs.produce(
            settings.kafka_bootstrap_servers, topic, entries, tick("produced")
        )
        consumed = await raw_runs.consume_all(
            settings.kafka_bootstrap_servers, topic, count, tick("consumed")
        )
        raw["consume"] = count / consumed
        raw["produce_consume"] = count / (count / raw["produce"] + consumed)
        records = raw_runs.audit_records(entries)
        del entries
        seconds = await raw_runs.insert_all(
            settings.mongo_url,
            namespace.strip(".").replace("-", "_") + "_raw",
            records,
            settings.insert_batch,
            tick("inserted"),
        )
        raw["insert_many"] = count / seconds
        del records
        return await run_catch_up(
            bootstrap=settings.kafka_bootstrap_servers,
            mongo_url=settings.mongo_url,
            namespace=namespace,
            count=count,
            logs=default_layout().logs,
            tick=tick("audited"),
        )
    finally:
        await delete_topics(settings.kafka_bootstrap_servers, namespace)


async def main() -> None:
    """Run every measure in turn and print the report."""
    settings = _settings()
    layout = default_layout()
    urls = {spec.name: spec.base_url() for spec in SERVICES}
    pids = {
        spec.name: record.pid for spec in SERVICES if (record := live_record(layout.run, spec.name))
    }
    machine = this_machine()
    console.print(f"Machine: {machine.describe()}")
    console.print(
        f"Steady state: {settings.referrals} referrals × 5 events at {settings.rate:.0f} events/s"
    )
    steady: SteadyState = await run_steady_state(
        urls=urls,
        bootstrap=settings.kafka_bootstrap_servers,
        referrals=settings.referrals,
        events_per_second=settings.rate,
        concurrency=settings.concurrency,
        show=_show,
    )
    credential = ClientCredential.load(layout.coordinator_credential)
    verifying = await verification_microseconds(urls["directory"], credential)
    console.print(
        "Token verification per request (µs, p50/p99): "
        f"{percentile(verifying, 0.5):,.0f} / {percentile(verifying, 0.99):,.0f}"
    )
    raw: dict[str, float] = {}
    catch_up = None
    if settings.backlog:
        console.print(f"Catch-up: {settings.backlog:,} events, raw baselines first")
        catch_up = await _catch_up(settings, raw)
    rss = {name: peak_rss_mb(pid) for name, pid in pids.items()}
    print_report(
        console,
        machine=machine,
        steady=steady,
        rss=rss,
        catch_up=catch_up,
        raw=raw,
        backlog=settings.backlog,
    )


if __name__ == "__main__":
    asyncio.run(main())
