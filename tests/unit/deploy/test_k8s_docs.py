"""The commands deploy/k8s/README.md gives do what it says."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

from services.directory.identity.adapters.key_files import SigningKeyFiles
from tests.unit.deploy.k8s import K8S, REPO


def _issuer_key_command() -> list[str]:
    """The `uv run python -c …` line under the README's issuer-key marker."""
    text = (K8S / "README.md").read_text()
    block = text.split("<!-- issuer-key-command -->", 1)[1].split("```sh\n", 1)[1]
    return shlex.split(block.splitlines()[0])


def test_the_documented_issuer_key_command_makes_one_private_key_the_directory_loads(
    tmp_path: Path,
) -> None:
    command = _issuer_key_command()
    assert command[:4] == ["uv", "run", "python", "-c"]

    subprocess.run(
        [sys.executable, *command[3:]],
        cwd=tmp_path,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        check=True,
        timeout=60,
    )

    files = list((tmp_path / "issuer-keys").glob("*.json"))
    assert len(files) == 1
    assert files[0].stat().st_mode & 0o777 == 0o600
    (key,) = SigningKeyFiles(tmp_path / "issuer-keys").load()
    assert files[0].name == f"{key.kid}.json"
    assert key.private_jwk["crv"] == "P-256"
