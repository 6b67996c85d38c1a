"""``tsunagu audit``: verify an export offline against signed checkpoints, check proofs online."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import httpx
import typer

from services.audit import Checkpoint
from tsunagu_ops.access import auditor_auth
from tsunagu_ops.cli.credentials import AuditorCredential
from tsunagu_ops.transparency.keys import BadInput, log_key, witness_key
from tsunagu_ops.transparency.offline import check_export
from tsunagu_ops.transparency.remote import (
    LogClient,
    ProofFailed,
    check_consistency,
    check_inclusion,
    opened,
)

DEFAULT_LOG = "http://127.0.0.1:8004"
KeyOption = Annotated[
    str, typer.Option("--key", help="The log's verifier key (vkey), or a file holding it.")
]
LogOption = Annotated[str, typer.Option("--log", help="Base URL of the audit service.")]


def register(app: typer.Typer) -> None:
    """Add the ``audit`` command group to ``app``."""
    group = typer.Typer(help="Verify the audit log.", no_args_is_help=True)
    group.command("verify")(verify_command)
    prove = typer.Typer(help="Fetch a proof from the audit service and check it.")
    prove.command("inclusion")(prove_inclusion)
    prove.command("consistency")(prove_consistency)
    group.add_typer(prove, name="prove")
    app.add_typer(group, name="audit")


def verify_command(
    export: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="JSON-lines export.")],
    key: KeyOption,
    checkpoint: Annotated[
        list[Path],
        typer.Option(exists=True, dir_okay=False, help="A signed checkpoint (repeatable)."),
    ],
    witness: Annotated[
        list[str] | None,
        typer.Option(help="A witness vkey whose cosignature each checkpoint must carry."),
    ] = None,
) -> None:
    """Recompute the export's Merkle tree and match it to signed checkpoints; exit 1 if not."""
    try:
        found = check_export(
            export, checkpoint, log_key(key), [witness_key(w) for w in witness or []]
        )
    except BadInput as exc:
        typer.echo(f"bad: {exc}")
        raise typer.Exit(1) from exc
    typer.echo(found.summary())
    if not found.verification.ok:
        raise typer.Exit(1)


def prove_inclusion(
    index: Annotated[int, typer.Argument(min=0, help="The leaf index (record seq - 1).")],
    key: KeyOption,
    log: LogOption = DEFAULT_LOG,
    checkpoint: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="A saved checkpoint (default: latest)."),
    ] = None,
    credential: AuditorCredential = None,
) -> None:
    """Check that a record is in the tree a signed checkpoint names."""
    with _log_client(log, credential) as client:
        signed = _checkpoint(client, key, checkpoint)
        length = check_inclusion(client, index, signed)
    typer.echo(f"ok: leaf {index} is in the signed tree of size {signed.size} ({length} hashes)")


def prove_consistency(
    old: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Earlier checkpoint.")],
    key: KeyOption,
    log: LogOption = DEFAULT_LOG,
    new: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="Later checkpoint (default: latest)."),
    ] = None,
    credential: AuditorCredential = None,
) -> None:
    """Check that the log's later signed tree extends an earlier signed tree."""
    with _log_client(log, credential) as client:
        earlier = opened(old.read_bytes(), log_key(key)).checkpoint
        later = _checkpoint(client, key, new)
        length = check_consistency(client, earlier, later)
    typer.echo(
        f"ok: the tree of size {later.size} extends the tree of size {earlier.size} "
        f"({length} hashes)"
    )


@contextmanager
def _log_client(log: str, credential: Path | None) -> Iterator[LogClient]:
    """The audit service's proof routes; a check that fails ends the command (exit 1)."""
    with httpx.Client(timeout=30, auth=auditor_auth(credential)) as http:
        try:
            yield LogClient(http, log)
        except (ProofFailed, BadInput) as exc:
            typer.echo(f"bad: {exc}")
            raise typer.Exit(1) from exc


def _checkpoint(client: LogClient, key: str, saved: Path | None) -> Checkpoint:
    """A saved checkpoint, or the latest one served; its log signature checked."""
    text = saved.read_bytes() if saved is not None else client.checkpoint_text()
    return opened(text, log_key(key)).checkpoint
