"""Verifying an export offline: signed checkpoints checked, the tree recomputed from the lines."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from services.audit import (
    CosignatureVerifier,
    Ed25519NoteVerifier,
    MalformedCheckpoint,
    MalformedNote,
    NoteRejected,
    OpenedCheckpoint,
    Verification,
    open_checkpoint,
    verify_export,
)

from .keys import BadInput


@dataclass(frozen=True)
class ExportCheck:
    """What verifying an export found, and the checkpoints it was checked against."""

    verification: Verification
    checkpoints: list[OpenedCheckpoint]

    def summary(self) -> str:
        """One line for the auditor: ok with the root, or the first bad index and why."""
        result = self.verification
        if not result.ok:
            if result.first_bad_seq is None:
                return f"bad: {result.reason}"
            index = result.first_bad_seq - 1
            return f"bad: first bad index {index} (seq {result.first_bad_seq}): {result.reason}"
        root = base64.b64encode(result.root_hash or b"").decode()
        signed = ", ".join(_described(c) for c in self.checkpoints) or "no checkpoint given"
        return f"ok: {result.records} records, root {root}; matches {signed}"


def _described(opened: OpenedCheckpoint) -> str:
    """`size N (signed by the log, cosigned by w1, w2)`."""
    log_name = opened.checkpoint.origin
    cosigners = sorted({s.name for s in opened.verified.verified if s.name != log_name})
    cosigned = f", cosigned by {', '.join(cosigners)}" if cosigners else ""
    return f"checkpoint of size {opened.checkpoint.size} (signed by {log_name}{cosigned})"


def open_checkpoint_file(
    path: Path, log_key: Ed25519NoteVerifier, witnesses: Sequence[CosignatureVerifier]
) -> OpenedCheckpoint:
    """A checkpoint file checked: the log's signature and each given witness's must hold."""
    try:
        opened = open_checkpoint(path.read_bytes(), log_key, cosigners=witnesses)
    except (MalformedNote, MalformedCheckpoint, NoteRejected) as exc:
        raise BadInput(f"{path}: the checkpoint does not verify: {exc}") from exc
    for witness in witnesses:
        if not opened.verified.signed_by(witness):
            raise BadInput(f"{path}: not cosigned by the witness {witness.name}")
    return opened


def check_export(
    export: Path,
    checkpoint_files: Sequence[Path],
    log_key: Ed25519NoteVerifier,
    witnesses: Sequence[CosignatureVerifier] = (),
) -> ExportCheck:
    """Verify the signed checkpoints, then recompute the export's tree against their roots."""
    opened = [open_checkpoint_file(p, log_key, witnesses) for p in checkpoint_files]
    opened.sort(key=lambda c: c.checkpoint.size)
    with export.open("rb") as lines:
        result = verify_export(lines, [c.checkpoint for c in opened])
    return ExportCheck(result, opened)
