"""`tsunagu demo`: seed the city network and walk its referral stories through it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import typer
from rich.console import Console

from tsunagu_ops.access import AccessError, ClientCredential, NetworkTokens
from tsunagu_ops.demo.journey import (
    DemoClient,
    DemoError,
    coordinator_env,
    seed_network,
    verify_audit,
    walk_referral,
)
from tsunagu_ops.demo.network import WELFARE_OFFICE
from tsunagu_ops.demo.stories import escalate_missed_deadline, reroute_declined, support_family
from tsunagu_ops.localstack import StackLayout, default_layout
from tsunagu_ops.localstack.services import service_urls

console = Console()


def coordinator_file(layout: StackLayout) -> Path:
    """Where the demo notes the id of its coordinator agency (the city office)."""
    return layout.coordinator_credential.parent / "demo-coordinator-agency"


def demo_coordinator_env(layout: StackLayout) -> dict[str, str]:
    """The coordinator agency's settings, once an earlier demo registered it; else none."""
    file = coordinator_file(layout)
    return coordinator_env(file.read_text().strip()) if file.exists() else {}


def run_demo(
    base_urls: dict[str, str],
    layout: StackLayout | None = None,
    *,
    seeded: Callable[[], None] | None = None,
) -> None:
    """Run the demo against services at `base_urls` (by service name); exit 1 on failure.

    `seeded` runs once the network is registered and its coordinator agency noted, before any
    referral is made (`tsunagu up --demo` uses it to name the coordinator to the services)."""
    layout = layout or default_layout()
    credential = ClientCredential.load(layout.coordinator_credential)
    tokens = NetworkTokens(base_urls["directory"], credential)
    with DemoClient(tokens, timeout=30) as http:
        try:
            console.rule("Tsunagu demo")
            ids = seed_network(http, base_urls["directory"], console.print)
            coordinator_file(layout).write_text(ids[WELFARE_OFFICE])
            if seeded is not None:
                seeded()
            referral_id = walk_referral(http, base_urls["referrals"], ids, console.print)
            reroute_declined(http, base_urls["referrals"], ids, console.print)
            escalate_missed_deadline(http, base_urls["referrals"], ids, console.print)
            support_family(http, base_urls["referrals"], ids, console.print)
            ok = verify_audit(http, base_urls["audit"], referral_id, console.print)
        except (DemoError, AccessError, httpx.HTTPError) as error:
            console.print(f"[red]demo failed:[/red] {error}")
            raise typer.Exit(1) from error
    if not ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the `demo` command to the CLI."""

    @app.command()
    def demo() -> None:
        """Seed the city network and walk one referral through accept, handoff and close."""
        run_demo(service_urls())
