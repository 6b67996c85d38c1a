"""Exports of the audit log, verified offline by `tsunagu audit verify` against checkpoints."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from services.audit.domain import AuditRecord, Checkpoint, ObservedEvent, appended
from services.audit.domain.checkpoint import sign_checkpoint
from services.audit.domain.export import csv_header, csv_line, jsonl_line, read_jsonl_line
from services.audit.domain.merkle import Frontier, tree_root
from services.audit.domain.signed_note import (
    Cosigner,
    Ed25519NoteSigner,
    parse_note,
    verifier_key,
)
from tsunagu_ops.cli import audit
from tsunagu_schemas.topics import DIRECTORY_EVENTS

ORIGIN = "tsunagu.test/audit"
LOG_KEY = Ed25519NoteSigner(ORIGIN, Ed25519PrivateKey.generate())
VKEY = verifier_key(LOG_KEY.verifier())


def records(count: int) -> list[AuditRecord]:
    """A log of agency events."""
    events = [
        ObservedEvent(
            event_id=f"e-{number}",
            type="tsunagu.agency.updated",
            source="urn:tsunagu:directory",
            subject="agency-a",
            time=datetime(2026, 4, 1, tzinfo=UTC),
            topic=DIRECTORY_EVENTS,
            data={"agency_id": "agency-a", "version": number, "name": "つなぐ"},
        )
        for number in range(1, count + 1)
    ]
    return [entry.record for entry in appended(events, Frontier())]


def cli() -> typer.Typer:
    """A command line with only the audit commands."""
    app = typer.Typer()
    audit.register(app)
    return app


def write(tmp_path: Path, log: list[AuditRecord], *, signed_size: int | None = None) -> list[str]:
    """The export and a checkpoint of its first `signed_size` records, as files; CLI args."""
    export = tmp_path / "audit.jsonl"
    export.write_text("".join(jsonl_line(r) for r in log), encoding="utf-8")
    size = len(log) if signed_size is None else signed_size
    root = tree_root(r.leaf() for r in log[:size])
    note = sign_checkpoint(Checkpoint(ORIGIN, size, root), LOG_KEY)
    checkpoint = tmp_path / "checkpoint.txt"
    checkpoint.write_text(note.render(), encoding="utf-8")
    return ["audit", "verify", str(export), "--checkpoint", str(checkpoint), "--key", VKEY]


def test_a_jsonl_line_is_the_leaf_and_reads_back_as_the_same_record() -> None:
    record = records(1)[0]
    line = jsonl_line(record)
    assert line.encode("utf-8") == record.leaf() + b"\n"
    assert read_jsonl_line(line) == record


def test_a_csv_export_has_one_row_per_record_under_a_header() -> None:
    log = records(2)
    text = csv_header() + "".join(csv_line(r) for r in log)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [int(r["seq"]) for r in rows] == [1, 2]
    assert json.loads(rows[1]["data"])["version"] == 2
    assert rows[0]["agency_ids"] == "agency-a"


def test_the_cli_accepts_an_intact_export_matching_its_checkpoint(tmp_path: Path) -> None:
    log = records(3)
    result = CliRunner().invoke(cli(), write(tmp_path, log, signed_size=2))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: 3 records, root ")
    assert f"matches checkpoint of size 2 (signed by {ORIGIN})" in result.output


def test_the_cli_rejects_an_export_with_a_line_edited_in_canonical_form(tmp_path: Path) -> None:
    log = records(3)
    args = write(tmp_path, log)
    log[1] = log[1].model_copy(update={"actor": "someone-else"})
    Path(args[2]).write_text("".join(jsonl_line(r) for r in log), encoding="utf-8")
    result = CliRunner().invoke(cli(), args)
    assert result.exit_code == 1
    assert "do not match the signed checkpoint of size 3" in result.output
    assert "between seq 1 and seq 3" in result.output


def test_the_cli_names_an_unreadable_line_as_the_first_bad_index(tmp_path: Path) -> None:
    log = records(3)
    args = write(tmp_path, log)
    Path(args[2]).write_text(
        jsonl_line(log[0]) + "{not json\n" + jsonl_line(log[2]), encoding="utf-8"
    )
    result = CliRunner().invoke(cli(), args)
    assert result.exit_code == 1
    assert "first bad index 1 (seq 2)" in result.output
    assert "line 2" in result.output


def test_no_csv_cell_is_read_as_a_formula() -> None:
    record = records(1)[0].model_copy(
        update={"subject": '=HYPERLINK("http://evil")', "actor": "+cmd", "referral_id": "@sum"}
    )
    record = record.model_copy(update={"agency_ids": ["-2+3", "agency-b"]})
    row = next(csv.DictReader(io.StringIO(csv_header() + csv_line(record))))
    assert row["subject"] == '\'=HYPERLINK("http://evil")'
    assert (row["actor"], row["referral_id"]) == ("'+cmd", "'@sum")
    assert row["agency_ids"] == "'-2+3 agency-b"
    assert row["event_id"] == "e-1", "ordinary cells are unchanged"


def test_the_cli_refuses_a_checkpoint_signed_by_another_key(tmp_path: Path) -> None:
    args = write(tmp_path, records(2))
    other = Ed25519NoteSigner(ORIGIN, Ed25519PrivateKey.generate())
    args[-1] = verifier_key(other.verifier())
    result = CliRunner().invoke(cli(), args)
    assert result.exit_code == 1
    assert "the checkpoint does not verify" in result.output


def test_the_cli_requires_the_cosignature_of_a_named_witness(tmp_path: Path) -> None:
    args = write(tmp_path, records(2))
    witness = Cosigner("witness.test", Ed25519PrivateKey.generate())
    wanted = ["--witness", verifier_key(witness.verifier())]
    result = CliRunner().invoke(cli(), [*args, *wanted])
    assert result.exit_code == 1
    assert "not cosigned by the witness witness.test" in result.output

    checkpoint = Path(args[4])
    cosigned = witness.cosign(parse_note(checkpoint.read_text()), 1_700_000_000)
    checkpoint.write_text(cosigned.render(), encoding="utf-8")
    result = CliRunner().invoke(cli(), [*args, *wanted])
    assert result.exit_code == 0, result.output
    assert "cosigned by witness.test" in result.output
