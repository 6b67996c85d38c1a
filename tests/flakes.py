"""Hunt flaky tests: run the suite (or part of it) N times in a row, report what ever failed.

    python -m tests.flakes --runs 30 tests/e2e          (or: make flakes RUNS=30 TESTS=tests/e2e)

Each run is a separate pytest process writing a JUnit XML report. At the end every test that
failed at least once is listed with how often, and the output of its first failure.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

OUTPUT_LINES = 60
Problems = list[tuple[str, str]]  # (test id, output) of each failed test


@dataclass
class Failure:
    """A test that failed at least once: in which runs, and its first failure's output."""

    test_id: str
    first_output: str
    runs: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class RunResult:
    """One pytest run: its exit code, duration and counts."""

    number: int
    exit_code: int
    seconds: float
    tests: int
    failed: int


def failures_in(report: Path) -> Problems:
    """Return (test id, output) for each failed or errored test case of a JUnit XML report."""
    found = []
    for case in ET.parse(report).getroot().iter("testcase"):
        for problem in [*case.iter("failure"), *case.iter("error")]:
            test_id = f"{case.get('classname', '')}::{case.get('name', '')}"
            text = "\n".join(filter(None, [problem.get("message"), problem.text]))
            found.append((test_id, text))
    return found


def tests_in(report: Path) -> int:
    """Return how many test cases a JUnit XML report holds."""
    return sum(1 for _ in ET.parse(report).getroot().iter("testcase"))


def run_once(
    number: int, targets: list[str], folder: Path
) -> tuple[RunResult, list[tuple[str, str]]]:
    """Run pytest once on ``targets``; return the result and the failures it reported."""
    report = folder / f"run-{number}.xml"
    command = [sys.executable, "-m", "pytest", "-q", f"--junitxml={report}"]
    started = time.monotonic()
    completed = subprocess.run([*command, *targets], check=False)
    seconds = time.monotonic() - started
    problems = failures_in(report) if report.exists() else [("<pytest>", "no report written")]
    total = tests_in(report) if report.exists() else 0
    return RunResult(number, completed.returncode, seconds, total, len(problems)), problems


def summary(results: list[RunResult], failures: dict[str, Failure]) -> str:
    """Return the report printed at the end."""
    lines = [f"{'run':>4} {'exit':>4} {'seconds':>8} {'tests':>6} {'failed':>6}"]
    lines += [
        f"{r.number:>4} {r.exit_code:>4} {r.seconds:>8.1f} {r.tests:>6} {r.failed:>6}"
        for r in results
    ]
    if not failures:
        lines.append(f"No test failed in {len(results)} run(s).")
        return "\n".join(lines)
    lines.append(f"{len(failures)} test(s) failed at least once in {len(results)} run(s):")
    for failure in sorted(failures.values(), key=lambda f: -len(f.runs)):
        lines.append(
            f"\n== {failure.test_id}: failed {len(failure.runs)}/{len(results)} "
            f"(runs {', '.join(map(str, failure.runs))}); first failure:"
        )
        lines += failure.first_output.splitlines()[-OUTPUT_LINES:]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the hunt; exit 1 if any test ever failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="how many runs in a row")
    parser.add_argument("targets", nargs="*", help="pytest targets (default: the whole suite)")
    options = parser.parse_args(argv)
    results: list[RunResult] = []
    failures: dict[str, Failure] = {}
    with tempfile.TemporaryDirectory(prefix="tsunagu-flakes-") as folder:
        for number in range(1, options.runs + 1):
            print(f"--- run {number}/{options.runs}", flush=True)
            result, problems = run_once(number, options.targets, Path(folder))
            results.append(result)
            for test_id, output in problems:
                failures.setdefault(test_id, Failure(test_id, output)).runs.append(number)
    print(summary(results, failures))
    return 1 if failures or any(r.exit_code not in (0, 5) for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
