"""Detached background processes: start, identify, stop."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

PROC = Path("/proc")
START_BANNER = "===== tsunagu: starting"
KILL_GRACE_SECONDS = 10.0
REAP_WAIT_SECONDS = 5.0

# Children started by this process, by pid: whoever stops one of them (even through a handle
# rebuilt from a pid file) waits for it, so that no zombie is left behind.
_children: dict[int, subprocess.Popen[bytes]] = {}


class StopOutcome(Enum):
    """How a stopped process ended."""

    NOT_RUNNING = "not running"
    TERMINATED = "terminated"  # exited after SIGTERM
    KILLED = "killed"  # ignored SIGTERM past the timeout; SIGKILL ended it


class SurvivedStopError(RuntimeError):
    """A process group was still alive after SIGKILL and the grace period."""


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
    _children[popen.pid] = popen
    return ProcessHandle(name=name, pid=popen.pid, marker=marker, log_path=log_path, popen=popen)


EXEC_SETTLE_SECONDS = 2.0


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
    # A process in the middle of exec (its parent already saw exec succeed) shows an empty
    # command line until the kernel has laid out its arguments; that takes moments at most.
    deadline = time.monotonic() + EXEC_SETTLE_SECONDS
    while cmdline == "" and time.monotonic() < deadline:
        time.sleep(0.01)
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


def _child_of_ours(handle: ProcessHandle) -> subprocess.Popen[bytes] | None:
    """Return the ``Popen`` of ``handle`` if this process started it (and so must reap it)."""
    return handle.popen if handle.popen is not None else _children.get(handle.pid)


def _reap(handle: ProcessHandle) -> bool:
    """Collect the exit status of ``handle`` if it is our child; tell whether it has exited."""
    child = _child_of_ours(handle)
    if child is None:
        return not is_alive(handle.pid, handle.marker)
    if child.poll() is None:
        return False
    _children.pop(child.pid, None)
    return True


def _wait_gone(handle: ProcessHandle, timeout: float) -> bool:
    """Wait until the leader of ``handle`` has exited (and is reaped) and its group is empty."""
    deadline = time.monotonic() + timeout
    while True:
        if _reap(handle) and not group_members(handle.pid):
            _wait_reaped_by_its_parent(handle.pid)
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def _wait_reaped_by_its_parent(pid: int) -> None:
    """Give the parent of an exited process we did not start (init, mostly) time to reap it.

    Reaping is the parent's duty; init does it within a few seconds here. Waiting lets ``down``
    return with no zombie of the stack left in the process table.
    """
    deadline = time.monotonic() + REAP_WAIT_SECONDS
    while (fields := _stat_fields(pid)) and fields[0] == "Z" and time.monotonic() < deadline:
        time.sleep(0.05)


def stop(
    handle: ProcessHandle, timeout: float = 15.0, *, kill_grace: float = KILL_GRACE_SECONDS
) -> StopOutcome:
    """Stop the process group of ``handle`` and reap it; say how it ended.

    SIGTERM first; after ``timeout`` seconds SIGKILL, then at most ``kill_grace`` more seconds
    for the kernel to end the group. Returns only once the leader is reaped (when it is our
    child) and no process of its group is left; raises ``SurvivedStopError`` otherwise.
    """
    if _child_of_ours(handle) is None and not is_alive(handle.pid, handle.marker):
        return StopOutcome.NOT_RUNNING
    if _reap(handle) and not group_members(handle.pid):
        return StopOutcome.NOT_RUNNING
    _signal_group(handle.pid, signal.SIGTERM)
    if _wait_gone(handle, timeout):
        return StopOutcome.TERMINATED
    _signal_group(handle.pid, signal.SIGKILL)
    if _wait_gone(handle, kill_grace):
        return StopOutcome.KILLED
    raise SurvivedStopError(
        f"{handle.name} (pid {handle.pid}) still runs {kill_grace:.0f} s after SIGKILL"
    )


def kill(handle: ProcessHandle, timeout: float = KILL_GRACE_SECONDS) -> None:
    """Kill the process group of ``handle`` at once (SIGKILL), as a crash would, and reap it."""
    _signal_group(handle.pid, signal.SIGKILL)
    if not _wait_gone(handle, timeout):
        raise SurvivedStopError(f"{handle.name} (pid {handle.pid}) survived SIGKILL")


def stop_all(
    handles: Sequence[ProcessHandle], timeouts: Mapping[str, float], default: float = 15.0
) -> dict[str, StopOutcome]:
    """Stop every handle in order, even when one survives; raise naming all survivors."""
    outcomes: dict[str, StopOutcome] = {}
    survivors: list[str] = []
    for handle in handles:
        try:
            outcomes[handle.name] = stop(handle, timeouts.get(handle.name, default))
        except SurvivedStopError as error:
            survivors.append(str(error))
    if survivors:
        raise SurvivedStopError("; ".join(survivors))
    return outcomes


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
