"""The export formats of the audit log: JSON lines (verifiable offline) and CSV (for reading).

A JSON-lines export writes each record's leaf bytes, its canonical JSON, followed by a newline:
hashing a line without its newline gives the record's leaf of the log's Merkle tree.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Final

from .canonical import canonical_json
from .record import AuditRecord, UnreadableRecord, read_record

CSV_COLUMNS: Final = tuple(AuditRecord.model_fields)
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is a formula to a spreadsheet: it is quoted with `'`."""


def jsonl_line(record: AuditRecord) -> str:
    """One record as a JSON line: its leaf bytes and a newline."""
    return record.leaf().decode("utf-8") + "\n"


def read_jsonl_line(line: str | bytes) -> AuditRecord:
    """Parse one JSON line of an export, raising UnreadableRecord when it is not a record."""
    try:
        fields = json.loads(line)
    except ValueError as exc:
        raise UnreadableRecord(f"not JSON: {exc}") from exc
    if not isinstance(fields, dict):
        raise UnreadableRecord("not a JSON object")
    return read_record(fields)


def read_leaf(leaf: bytes) -> AuditRecord:
    """The record a leaf (an export line without its newline) holds, refusing non-canonical bytes.

    The tree is computed over the bytes as written, so a line re-encoded by a JSON tool no longer
    hashes to its leaf even if it says the same: this names such a line at once.
    """
    record = read_jsonl_line(leaf)
    if record.leaf() != leaf:
        raise UnreadableRecord("not in canonical JSON form (sorted keys, no spaces, UTF-8)")
    return record


def csv_header() -> str:
    """The header row of a CSV export."""
    return _csv_row(list(CSV_COLUMNS))


def csv_line(record: AuditRecord) -> str:
    """One record as a CSV row; agency ids are separated by spaces, the data is JSON; no cell
    is a formula."""
    values = record.model_dump()
    values["agency_ids"] = " ".join(record.agency_ids)
    values["data"] = canonical_json(record.data).decode("utf-8")
    cells = ["" if values[c] is None else str(values[c]) for c in CSV_COLUMNS]
    return _csv_row([neutralised(cell) for cell in cells])


def neutralised(cell: str) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading `'`."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def _csv_row(cells: list[str]) -> str:
    """Encode one CSV row with CRLF line ending, as RFC 4180 says."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()
