"""Document store: SecantusDB (MongoDB wire protocol on WiredTiger) in an environment of its own.

The store runs as a separate process from a virtual environment under the stack home, installed
from ``deploy/store/requirements.txt`` (every package pinned by hash). Why this store is the local
default is in ``docs/store-measurements.md``.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from tsunagu_ops.localstack.errors import LocalStackError
from tsunagu_ops.localstack.layout import HOST, StackLayout, repo_root

REQUIREMENTS = repo_root() / "deploy" / "store" / "requirements.txt"
PACKAGE = "secantusdb"


def _pinned_version() -> str:
    """The server's version as `deploy/store/requirements.in` pins it."""
    pins = (REQUIREMENTS.with_suffix(".in")).read_text().splitlines()
    return next(line.split("==", 1)[1].strip() for line in pins if line.startswith(PACKAGE + "=="))


VERSION = _pinned_version()
INSTALLED_MARKER = "tsunagu-requirements.sha256"
CACHE_SIZE = "256M"  # WiredTiger cache: the working set of a local stack fits with room to spare


def _requirements_digest() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def store_python(layout: StackLayout) -> Path:
    """The interpreter of the store's environment."""
    return layout.store_env / "bin" / "python"


def store_current(layout: StackLayout) -> bool:
    """Tell whether the store's environment holds exactly the pinned requirements."""
    marker = layout.store_env / INSTALLED_MARKER
    if not store_python(layout).is_file() or not marker.is_file():
        return False
    return marker.read_text().strip() == _requirements_digest()


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        raise LocalStackError(f"{what} failed (exit {result.returncode}):\n{output}")


def _uv() -> list[str] | None:
    found = shutil.which("uv") or shutil.which("uv", path=str(Path.home() / ".local" / "bin"))
    return [found] if found else None


def ensure_store(layout: StackLayout, console: Console) -> None:
    """Install the store into its own environment unless it is there and current."""
    if store_current(layout):
        return
    env = layout.store_env
    if env.exists():
        shutil.rmtree(env)
    env.parent.mkdir(parents=True, exist_ok=True)
    python = str(store_python(layout))
    requirements = ["-r", str(REQUIREMENTS), "--require-hashes"]
    with console.status("Installing the SecantusDB document store (first time takes a minute)…"):
        uv = _uv()
        if uv is not None:
            _run([*uv, "venv", "--quiet", "--python", sys.executable, str(env)], "creating its env")
            _run([*uv, "pip", "install", "--quiet", "--python", python, *requirements], "install")
        else:
            _run([sys.executable, "-m", "venv", str(env)], "creating the store's environment")
            _run([python, "-m", "pip", "install", "--quiet", *requirements], "installing the store")
    (env / INSTALLED_MARKER).write_text(_requirements_digest() + "\n")
    console.print(f"Document store installed: {env}")


def server_flags(layout: StackLayout) -> list[str]:
    """The flags both SecantusDB servers take: this stack's address and data folder, durable
    commits, no replica-set emulation and a bounded cache.

    ``--sync-on-commit`` makes every acknowledged write durable before the answer, so a kill -9
    (or a power cut) of the store loses nothing it acknowledged. ``--standalone`` drops the
    replica-set emulation: drivers then send no ``txnNumber``, and the server keeps no record
    of each retryable write (pruning those records under one lock held the Python server near
    190 ops/s once it had taken 10,000 writes) and writes no oplog entry with each write. The
    project uses no sessions, transactions or change streams.
    """
    return [
        "--host",
        HOST,
        "--port",
        str(layout.store_port),
        "--storage-path",
        str(layout.store_data),
        "--sync-on-commit",
        "--standalone",
        "--cache-size",
        CACHE_SIZE,
    ]


def store_command(layout: StackLayout) -> list[str]:
    """Return the command line that runs the Python server (see `server_flags`)."""
    return [
        str(store_python(layout)),
        "-m",
        "secantus",
        *server_flags(layout),
        "--log-level",
        "WARNING",
    ]
