"""The export formats of the audit log: JSON lines (verifiable offline) and CSV (for reading)."""

from __future__ import annotations

import csv
import io
import json
from typing import Final

from .record import AuditRecord, UnreadableRecord, read_record

CSV_COLUMNS: Final = tuple(AuditRecord.model_fields)


def jsonl_line(record: AuditRecord) -> str:
    """One record as a JSON line, with every field needed to verify it."""
    return json.dumps(record.model_dump(), ensure_ascii=False, separators=(",", ":")) + "\n"


def read_jsonl_line(line: str) -> AuditRecord:
    """Parse one JSON line of an export, raising UnreadableRecord when it is not a record."""
    try:
        fields = json.loads(line)
    except ValueError as exc:
        raise UnreadableRecord(f"not JSON: {exc}") from exc
    if not isinstance(fields, dict):
        raise UnreadableRecord("not a JSON object")
    return read_record(fields)


def csv_header() -> str:
    """The header row of a CSV export."""
    return _csv_row(list(CSV_COLUMNS))


def csv_line(record: AuditRecord) -> str:
    """One record as a CSV row; agency ids are separated by spaces."""
    values = record.model_dump()
    values["agency_ids"] = " ".join(record.agency_ids)
    return _csv_row(["" if values[c] is None else str(values[c]) for c in CSV_COLUMNS])


def _csv_row(cells: list[str]) -> str:
    """Encode one CSV row with CRLF line ending, as RFC 4180 says."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()
