"""Document store: FerretDB with its SQLite backend, built from ``deploy/ferretdb``."""

from __future__ import annotations

import subprocess

from rich.console import Console

from tsunagu_ops.localstack.errors import LocalStackError
from tsunagu_ops.localstack.kafka import require_tool
from tsunagu_ops.localstack.layout import HOST, StackLayout, repo_root

SOURCE_DIR = repo_root() / "deploy" / "ferretdb"
SOURCE_FILES = ("main.go", "go.mod", "go.sum")


def ferretdb_current(layout: StackLayout) -> bool:
    """Tell whether the built binary exists and is newer than its sources."""
    binary = layout.ferretdb_binary
    if not binary.is_file():
        return False
    newest_source = max((SOURCE_DIR / name).stat().st_mtime for name in SOURCE_FILES)
    return binary.stat().st_mtime >= newest_source


def ensure_ferretdb(layout: StackLayout, console: Console) -> None:
    """Build the store binary with ``go build`` unless it is present and current."""
    if ferretdb_current(layout):
        return
    go = require_tool("go", "build the FerretDB document store")
    binary = layout.ferretdb_binary
    binary.parent.mkdir(parents=True, exist_ok=True)
    partial = binary.with_name(binary.name + ".partial")
    with console.status("Building the FerretDB document store (first time takes minutes)…"):
        result = subprocess.run(
            [go, "build", "-o", str(partial), "."],
            cwd=SOURCE_DIR,
            capture_output=True,
            text=True,
        )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        raise LocalStackError(f"go build failed (exit {result.returncode}):\n{output}")
    partial.replace(binary)
    console.print(f"Document store built: {binary}")


def store_command(layout: StackLayout) -> list[str]:
    """Return the command line that runs the store."""
    listen = f"{HOST}:{layout.store_port}"
    return [str(layout.ferretdb_binary), "-listen", listen, "-data", str(layout.store_data)]
