"""SecantusDB's Rust server (`secantusd-rs`), built once with cargo into a cache outside the clone.

The crate ``secantus-mdb`` is on crates.io and carries WiredTiger's C source (built with cmake
and gcc), so the build fetches nothing outside the registries. Every published version declares
``rust-version = 1.98``; it builds and runs on older toolchains, hence ``--ignore-rust-version``
(see ``docs/store-measurements.md``). The binary lands in ``<cache>/secantus-mdb-<version>/bin``,
where a second clone, a CI run or the test suite on the same machine finds it again.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from rich.console import Console

from tsunagu_ops.localstack.errors import LocalStackError, ToolMissingError

CRATE = "secantus-mdb"
VERSION = "0.5.3-beta.196"
"""Pinned: pre-releases are only installed by their exact version, and ``--locked`` builds the
dependency versions the crate was published with."""
BINARY = "secantusd-rs"
CACHE_ENV = "TSUNAGU_CACHE"
EXPECTED_MINUTES = 8
PROGRESS_EVERY = 30.0
"""Seconds between progress lines when the output is not a terminal (a CI log)."""


def tool_cache() -> Path:
    """Where built tools are kept for every clone: ``$TSUNAGU_CACHE``, else the user's cache."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser().resolve() / "tsunagu"


def install_root(cache: Path | None = None) -> Path:
    """The folder ``cargo install --root`` fills for the pinned version."""
    return (cache or tool_cache()) / f"{CRATE}-{VERSION}"


def _beside(root: Path, suffix: str) -> Path:
    """A file or folder kept next to the install root (its lock, log, partial build, target)."""
    return root.with_name(root.name + suffix)


def binary_path(cache: Path | None = None) -> Path:
    """Where the built server is (whether or not it has been built)."""
    return install_root(cache) / "bin" / BINARY


def find_cargo() -> Path | None:
    """Cargo on the PATH, else rustup's default place; None when neither has it."""
    found = shutil.which("cargo")
    if found:
        return Path(found)
    default = Path.home() / ".cargo" / "bin" / "cargo"
    return default if os.access(default, os.X_OK) else None


@contextmanager
def _exclusive(lock_file: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_file``, so two processes never build at once."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_command(cargo: Path, root: Path) -> list[str]:
    """The cargo command that builds the pinned server into ``root``."""
    return [
        str(cargo),
        "install",
        CRATE,
        "--version",
        VERSION,
        "--locked",
        "--ignore-rust-version",
        "--root",
        str(root),
    ]


def progress_line(compiled: int, seconds: float) -> str:
    """What the build shows while it runs."""
    minutes, rest = divmod(int(seconds), 60)
    return (
        f"Building the store once, about {EXPECTED_MINUTES} minutes "
        f"({compiled} crates compiled, {minutes}:{rest:02d} so far)…"
    )


def ensure_binary(console: Console, cache: Path | None = None) -> Path:
    """Return the built server, building it first when it is not in the cache.

    Raises ``ToolMissingError`` without cargo and ``LocalStackError`` when the build fails (its
    whole output is kept in ``<cache>/secantus-mdb-<version>-build.log``)."""
    binary = binary_path(cache)
    if binary.is_file():
        return binary
    cargo = find_cargo()
    if cargo is None:
        raise ToolMissingError("cargo is not installed: the Rust store server cannot be built")
    root = install_root(cache)
    with _exclusive(_beside(root, ".lock")):
        if binary.is_file():  # another process built it while this one waited
            return binary
        _build(cargo, root, console)
    return binary


def _build(cargo: Path, root: Path, console: Console) -> None:
    """Build into a partial folder, then move it into place in one step."""
    partial = _beside(root, ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    log_path = _beside(root, "-build.log")
    # Kept between attempts, so an interrupted build resumes where it stopped.
    target = _beside(root, "-target")
    env = {**os.environ, "CARGO_TARGET_DIR": str(target)}
    env["PATH"] = f"{cargo.parent}{os.pathsep}{env.get('PATH', '')}"
    started = time.monotonic()
    with log_path.open("w") as log, console.status(progress_line(0, 0)) as status:
        show = _progress(console, status.update, started)
        process = subprocess.Popen(
            build_command(cargo, partial),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        compiled = [0]
        reader = threading.Thread(target=_read_output, args=(process, log, compiled), daemon=True)
        reader.start()
        while process.poll() is None:  # the C part compiles for minutes without a line
            show(compiled[0])
            time.sleep(1.0)
        reader.join()
        code = process.returncode
    if code != 0 or not (partial / "bin" / BINARY).is_file():
        tail = "".join(log_path.read_text().splitlines(keepends=True)[-20:])
        raise LocalStackError(
            f"building the store ({CRATE} {VERSION}) failed (exit {code}); "
            f"whole log: {log_path}\n{tail}"
        )
    if root.exists():
        shutil.rmtree(root)
    partial.replace(root)
    shutil.rmtree(target, ignore_errors=True)
    minutes = (time.monotonic() - started) / 60
    console.print(f"Store server built in {minutes:.1f} min: {root / 'bin' / BINARY}")


def _read_output(process: subprocess.Popen[str], log: IO[str], compiled: list[int]) -> None:
    """Copy the build's output into its log, counting the crates compiled."""
    assert process.stdout is not None
    for line in process.stdout:
        log.write(line)
        if line.lstrip().startswith("Compiling "):
            compiled[0] += 1


def _progress(
    console: Console, update: Callable[[str], None], started: float
) -> Callable[[int], None]:
    """A reporter of build progress: the spinner's text on a terminal, a line every
    `PROGRESS_EVERY` seconds elsewhere."""
    last_line = [started]

    def show(compiled: int) -> None:
        now = time.monotonic()
        line = progress_line(compiled, now - started)
        if console.is_terminal:
            update(line)
        elif now - last_line[0] >= PROGRESS_EVERY:
            last_line[0] = now
            console.print(line)
            console.file.flush()  # a CI log shows it now, not when the build is over

    return show
