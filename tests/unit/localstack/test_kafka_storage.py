"""Kafka storage formatted before the stack's logins existed is refused with what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from tsunagu_ops.localstack import LocalStackError, StackLayout
from tsunagu_ops.localstack.kafka import formatted_with_credentials, prepare_kafka
from tsunagu_ops.localstack.kafka_credentials import ADMIN, credentials_path


def _formatted(tmp_path: Path, checkpoint: bytes) -> StackLayout:
    layout = StackLayout(home=tmp_path, root=tmp_path / "stack")
    layout.kafka_data.mkdir(parents=True)
    (layout.kafka_data / "meta.properties").write_text("version=1\n")
    (layout.kafka_data / "bootstrap.checkpoint").write_bytes(checkpoint)
    return layout


def test_storage_formatted_without_logins_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    layout = _formatted(tmp_path, b"\x00\x01metadata.version\x00")
    assert not formatted_with_credentials(layout)
    with pytest.raises(LocalStackError, match="tsunagu up --fresh"):
        prepare_kafka(layout, Console(quiet=True))
    assert not credentials_path(layout).exists()


def test_storage_formatted_with_the_admin_login_is_recognised(tmp_path: Path) -> None:
    layout = _formatted(tmp_path, b"\x00SCRAM\x00" + ADMIN.encode() + b"\x00")
    assert formatted_with_credentials(layout)


def test_unformatted_storage_is_not_mistaken_for_formatted(tmp_path: Path) -> None:
    layout = StackLayout(home=tmp_path, root=tmp_path / "stack")
    assert not formatted_with_credentials(layout)
