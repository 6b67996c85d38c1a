"""`python -m tsunagu_ops.bench`: load, latency, catch-up and memory of the running local stack."""

from __future__ import annotations

import argparse
import asyncio
import uuid

from rich.console import Console

from tsunagu_ops.access import ClientCredential
from tsunagu_ops.localstack.layout import StackLayout, default_layout
from tsunagu_ops.localstack.pidfiles import live_record
from tsunagu_ops.localstack.service_parts import service_processes
from tsunagu_ops.localstack.services import SERVICES
from tsunagu_ops.localstack.shape import recorded

from . import backlog as raw_runs
from .catchup import CatchUp, delete_topics, run_catch_up
from .ceiling import find_ceiling
from .compare import describe, print_beside
from .machine import peak_rss_mb, this_machine
from .report import percentile, print_report
from .results import RESULTS, save_results
from .sealing import sealing_microseconds
from .settings import BenchSettings
from .steady import SteadyState, run_steady_state
from .store_use import idle_cpu_percent
from .tokens import verification_microseconds

console = Console(width=150)


def _settings(layout: StackLayout) -> BenchSettings:
    """Settings from the environment, overridden by the command's options; Kafka is the
    running stack's (every node of a cluster) unless set."""
    parser = argparse.ArgumentParser(description=__doc__)
    options = (
        ("referrals", int),
        ("rate", float),
        ("concurrency", int),
        ("backlog", int),
        ("warmup", int),
    )
    for name, kind in options:
        parser.add_argument(
            f"--{name}", type=kind, help=BenchSettings.model_fields[name].description
        )
    parser.add_argument(
        "--find-ceiling",
        action="store_true",
        default=None,
        help=BenchSettings.model_fields["find_ceiling"].description,
    )
    for name in ("step", "step_seconds"):
        parser.add_argument(
            f"--{name.replace('_', '-')}",
            dest=name,
            type=float,
            help=BenchSettings.model_fields[name].description,
        )
    given = {k: v for k, v in vars(parser.parse_args()).items() if v is not None}
    settings = BenchSettings(**given)
    if "kafka_bootstrap_servers" not in settings.model_fields_set:
        settings.kafka_bootstrap_servers = layout.kafka_bootstrap_servers
    return settings


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
    layout = recorded(default_layout())
    settings = _settings(layout)
    urls = {spec.name: spec.base_url() for spec in SERVICES}
    processes = {spec.name: service_processes(layout, spec.name) for spec in SERVICES}
    pids = {
        part.name: record.pid
        for parts in processes.values()
        for part in parts
        if (record := live_record(layout.run, part.name))
    }
    machine = this_machine()
    console.print(f"Machine: {machine.describe()}")
    console.print(f"Stack: {describe((layout.brokers, layout.replicas))}")
    store = live_record(layout.run, "store")
    infrastructure = [node.name for node in layout.kafka_nodes] + ["store"]
    cpu_pids = pids | {
        name: record.pid for name in infrastructure if (record := live_record(layout.run, name))
    }
    addresses = {name: [part.address for part in parts] for name, parts in processes.items()}
    if settings.find_ceiling:
        await find_ceiling(
            settings,
            urls=urls,
            processes=addresses,
            cpu_pids=cpu_pids,
            machine=machine,
            console=console,
            show=_show,
        )
        return
    idle_before = await idle_cpu_percent(store.pid) if store else None
    console.print(
        f"Steady state: {settings.referrals} referrals × 5 events at {settings.rate:.0f} events/s"
    )
    steady: SteadyState = await run_steady_state(
        urls=urls,
        processes=addresses,
        bootstrap=settings.kafka_bootstrap_servers,
        referrals=settings.referrals,
        events_per_second=settings.rate,
        concurrency=settings.concurrency,
        show=_show,
        cpu_pids=cpu_pids,
        warmup=settings.warmup,
    )
    credential = ClientCredential.load(layout.coordinator_credential)
    verifying = await verification_microseconds(urls["directory"], credential)
    sealing = await sealing_microseconds(settings.mongo_url)
    raw: dict[str, float] = {}
    catch_up = None
    if settings.backlog:
        console.print(f"Catch-up: {settings.backlog:,} events, raw baselines first")
        catch_up = await _catch_up(settings, raw)
    rss = {name: peak_rss_mb(pid) for name, pid in pids.items()}
    _show("measuring the store's idle CPU after the load")
    idle_after = await idle_cpu_percent(store.pid) if store else None
    print_report(
        console,
        machine=machine,
        steady=steady,
        rss=rss,
        catch_up=catch_up,
        raw=raw,
        backlog=settings.backlog,
        verification_us=verifying,
        sealing=sealing,
        idle_store_cpu=(idle_before, idle_after),
    )
    figures = {
        "shape": {"brokers": layout.brokers, "replicas": layout.replicas},
        "settings": settings.model_dump(exclude={"kafka_bootstrap_servers", "mongo_url"}),
        "steady": steady,
        "token_verification_us": {
            "p50": percentile(verifying, 0.5),
            "p99": percentile(verifying, 0.99),
        },
        "sealing_us": {
            name: {"p50": percentile(values, 0.5), "p99": percentile(values, 0.99)}
            for name, values in vars(sealing).items()
        },
        "catch_up": catch_up,
        "raw_baselines_per_second": raw,
        "peak_rss_mb": rss,
        "idle_store_cpu_percent": {"before": idle_before, "after": idle_after},
    }
    saved = save_results(RESULTS, machine, figures)
    console.print(f"Figures kept in {saved}")
    print_beside(console, RESULTS, saved)


if __name__ == "__main__":
    asyncio.run(main())
