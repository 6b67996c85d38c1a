"""``tsunagu store prepare``: install (or build, once per machine) the local store's server."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.text import Text

from tsunagu_ops.localstack import LocalStackError, store_server
from tsunagu_ops.localstack.layout import default_layout

console = Console()


def register(app: typer.Typer) -> None:
    """Add the ``store`` command group to ``app``."""
    group = typer.Typer(help="The local document store.", no_args_is_help=True)
    group.command("prepare")(prepare_command)
    app.add_typer(group, name="store")


def prepare_command() -> None:
    """Install the store server that `tsunagu up` and the tests run, building it if needed
    (the Rust server takes minutes, once per machine); print which one it is."""
    try:
        server = store_server.obtain(console)
        store_server.install(default_layout(), server, console)
    except LocalStackError as error:
        console.print(Text(str(error), style="red"))
        raise typer.Exit(1) from error
    console.print(f"Store server for a fresh data folder: {server.describe()}")
