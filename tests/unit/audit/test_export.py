"""Exports of the audit log, verified offline by `tsunagu audit verify`."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import typer
from typer.testing import CliRunner

from services.audit.domain import GENESIS, AuditRecord, ObservedEvent, next_record
from services.audit.domain.export import csv_header, csv_line, jsonl_line, read_jsonl_line
from tsunagu_ops.cli import audit
from tsunagu_schemas.topics import DIRECTORY_EVENTS


def records(count: int) -> list[AuditRecord]:
    """A valid chain of agency events."""
    made: list[AuditRecord] = []
    head = GENESIS
    for number in range(1, count + 1):
        event = ObservedEvent(
            event_id=f"e-{number}",
            type="tsunagu.agency.updated",
            source="urn:tsunagu:directory",
            subject="agency-a",
            time=datetime(2026, 4, 1, tzinfo=UTC),
            topic=DIRECTORY_EVENTS,
            data={"agency_id": "agency-a", "version": number},
        )
        made.append(next_record(event, head=head))
        head = made[-1].head
    return made


def cli() -> typer.Typer:
    """A command line with only the audit commands."""
    app = typer.Typer()
    audit.register(app)
    return app


def test_a_jsonl_line_reads_back_as_the_same_record() -> None:
    record = records(1)[0]
    assert read_jsonl_line(jsonl_line(record)) == record


def test_a_csv_export_has_one_row_per_record_under_a_header() -> None:
    chain = records(2)
    text = csv_header() + "".join(csv_line(r) for r in chain)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [int(r["seq"]) for r in rows] == [1, 2]
    assert rows[1]["hash"] == chain[1].hash
    assert rows[0]["agency_ids"] == "agency-a"


def test_the_cli_accepts_an_intact_export(tmp_path: Path) -> None:
    chain = records(3)
    export = tmp_path / "audit.jsonl"
    export.write_text("".join(jsonl_line(r) for r in chain), encoding="utf-8")
    result = CliRunner().invoke(cli(), ["audit", "verify", str(export)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"ok: 3 records, head seq 3 hash {chain[-1].hash}"


def test_the_cli_rejects_an_export_with_an_edited_line(tmp_path: Path) -> None:
    lines = [json.loads(jsonl_line(r)) for r in records(3)]
    lines[1]["actor"] = "someone-else"
    export = tmp_path / "audit.jsonl"
    export.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = CliRunner().invoke(cli(), ["audit", "verify", str(export)])
    assert result.exit_code == 1
    assert "first bad seq 2" in result.output


def test_the_cli_rejects_an_unreadable_line_at_its_seq(tmp_path: Path) -> None:
    chain = records(3)
    export = tmp_path / "audit.jsonl"
    export.write_text(jsonl_line(chain[0]) + "{not json\n" + jsonl_line(chain[2]), encoding="utf-8")
    result = CliRunner().invoke(cli(), ["audit", "verify", str(export)])
    assert result.exit_code == 1
    assert "first bad seq 2" in result.output
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
