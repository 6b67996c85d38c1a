"""``tsunagu dlq list|replay TOPIC``: inspect parked events and bring them back once fixed."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from tsunagu.messaging.dead_letter import replay_group
from tsunagu_ops.replay import DeadLetters, ParkedEvent, Refusal

console = Console()

Topic = Annotated[str, typer.Argument(help="The event topic, e.g. tsunagu.referral.events.")]
Bootstrap = Annotated[
    str,
    typer.Option(
        "--bootstrap-servers",
        envvar="TSUNAGU_KAFKA_BOOTSTRAP_SERVERS",
        help="Kafka bootstrap address.",
    ),
]
DEFAULT_BOOTSTRAP = "127.0.0.1:9092"


def register(app: typer.Typer) -> None:
    """Add the ``dlq`` command group to ``app``."""
    group = typer.Typer(help="Dead-letter topics: list and replay.", no_args_is_help=True)
    group.command("list")(list_command)
    group.command("replay")(replay_command)
    app.add_typer(group, name="dlq")


def list_command(topic: Topic, bootstrap_servers: Bootstrap = DEFAULT_BOOTSTRAP) -> None:
    """Show the events parked for TOPIC: where they came from, why, and whether replayed."""
    parked = asyncio.run(_parked(bootstrap_servers, topic))
    if not parked:
        console.print(f"nothing parked for {topic}")
        return
    console.print(parked_table(topic, parked))
    waiting = sum(not event.replayed for event in parked)
    console.print(f"{len(parked)} parked, {waiting} not replayed yet")


def replay_command(topic: Topic, bootstrap_servers: Bootstrap = DEFAULT_BOOTSTRAP) -> None:
    """Re-publish to TOPIC every event parked since the last replay."""
    count, refused = asyncio.run(_replay(bootstrap_servers, topic))
    console.print(f"replayed {count} event(s) to {topic} (progress kept by {replay_group(topic)})")
    for refusal in refused:
        event = refusal.event
        console.print(
            f"[yellow]refused[/yellow] {event.dlq_partition}:{event.dlq_offset} "
            f"(id {event.event_id}): {refusal.reason}",
            highlight=False,
        )


def parked_table(topic: str, parked: list[ParkedEvent]) -> Table:
    """One row per parked event."""
    table = Table(title=f"dead letters of {topic}")
    for column in ("dlq", "original", "reason", "error", "type", "id", "replayed"):
        table.add_column(column, overflow="fold")
    for event in parked:
        table.add_row(
            f"{event.dlq_partition}:{event.dlq_offset}",
            f"{event.original_topic}[{event.original_partition}]@{event.original_offset}",
            event.reason,
            event.error,
            event.event_type or "-",
            event.event_id or "-",
            "yes" if event.replayed else "no",
        )
    return table


async def _parked(bootstrap: str, topic: str) -> list[ParkedEvent]:
    async with DeadLetters(bootstrap, topic) as letters:
        return await letters.parked()


async def _replay(bootstrap: str, topic: str) -> tuple[int, list[Refusal]]:
    columns = (TextColumn("replaying"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("replay", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        async with DeadLetters(bootstrap, topic) as letters:
            return await letters.replay(on_progress=advance), letters.refused
