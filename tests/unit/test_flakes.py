"""The flake hunter reports each test that ever failed, how often, with its first output."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.flakes import main

FLAKY = """
from pathlib import Path

COUNTER = Path(__file__).with_name("count")


def test_steady():
    assert True


def test_fails_on_the_first_run_only():
    runs = int(COUNTER.read_text()) + 1 if COUNTER.exists() else 1
    COUNTER.write_text(str(runs))
    assert runs > 1, f"first-run marker {runs}"
"""


def test_a_test_failing_once_in_two_runs_is_reported_with_its_first_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "test_sample.py"
    target.write_text(FLAKY)

    exit_code = main(["--runs", "2", str(target)])

    out = capsys.readouterr().out
    assert exit_code == 1
    assert "1 test(s) failed at least once in 2 run(s)" in out
    assert "test_fails_on_the_first_run_only: failed 1/2 (runs 1)" in out
    assert "first-run marker 1" in out
    assert "test_steady" not in out.split("failed at least once")[1]


def test_a_steady_suite_reports_no_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "test_steady.py"
    target.write_text("def test_one():\n    assert 1 + 1 == 2\n")

    assert main(["--runs", "1", str(target)]) == 0
    assert "No test failed in 1 run(s)." in capsys.readouterr().out
