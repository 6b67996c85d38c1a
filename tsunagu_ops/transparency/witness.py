"""A witness: cosigns the log's checkpoints only while each extends the last one it cosigned.

It keeps its own key and a small state file (the size, root and text of the last checkpoint it
cosigned), fetches the latest checkpoint over HTTP, checks the log's signature and a consistency
proof from its last size, adds a C2SP tlog-cosignature and posts the note back to the log.
"""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from services.audit import Checkpoint, Cosigner, Ed25519NoteVerifier

from .remote import AUDIT, LogClient, ProofFailed, check_consistency, opened


class Refused(ValueError):
    """A checkpoint the witness will not cosign; the message says why."""


@dataclass(frozen=True)
class Cosigned:
    """The last checkpoint the witness cosigned."""

    size: int
    root_hash: bytes

    @classmethod
    def load(cls, path: Path) -> Cosigned | None:
        """The state kept in `path`, or None before the first cosignature."""
        if not path.exists():
            return None
        kept = json.loads(path.read_text(encoding="utf-8"))
        return cls(int(kept["size"]), base64.b64decode(kept["root_hash"]))

    def save(self, path: Path, note: str) -> None:
        """Replace the state in `path` at once (never half written)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(path.suffix + ".partial")
        kept = {
            "size": self.size,
            "root_hash": base64.b64encode(self.root_hash).decode(),
            "checkpoint": note,
        }
        partial.write_text(json.dumps(kept, indent=2) + "\n", encoding="utf-8")
        os.replace(partial, path)


class Witness:
    """One witness of one log: checks and cosigns its checkpoints, one round at a time."""

    def __init__(
        self,
        *,
        log: LogClient,
        log_key: Ed25519NoteVerifier,
        cosigner: Cosigner,
        state_file: Path,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._log = log
        self._log_key = log_key
        self._cosigner = cosigner
        self._state_file = state_file
        self._clock = clock

    def round(self) -> str:
        """Fetch the latest checkpoint; cosign it if it extends the last one. What was done."""
        text = self._log.checkpoint_text()
        try:
            latest = opened(text, self._log_key)
        except ProofFailed as exc:
            raise Refused(str(exc)) from exc
        checkpoint = latest.checkpoint
        last = Cosigned.load(self._state_file)
        if last is not None and last.size == checkpoint.size:
            if last.root_hash != checkpoint.root_hash:
                raise Refused(f"the log shows a second, different root for size {last.size}")
            return f"size {last.size} already cosigned"
        if last is not None:
            self._check_extends(last, checkpoint)
        cosigned = self._cosigner.cosign(latest.note, int(self._clock()))
        self._post(cosigned.render())
        Cosigned(checkpoint.size, checkpoint.root_hash).save(self._state_file, cosigned.render())
        return f"cosigned size {checkpoint.size}"

    def _check_extends(self, last: Cosigned, checkpoint: Checkpoint) -> None:
        """Refuse a checkpoint that is smaller than, or inconsistent with, the last cosigned."""
        if checkpoint.size < last.size:
            raise Refused(
                f"the checkpoint of size {checkpoint.size} is smaller than the size {last.size} "
                "already cosigned: the log lost records"
            )
        previous = Checkpoint(checkpoint.origin, last.size, last.root_hash)
        try:
            check_consistency(self._log, previous, checkpoint)
        except ProofFailed as exc:
            raise Refused(f"the checkpoint does not extend what was cosigned: {exc}") from exc

    def _post(self, note: str) -> None:
        """Give the cosigned checkpoint to the log."""
        url = f"{self._log.base_url.rstrip('/')}{AUDIT}/checkpoint/cosignatures"
        response = self._log.http.post(
            url, content=note.encode("utf-8"), headers={"Content-Type": "text/plain"}
        )
        if response.status_code != 200:
            raise ProofFailed(f"the log refused the cosignature: {response.text}")
