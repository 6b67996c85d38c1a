"""Fetching checkpoints, leaves and proofs from a running log over HTTP, and checking them."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import httpx

from services.audit import (
    Checkpoint,
    Ed25519NoteVerifier,
    InvalidProof,
    MalformedCheckpoint,
    MalformedNote,
    NoteRejected,
    OpenedCheckpoint,
    leaf_hash,
    open_checkpoint,
    verify_consistency,
    verify_inclusion,
)

AUDIT = "/v1/audit"


class ProofFailed(ValueError):
    """A proof, checkpoint or answer of the log that does not hold; the message says why."""


@dataclass(frozen=True)
class LogClient:
    """The verifiable log of an audit service at `base_url`, read with `http`."""

    http: httpx.Client
    base_url: str

    def checkpoint_text(self) -> str:
        """The latest signed checkpoint, as served."""
        return self._get("/checkpoint").text

    def leaf(self, index: int) -> bytes:
        """The bytes of leaf `index`."""
        return self._get(f"/leaves/{index}").content

    def inclusion(self, index: int, tree_size: int) -> dict[str, Any]:
        """The inclusion proof of leaf `index` in the tree of `tree_size` leaves."""
        answer = self._get("/proofs/inclusion", index=index, tree_size=tree_size).json()
        return dict(answer)

    def consistency(self, first: int, second: int) -> list[bytes]:
        """The consistency proof from size `first` to size `second`, decoded."""
        answer = self._get("/proofs/consistency", first=first, second=second).json()
        return _hashes(answer)

    def _get(self, path: str, **params: int) -> httpx.Response:
        response = self.http.get(f"{self.base_url.rstrip('/')}{AUDIT}{path}", params=params)
        if response.status_code != 200:
            raise ProofFailed(f"GET {AUDIT}{path} answered {response.status_code}: {response.text}")
        return response


def opened(text: str | bytes, log_key: Ed25519NoteVerifier) -> OpenedCheckpoint:
    """A checkpoint whose log signature holds, or ProofFailed."""
    try:
        return open_checkpoint(text, log_key)
    except (MalformedNote, MalformedCheckpoint, NoteRejected) as exc:
        raise ProofFailed(f"the checkpoint does not verify: {exc}") from exc


def check_inclusion(log: LogClient, index: int, checkpoint: Checkpoint) -> int:
    """Check that leaf `index`, as served, is in the checkpoint's tree; the proof's length."""
    hashed = leaf_hash(log.leaf(index))
    answer = log.inclusion(index, checkpoint.size)
    hashes = _hashes(answer)
    try:
        verify_inclusion(index, checkpoint.size, hashed, hashes, checkpoint.root_hash)
    except InvalidProof as exc:
        raise ProofFailed(
            f"leaf {index} is not proved in the signed tree of size {checkpoint.size}: {exc}"
        ) from exc
    return len(hashes)


def check_consistency(log: LogClient, old: Checkpoint, new: Checkpoint) -> int:
    """Check that the new checkpoint's tree extends the old one's; the proof's length."""
    if old.size == 0:
        return 0  # every tree extends the empty one: there is nothing to prove
    if new.size < old.size:
        raise ProofFailed(f"the new checkpoint ({new.size}) is smaller than the old ({old.size})")
    hashes = log.consistency(old.size, new.size) if new.size > old.size else []
    try:
        verify_consistency(old.size, new.size, old.root_hash, new.root_hash, hashes)
    except InvalidProof as exc:
        raise ProofFailed(
            f"the tree of size {new.size} does not extend the signed tree of size {old.size}: {exc}"
        ) from exc
    return len(hashes)


def _hashes(answer: dict[str, Any]) -> list[bytes]:
    """The base64 `hashes` of a proof answer, decoded."""
    try:
        return [base64.b64decode(h, validate=True) for h in answer["hashes"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise ProofFailed(f"the proof is not a list of base64 hashes: {exc}") from exc
