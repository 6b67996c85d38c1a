"""``tsunagu audit verify FILE``: verify an audit export offline, without any service."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from services.audit import verify_export


def register(app: typer.Typer) -> None:
    """Add the ``audit`` command group to ``app``."""
    group = typer.Typer(help="Inspect the audit log.", no_args_is_help=True)
    group.command("verify")(verify_command)
    app.add_typer(group, name="audit")


def verify_command(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, readable=True, help="A JSON-lines audit export."
        ),
    ],
) -> None:
    """Verify the hash chain of a JSON-lines export; exit 1 at the first bad record."""
    with file.open(encoding="utf-8") as lines:
        result = verify_export(lines)
    if result.ok and result.head is not None:
        head = result.head
        typer.echo(f"ok: {result.records} records, head seq {head.seq} hash {head.hash}")
        return
    typer.echo(f"bad: first bad seq {result.first_bad_seq}: {result.reason}")
    raise typer.Exit(1)
