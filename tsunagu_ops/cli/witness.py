"""``tsunagu witness``: an independent witness cosigning the audit log's checkpoints."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import httpx
import typer

from services.audit import Cosigner, KeyFileProblem, load_or_create_key, verifier_key
from tsunagu_ops.access import auditor_auth
from tsunagu_ops.cli.credentials import AuditorCredential
from tsunagu_ops.transparency.keys import BadInput, log_key
from tsunagu_ops.transparency.remote import LogClient, ProofFailed
from tsunagu_ops.transparency.witness import Refused, Witness


def register(app: typer.Typer) -> None:
    """Add the ``witness`` command to ``app``."""
    app.command("witness")(witness_command)


def witness_command(
    key_file: Annotated[
        Path, typer.Option("--key-file", help="The witness's Ed25519 key (PEM, created if absent).")
    ],
    state: Annotated[
        Path, typer.Option(help="The witness's state: the last checkpoint it cosigned.")
    ] = Path(".tsunagu/witness/state.json"),
    log_key_value: Annotated[
        str | None, typer.Option("--log-key", help="The log's vkey, or a file holding it.")
    ] = None,
    log: Annotated[str, typer.Option(help="Base URL of the audit service.")] = (
        "http://127.0.0.1:8004"
    ),
    name: Annotated[str, typer.Option(help="The witness's key name.")] = "witness.tsunagu.local",
    interval: Annotated[float, typer.Option(min=0.1, help="Seconds between rounds.")] = 5.0,
    once: Annotated[bool, typer.Option(help="One round; exit 1 if the checkpoint is refused.")] = (
        False
    ),
    show_key: Annotated[
        bool, typer.Option(help="Print the witness's vkey (for the log's settings) and exit.")
    ] = False,
    credential: AuditorCredential = None,
) -> None:
    """Cosign each checkpoint that extends the last one cosigned; refuse, saying why, if not."""
    try:
        cosigner = Cosigner(name, load_or_create_key(key_file))
    except KeyFileProblem as exc:
        typer.echo(f"bad: {exc}")
        raise typer.Exit(1) from exc
    if show_key:
        typer.echo(verifier_key(cosigner.verifier()))
        return
    if log_key_value is None:
        raise typer.BadParameter("--log-key is required to witness a log")
    try:
        verifier = log_key(log_key_value)
    except BadInput as exc:
        raise typer.BadParameter(str(exc)) from exc
    with httpx.Client(timeout=30, auth=auditor_auth(credential)) as http:
        witness = Witness(
            log=LogClient(http, log), log_key=verifier, cosigner=cosigner, state_file=state
        )
        while True:
            try:
                typer.echo(witness.round())
            except Refused as exc:
                typer.echo(f"refused: {exc}")
                if once:
                    raise typer.Exit(1) from exc
            except (ProofFailed, httpx.HTTPError) as exc:
                typer.echo(f"could not witness this round: {exc}")
                if once:
                    raise typer.Exit(2) from exc
            if once:
                return
            time.sleep(interval)
