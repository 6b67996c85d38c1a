"""Detached background processes: start, identify, stop."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")
START_BANNER = "===== tsunagu: starting"


@dataclass
class ProcessHandle:
    """A process started in its own session; its pid is also its process-group id."""

    name: str
    pid: int
    marker: str
    log_path: Path
    popen: subprocess.Popen[bytes] | None = field(default=None, compare=False, repr=False)


def spawn(
    name: str,
    command: Sequence[str],
    *,
    log_path: Path,
    marker: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> ProcessHandle:
    """Start ``command`` detached, in a new session, appending its output to ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        log.write(f"{START_BANNER} {name} at {time.strftime('%Y-%m-%d %H:%M:%S')}\n".encode())
        log.flush()
        popen = subprocess.Popen(
            list(command),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            start_new_session=True,
        )
    return ProcessHandle(name=name, pid=popen.pid, marker=marker, log_path=log_path, popen=popen)


def command_line(pid: int) -> str | None:
    """Return the command line of ``pid`` with spaces between arguments, or None if gone."""
    try:
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return None
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()


def _stat_fields(pid: int) -> list[str] | None:
    """Return the fields of ``/proc/<pid>/stat`` after the command name, or None."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def is_alive(pid: int, marker: str) -> bool:
    """Tell whether ``pid`` runs (not a zombie) and its command line contains ``marker``."""
    fields = _stat_fields(pid)
    if fields is None or fields[0] in ("Z", "X"):
        return False
    cmdline = command_line(pid)
    return cmdline is not None and marker in cmdline


def handle_alive(handle: ProcessHandle) -> bool:
    """Tell whether the process of ``handle`` is still running.

    A process started here is judged by its exit status alone: its command line, read from
    ``/proc`` while the machine is busy, may not show the marker yet.
    """
    if handle.popen is not None:
        return handle.popen.poll() is None
    return is_alive(handle.pid, handle.marker)


def group_members(pgid: int) -> list[int]:
    """Return the live (non-zombie) processes of process group ``pgid``."""
    members = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields and fields[0] not in ("Z", "X") and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    """Send ``sig`` to a process group, ignoring a group that is already gone."""
    if pgid <= 1:
        raise ValueError(f"refusing to signal process group {pgid}")
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, sig)


def _wait_group_gone(handle: ProcessHandle, timeout: float) -> bool:
    """Wait until no live process is left in the group of ``handle``."""
    deadline = time.monotonic() + timeout
    while True:
        if handle.popen is not None:
            handle.popen.poll()
        if not group_members(handle.pid):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)


def stop(handle: ProcessHandle, timeout: float = 15.0) -> None:
    """Stop the process group of ``handle``: SIGTERM, then SIGKILL after ``timeout`` seconds."""
    if handle.popen is None and not is_alive(handle.pid, handle.marker):
        return
    _signal_group(handle.pid, signal.SIGTERM)
    if _wait_group_gone(handle, timeout):
        return
    _signal_group(handle.pid, signal.SIGKILL)
    _wait_group_gone(handle, 5.0)


def kill(handle: ProcessHandle, timeout: float = 10.0) -> None:
    """Kill the process group of ``handle`` at once (SIGKILL), as a crash would, and reap it."""
    _signal_group(handle.pid, signal.SIGKILL)
    if not _wait_group_gone(handle, timeout):
        raise TimeoutError(f"{handle.name} (pid {handle.pid}) survived SIGKILL")


def log_tail(path: Path, lines: int = 25) -> str:
    """Return the last ``lines`` lines a log file got since its process last started."""
    try:
        with path.open("rb") as log:
            log.seek(0, os.SEEK_END)
            log.seek(max(0, log.tell() - 16_384))
            data = log.read().decode(errors="replace")
    except OSError:
        return ""
    if START_BANNER in data:
        data = data.rsplit(START_BANNER, 1)[1].partition("\n")[2]
    return "\n".join(data.splitlines()[-lines:])


def port_in_use(host: str, port: int) -> bool:
    """Tell whether something accepts TCP connections on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0
