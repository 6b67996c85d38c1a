"""``tsunagu up``, ``down`` and ``status``: the local stack from the command line."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tsunagu_ops.cli.demo import demo_coordinator_env, run_demo
from tsunagu_ops.demo.journey import DEMO_REFERRALS_ENV
from tsunagu_ops.localstack import (
    LocalStackError,
    StackLayout,
    default_layout,
    down,
    status,
    up,
    wipe,
)
from tsunagu_ops.localstack.console import console_url
from tsunagu_ops.localstack.parts import launch, stop_part, wait_ports_released
from tsunagu_ops.localstack.service_parts import service_processes
from tsunagu_ops.localstack.services import service_urls
from tsunagu_ops.localstack.shape import choose, recorded, remember

COORDINATED_SERVICES = ("referrals", "notifications")
"""The services that read the coordinator agency's id from their settings."""

console = Console()


def register(app: typer.Typer) -> None:
    """Add the stack commands to ``app``."""
    app.command("up")(up_command)
    app.command("down")(down_command)
    app.command("status")(status_command)


def up_command(
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Stop everything and wipe stored data first.")
    ] = False,
    demo: Annotated[
        bool, typer.Option("--demo", help="Run the demo scenario once everything is up.")
    ] = False,
    no_services: Annotated[
        bool, typer.Option("--no-services", help="Start only Kafka and the document store.")
    ] = False,
    brokers: Annotated[
        int | None,
        typer.Option(
            "--brokers",
            min=1,
            help="Kafka nodes (3: topics replicated 3 times, 2 in sync). "
            "Default: as last run, else 1.",
        ),
    ] = None,
    replicas: Annotated[
        int | None,
        typer.Option(
            "--replicas",
            min=1,
            help="Processes per service, behind a round-robin front on the service's port. "
            "Default: as last run, else 1.",
        ),
    ] = None,
) -> None:
    """Start Kafka, the document store and the four services in the background."""
    layout = recorded(default_layout())
    if demo:  # short demo deadlines, unless set otherwise (see tsunagu_ops.demo.journey)
        wanted = {**DEMO_REFERRALS_ENV, **demo_coordinator_env(layout)}
        demo_settings = {k: v for k, v in wanted.items() if k not in os.environ}
        layout = replace(layout, service_settings=demo_settings)
    if fresh:
        down(layout, console)
        wipe(layout)
        console.print(f"Wiped stored data under {layout.root}")
    try:
        layout = choose(layout, brokers, replicas)
        remember(layout)
        up(layout, console, services=not no_services)
    except LocalStackError as error:
        console.print(Text(str(error), style="red"))
        console.print("Parts that did start keep running; stop them with `tsunagu down`.")
        raise typer.Exit(1) from error
    except KeyboardInterrupt:
        console.print("Interrupted; stop what did start with `tsunagu down`.")
        raise typer.Exit(130) from None
    _print_summary(layout, with_services=not no_services)
    if demo:
        _demo(layout, with_services=not no_services)


def down_command() -> None:
    """Stop everything `tsunagu up` started."""
    stopped = down(recorded(default_layout()), console)
    console.print(f"Stopped: {', '.join(stopped)}" if stopped else "Nothing was running.")


def status_command() -> None:
    """Show whether each part of the local stack runs and is ready."""
    table = Table("part", "state", "pid", "address", "ready", "notes")
    for part in status(recorded(default_layout()), console):
        state = "[green]running[/green]" if part.running else "[dim]stopped[/dim]"
        ready = "[green]yes[/green]" if part.ready else "[yellow]no[/yellow]"
        notes = Text(part.detail)
        table.add_row(part.name, state, str(part.pid or "-"), part.address, ready, notes)
    console.print(table)


def _print_summary(layout: StackLayout, *, with_services: bool) -> None:
    """Print where each part listens and where data and logs are kept."""
    table = Table("what", "where", title="Tsunagu is up", title_justify="left")
    if with_services:
        table.add_row("Console", console_url(layout))
        for name, url in service_urls().items():
            table.add_row(f"{name} API", f"{url}/docs")
    if with_services and layout.replicas > 1:
        table.add_row("Replicas per service", f"{layout.replicas}, behind the ports above")
    table.add_row("Kafka bootstrap", layout.kafka_bootstrap_servers)
    table.add_row("Document store", layout.mongo_url)
    table.add_row("Data", str(layout.root))
    table.add_row("Coordinator credential", str(layout.coordinator_credential))
    table.add_row("Console credentials", str(layout.coordinator_credential.parent / "console-*"))
    table.add_row("Logs", str(layout.logs))
    console.print(table)
    console.print("Stop everything with `tsunagu down`.")


def _demo(layout: StackLayout, *, with_services: bool) -> None:
    """Run the demo scenario against the services just started."""
    if not with_services:
        console.print("The demo needs the services; skipped because of --no-services.")
        return
    run_demo(service_urls(), layout, seeded=lambda: _name_coordinator(layout))


def _name_coordinator(layout: StackLayout) -> None:
    """Restart the services that escalate to the coordinator agency if they were started
    before the demo registered it (the first `up --demo` on a fresh data folder)."""
    wanted = {k: v for k, v in demo_coordinator_env(layout).items() if k not in os.environ}
    if all(layout.service_settings.get(k) == v for k, v in wanted.items()):
        return
    named = replace(layout, service_settings={**layout.service_settings, **wanted})
    parts = [part for name in COORDINATED_SERVICES for part in service_processes(named, name)]
    with console.status("Naming the coordinator agency to referrals and notifications…"):
        for part in parts:
            stop_part(named, part.name)
        wait_ports_released(port for part in parts for port in part.ports)
        launch(named, parts, console)
