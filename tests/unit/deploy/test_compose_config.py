"""`docker-compose config` accepts docker-compose.yml (Docker's engine is not needed for it)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.unit.deploy.k8s import REPO, tool

COMPOSE = REPO / "docker-compose.yml"


def _required_variables() -> set[str]:
    """The variables compose refuses to start without (`${NAME:?…}`)."""
    return set(re.findall(r"\$\{([A-Z_]+):\?", COMPOSE.read_text()))


def _config(folder: Path, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool("docker-compose"), "--project-directory", str(folder), "config", "--quiet"],
        cwd=folder,
        env={"PATH": "/usr/bin:/bin", "HOME": str(folder), **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder holding a copy of the compose file."""
    shutil.copy(COMPOSE, tmp_path / "docker-compose.yml")
    return tmp_path


def test_the_compose_file_is_valid_once_its_secrets_are_given(project: Path) -> None:
    given = dict.fromkeys(_required_variables(), "stand-in")
    assert "TSUNAGU_REFERRALS_SUBJECT_KEY" in given

    done = _config(project, given)

    assert done.returncode == 0, done.stderr


def test_compose_refuses_to_run_without_a_password(project: Path) -> None:
    given = dict.fromkeys(_required_variables() - {"TSUNAGU_KAFKA_AUDIT_PASSWORD"}, "stand-in")

    done = _config(project, given)

    assert done.returncode != 0
    assert "TSUNAGU_KAFKA_AUDIT_PASSWORD" in done.stderr


def test_a_compose_file_with_an_unknown_option_is_refused(project: Path) -> None:
    compose = project / "docker-compose.yml"
    compose.write_text(compose.read_text().replace("    image: mongo:", "    imag: mongo:", 1))

    done = _config(project, dict.fromkeys(_required_variables(), "stand-in"))

    assert done.returncode != 0
    assert "imag" in done.stderr
