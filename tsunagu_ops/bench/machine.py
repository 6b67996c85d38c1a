"""What the benchmark ran on, and how much memory a process used at most."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Machine:
    """Cores, memory and CPU model of this machine."""

    cores: int
    memory_mb: int
    cpu_model: str

    def describe(self) -> str:
        """One line for the report."""
        return f"{self.cores} cores, {self.memory_mb} MB RAM, {self.cpu_model}"


def this_machine() -> Machine:
    """Read the machine's description from /proc (Linux)."""
    model = platform.processor() or "unknown CPU"
    with Path("/proc/cpuinfo").open() as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory_kb = _status_kb(Path("/proc/meminfo"), "MemTotal") or 0
    return Machine(cores=os.cpu_count() or 1, memory_mb=memory_kb // 1024, cpu_model=model)


def peak_rss_mb(pid: int) -> float | None:
    """The process's resident-set high-water mark (VmHWM) in MB, None when it is gone."""
    kb = _status_kb(Path(f"/proc/{pid}/status"), "VmHWM")
    return None if kb is None else kb / 1024


def _status_kb(path: Path, field: str) -> int | None:
    """A `<field>: <n> kB` line of a /proc file."""
    try:
        text = path.read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return None
