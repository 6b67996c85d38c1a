"""Which store server a stack runs: the Rust one by default, the Python one without cargo, and a
data folder kept with the server that wrote it."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from rich.console import Console

from tsunagu_ops.localstack import secantus_rs, store_server
from tsunagu_ops.localstack.errors import LocalStackError
from tsunagu_ops.localstack.layout import StackLayout
from tsunagu_ops.localstack.stack import wipe
from tsunagu_ops.localstack.store_server import PYTHON, RUST, SERVER_ENV, StoreServer


@pytest.fixture
def layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> StackLayout:
    """A stack in a temporary folder whose tool cache is empty, no server asked for."""
    monkeypatch.setenv(secantus_rs.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv(SERVER_ENV, raising=False)
    return StackLayout(home=tmp_path, root=tmp_path / "stack")


def _built(cache: Path) -> Path:
    """Put an executable where the built server goes, as a finished build leaves it."""
    binary = secantus_rs.binary_path(cache)
    binary.parent.mkdir(parents=True)
    binary.write_text("#!/bin/sh\n")
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR)
    return binary


def _fake_cargo(folder: Path, script: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    cargo = folder / "cargo"
    cargo.write_text("#!/bin/sh\n" + script)
    cargo.chmod(0o755)
    return cargo


def test_a_fresh_data_folder_gets_the_rust_server_once_it_is_built(
    layout: StackLayout, tmp_path: Path
) -> None:
    binary = _built(tmp_path / "cache")
    server = store_server.prepare(layout, Console(quiet=True))
    assert (server.kind, server.version, server.note) == (RUST, secantus_rs.VERSION, "")
    command = store_server.command(layout, server)
    assert command[0] == str(binary)
    assert "--sync-on-commit" in command
    assert command[command.index("--log-file-max") + 1] == "16MB"
    assert command[command.index("--write-tickets") + 1] == str(store_server.WRITE_TICKETS)
    assert "--standalone" in command
    assert command[command.index("--storage-path") + 1] == str(layout.store_data)
    assert command[command.index("--port") + 1] == str(layout.store_port)
    assert store_server.recorded_server(layout) == server


def test_without_cargo_the_python_server_runs_and_says_why(
    layout: StackLayout, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(secantus_rs, "find_cargo", lambda: None)
    server = store_server.prepare(layout, Console(quiet=True))
    assert server.kind == PYTHON
    assert "cargo is not installed" in server.note
    assert "Python server, --standalone" in server.describe()
    command = store_server.command(layout, server)
    assert "--standalone" in command
    assert "--sync-on-commit" in command
    # status reads what was recorded
    assert store_server.recorded_server(layout) == server


def test_asking_for_the_rust_server_without_cargo_fails_instead_of_falling_back(
    layout: StackLayout, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(secantus_rs, "find_cargo", lambda: None)
    monkeypatch.setenv(SERVER_ENV, "rust")
    with pytest.raises(LocalStackError, match="cargo is not installed"):
        store_server.prepare(layout, Console(quiet=True))


def test_an_unknown_server_name_is_refused_with_the_names_that_work(
    layout: StackLayout, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SERVER_ENV, "mongod")
    with pytest.raises(LocalStackError, match="rust, python"):
        store_server.prepare(layout, Console(quiet=True))


def test_data_written_before_the_choice_was_recorded_stays_with_the_python_server(
    layout: StackLayout, tmp_path: Path
) -> None:
    _built(tmp_path / "cache")
    layout.store_data.mkdir(parents=True)
    (layout.store_data / "WiredTiger").write_text("written by the Python server")
    server = store_server.prepare(layout, Console(quiet=True))
    assert server.kind == PYTHON
    assert "--fresh" in server.note


def test_asking_for_another_server_than_the_data_belongs_to_needs_a_fresh_folder(
    layout: StackLayout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _built(tmp_path / "cache")
    store_server.prepare(layout, Console(quiet=True))
    monkeypatch.setenv(SERVER_ENV, "python")
    with pytest.raises(LocalStackError, match="belongs to the rust server"):
        store_server.prepare(layout, Console(quiet=True))
    wipe(layout)
    assert store_server.recorded_server(layout) is None
    assert store_server.prepare(layout, Console(quiet=True)).kind == PYTHON


def test_a_failed_build_keeps_its_log_and_the_python_server_runs(
    layout: StackLayout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cargo = _fake_cargo(
        tmp_path / "bin", 'echo "   Compiling wiredtiger"\necho "error: boom"\nexit 101\n'
    )
    monkeypatch.setattr(secantus_rs, "find_cargo", lambda: cargo)
    server = store_server.prepare(layout, Console(quiet=True))
    assert server.kind == PYTHON
    assert "exit 101" in server.note
    log = secantus_rs.install_root().with_name(secantus_rs.install_root().name + "-build.log")
    assert "error: boom" in log.read_text()
    assert not secantus_rs.binary_path().exists()


def test_a_build_lands_in_the_cache_in_one_step_with_the_pinned_version(
    layout: StackLayout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    arguments = tmp_path / "arguments"
    script = (
        f'echo "$@" > {arguments}\n'
        'root=""; while [ $# -gt 0 ]; do [ "$1" = --root ] && root="$2"; shift; done\n'
        'mkdir -p "$root/bin"; printf "#!/bin/sh\\n" > "$root/bin/secantusd-rs"\n'
        'chmod +x "$root/bin/secantusd-rs"; echo "   Compiling secantus-mdb"\n'
    )
    monkeypatch.setattr(secantus_rs, "find_cargo", lambda: _fake_cargo(tmp_path / "bin", script))
    server = store_server.prepare(layout, Console(quiet=True))
    assert server.kind == RUST
    called = arguments.read_text().split()
    assert called[:4] == ["install", secantus_rs.CRATE, "--version", secantus_rs.VERSION]
    assert {"--locked", "--ignore-rust-version"} <= set(called)
    assert os.access(secantus_rs.binary_path(), os.X_OK)
    assert (
        not secantus_rs.install_root()
        .with_name(secantus_rs.install_root().name + ".partial")
        .exists()
    )
    # a second start finds it and builds nothing
    arguments.unlink()
    assert store_server.prepare(layout, Console(quiet=True)).kind == RUST
    assert not arguments.exists()


def test_the_cache_is_outside_the_clone_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(secantus_rs.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/var/cache/someone")
    assert secantus_rs.tool_cache() == Path("/var/cache/someone/tsunagu")


def test_progress_says_how_long_the_build_takes_and_how_far_it_is() -> None:
    line = secantus_rs.progress_line(57, 130)
    assert "once, about 8 minutes" in line
    assert "57 crates compiled, 2:10 so far" in line


def test_the_recorded_choice_is_read_back_as_written(layout: StackLayout) -> None:
    server = StoreServer(PYTHON, "0.7.0b3", "fallback: cargo is not installed")
    path = store_server.choice_file(layout)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(vars(server)))
    assert store_server.recorded_server(layout) == server
