"""Pid files: which process runs a part of the stack, and how to recognise it."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from tsunagu_ops.localstack.processes import ProcessHandle, is_alive


@dataclass(frozen=True)
class PidRecord:
    """What ``run/<part>.pid`` remembers about a started process."""

    name: str
    pid: int
    marker: str
    address: str
    log_path: str

    def handle(self) -> ProcessHandle:
        """Return a handle to the recorded process."""
        return ProcessHandle(
            name=self.name, pid=self.pid, marker=self.marker, log_path=Path(self.log_path)
        )


def pid_path(run_dir: Path, name: str) -> Path:
    """Return the pid file of part ``name``."""
    return run_dir / f"{name}.pid"


def write_record(run_dir: Path, record: PidRecord) -> None:
    """Write the pid file of ``record`` atomically."""
    run_dir.mkdir(parents=True, exist_ok=True)
    target = pid_path(run_dir, record.name)
    partial = target.with_suffix(".pid.partial")
    partial.write_text(json.dumps(asdict(record), indent=2) + "\n")
    partial.replace(target)


def remove_record(run_dir: Path, name: str) -> None:
    """Delete the pid file of part ``name`` if present."""
    pid_path(run_dir, name).unlink(missing_ok=True)


def read_record(run_dir: Path, name: str) -> PidRecord | None:
    """Return the pid file of part ``name`` as written, or None if absent or unreadable."""
    try:
        data = json.loads(pid_path(run_dir, name).read_text())
        return PidRecord(**data)
    except (OSError, ValueError, TypeError):
        return None


def live_record(run_dir: Path, name: str) -> PidRecord | None:
    """Return the record of part ``name`` if its process still runs; drop a stale pid file.

    A pid file is stale when it cannot be read, when the process is gone, or when the pid
    now belongs to another program (its command line lacks the recorded marker).
    """
    if not pid_path(run_dir, name).exists():
        return None
    record = read_record(run_dir, name)
    if record is None or not is_alive(record.pid, record.marker):
        remove_record(run_dir, name)
        return None
    return record


def recorded_names(run_dir: Path) -> list[str]:
    """Return the names of all parts that have a pid file."""
    if not run_dir.is_dir():
        return []
    return sorted(path.stem for path in run_dir.glob("*.pid"))
