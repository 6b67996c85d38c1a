"""The import rules of pyproject.toml's [tool.importlinter] hold for the whole code base."""

from __future__ import annotations

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]


def test_every_import_rule_is_kept(monkeypatch) -> None:
    """Runtime apart from services and tooling; services apart; the tooling on public APIs."""
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0
