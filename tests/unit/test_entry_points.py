"""Each service starts as `python -m services.<name>` does: its modules import in a fresh
interpreter, whatever is imported first (an import cycle shows only there)."""

from __future__ import annotations

import subprocess
import sys

import pytest

ENTRY_MODULES = [
    *(f"services.{name}.__main__" for name in ("directory", "referrals", "notifications")),
    "services.audit.__main__",
    "tsunagu.web.bearer",
    "tsunagu.auth",
    "tsunagu_ops.cli.main",
    "tsunagu_ops.console.__main__",
    # Tooling modules that the local stack and the Kafka access rules both reach.
    "tsunagu_ops.replay",
    "tsunagu_ops.kafka_access.operator",
    "tsunagu_ops.bench.report",
]


@pytest.mark.parametrize("module", ENTRY_MODULES)
def test_the_module_imports_first_in_a_fresh_interpreter(module: str) -> None:
    found = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, check=False
    )
    assert found.returncode == 0, found.stderr
