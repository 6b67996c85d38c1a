"""Which document store server the local stack runs, and the command that starts it.

Both speak the MongoDB wire protocol on WiredTiger. The default is SecantusDB's Rust server
(`secantus_rs`), about ten times the Python server's throughput here; where cargo is missing or
its build fails, the Python server (`secantus`) runs instead, and `tsunagu status` says so.
``TSUNAGU_STORE_SERVER=rust|python`` asks for one (no fallback then). A data folder stays with the
server that wrote it: `tsunagu up --fresh` starts over on the default one. Why these servers:
``docs/store-measurements.md``.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from rich.console import Console

from tsunagu_ops.localstack import secantus, secantus_rs
from tsunagu_ops.localstack.errors import LocalStackError
from tsunagu_ops.localstack.layout import StackLayout

SERVER_ENV = "TSUNAGU_STORE_SERVER"
RUST, PYTHON = "rust", "python"
KINDS = (RUST, PYTHON)
MOVE_HINT = "this data folder belongs to it; `tsunagu up --fresh` moves to the Rust server"
LOG_FILE_MAX = "16MB"  # the Rust server pre-allocates 128 MB of log file otherwise
WRITE_TICKETS = 4
"""Writes inside the Rust server's storage engine at once; the rest queue outside it. Unbounded,
writers racing for the same documents under load retried each other into second-long stalls."""


@dataclass(frozen=True)
class StoreServer:
    """The server a stack's store runs: its kind, its version and why it was chosen."""

    kind: str
    version: str
    note: str = ""

    def describe(self) -> str:
        """One line for people: which server, and the reason when it is not the default."""
        name = "Rust server" if self.kind == RUST else "Python server, --standalone"
        line = f"SecantusDB {self.version} ({name})"
        return f"{line}: {self.note}" if self.note else line


def choice_file(layout: StackLayout) -> Path:
    """Where the stack remembers which server its data folder belongs to."""
    return layout.root / "store-server.json"


def recorded_server(layout: StackLayout) -> StoreServer | None:
    """The server this data folder was last started with, None before its first start.

    Data from before the choice was recorded was written by the Python server."""
    try:
        return StoreServer(**json.loads(choice_file(layout).read_text()))
    except (OSError, ValueError, TypeError):
        pass
    if layout.store_data.is_dir() and any(layout.store_data.iterdir()):
        return StoreServer(PYTHON, secantus.VERSION)
    return None


def _requested() -> str | None:
    wanted = os.environ.get(SERVER_ENV, "").strip().lower()
    if wanted and wanted not in KINDS:
        raise LocalStackError(f"{SERVER_ENV} is {wanted!r}; use one of {', '.join(KINDS)}")
    return wanted or None


def prepare(layout: StackLayout, console: Console) -> StoreServer:
    """Choose the server for this data folder, install or build it if needed, remember it."""
    requested = _requested()
    previous = recorded_server(layout)
    if previous is None:
        server = obtain(console)
    elif requested not in (None, previous.kind):
        raise LocalStackError(
            f"the store's data in {layout.store_data} belongs to the {previous.kind} server; "
            f"{SERVER_ENV}={requested} needs a fresh data folder (`tsunagu up --fresh`)"
        )
    else:
        server = _obtain(previous.kind, console, fallback=False)
        if server.kind == PYTHON and requested is None:
            server = replace(server, note=previous.note or MOVE_HINT)
    choice_file(layout).parent.mkdir(parents=True, exist_ok=True)
    choice_file(layout).write_text(json.dumps(asdict(server)) + "\n")
    return server


def obtain(console: Console) -> StoreServer:
    """The server a fresh data folder gets (installed or built): the one asked for, else the
    Rust server, else the Python server."""
    requested = _requested()
    return _obtain(requested or RUST, console, fallback=requested is None)


def _obtain(kind: str, console: Console, *, fallback: bool) -> StoreServer:
    """Install the server of ``kind``; with ``fallback``, the Python one if the Rust one fails."""
    if kind == PYTHON:
        return StoreServer(PYTHON, secantus.VERSION)
    try:
        secantus_rs.ensure_binary(console)
        return StoreServer(RUST, secantus_rs.VERSION)
    except LocalStackError as error:
        if not fallback:
            raise
        reason = str(error).splitlines()[0]
        console.print(f"[yellow]{reason}; running the Python store server instead[/yellow]")
        return StoreServer(PYTHON, secantus.VERSION, f"fallback: {reason}")


def install(layout: StackLayout, server: StoreServer, console: Console) -> None:
    """Make sure the chosen server is installed (the Python server's environment)."""
    if server.kind == PYTHON:
        secantus.ensure_store(layout, console)


def command(layout: StackLayout, server: StoreServer) -> list[str]:
    """The command line that runs ``server`` on this stack's port and data folder (the flags
    both take: `secantus.server_flags`).

    The Rust server needs ``--sync-on-commit`` to lose nothing acknowledged, as it does not
    honour ``j: true`` per write; without ``--standalone`` it writes an oplog entry with each
    write (about a fifth less throughput here)."""
    if server.kind == PYTHON:
        return secantus.store_command(layout)
    return [
        str(secantus_rs.binary_path()),
        *secantus.server_flags(layout),
        "--log-file-max",
        LOG_FILE_MAX,
        "--write-tickets",
        str(WRITE_TICKETS),
    ]
