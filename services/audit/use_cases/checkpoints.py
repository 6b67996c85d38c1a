"""Signed checkpoints: issued as the log grows, served with the cosignatures witnesses add."""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from ..domain import Checkpoint, open_checkpoint, sign_checkpoint
from ..domain.merkle import InvalidProof, verify_consistency
from ..domain.signed_note import CosignatureVerifier, Ed25519NoteSigner, parse_note
from ..ports import CheckpointStore
from .recording import RecordEvent
from .tree import prove_consistency

log = structlog.get_logger(__name__)


class TreeForked(RuntimeError):
    """The stored tree does not extend the last signed checkpoint: it was rewritten."""


class UnknownCheckpoint(LookupError):
    """A checkpoint this log did not issue, or none issued yet."""


class NoWitnessCosignature(PermissionError):
    """A submitted checkpoint without a valid cosignature from a configured witness."""


class IssueCheckpoint:
    """Signs a checkpoint of the tree this process appends to, whenever it has grown.

    The tree is the appender's frontier in memory, so issuing reads nothing but the last
    checkpoint. When that frontier was read from the store since the last checkpoint this
    process signed (at start, or after another replica appended), the new tree is first checked
    to extend the last checkpoint by a consistency proof over the stored nodes: a log rewritten
    in the store is refused rather than signed. Replicas may all run it: the store keeps one
    checkpoint per tree size.
    """

    def __init__(
        self, *, recorder: RecordEvent, checkpoints: CheckpointStore, log_key: Ed25519NoteSigner
    ) -> None:
        self._recorder = recorder
        self._checkpoints = checkpoints
        self._key = log_key
        self._signed: tuple[Checkpoint, int] | None = None  # and the recorder's restores then

    async def __call__(self) -> bool:
        """Issue a checkpoint if the tree grew; False (no more work waiting) in every case."""
        tree = self._recorder.tree()
        if tree is None:
            return False
        latest = await self._checkpoints.latest()
        previous = open_checkpoint(latest, self._key.verifier()).checkpoint if latest else None
        if previous is not None and previous.size >= tree.size:
            return False
        checkpoint = Checkpoint(self._key.name, tree.size, tree.root())
        if previous is not None and previous.size > 0 and not self._grew_here(previous):
            await self._check_extends(previous, checkpoint)
        note = sign_checkpoint(checkpoint, self._key)
        if await self._checkpoints.add(checkpoint.size, note.render()):
            log.info("checkpoint issued", size=checkpoint.size)
            self._signed = (checkpoint, self._recorder.restores)
        return False

    def _grew_here(self, previous: Checkpoint) -> bool:
        """Whether `previous` is the last one signed here and the tree only grew here since."""
        return self._signed == (previous, self._recorder.restores)

    async def _check_extends(self, previous: Checkpoint, checkpoint: Checkpoint) -> None:
        """Refuse to sign a tree that the stored nodes do not show to extend `previous`."""
        proof = await prove_consistency(self._recorder.audit_log, previous.size, checkpoint.size)
        try:
            verify_consistency(
                previous.size,
                checkpoint.size,
                previous.root_hash,
                checkpoint.root_hash,
                proof.hashes,
            )
        except InvalidProof as exc:
            log.error(
                "refusing to sign a tree that does not extend the last checkpoint",
                size=checkpoint.size,
                last=previous.size,
                reason=str(exc),
            )
            raise TreeForked(str(exc)) from exc


async def latest_checkpoint(checkpoints: CheckpointStore) -> str:
    """The latest signed checkpoint with every cosignature kept for it."""
    latest = await checkpoints.latest()
    if latest is None:
        raise UnknownCheckpoint("no checkpoint has been issued yet")
    size = Checkpoint.from_body(parse_note(latest).text).size
    return latest + "".join(await checkpoints.cosignatures(size))


async def add_cosignatures(
    checkpoints: CheckpointStore,
    message: str | bytes,
    *,
    log_key: Ed25519NoteSigner,
    witnesses: Sequence[CosignatureVerifier],
) -> tuple[int, list[str]]:
    """Keep the configured witnesses' cosignatures of a checkpoint this log issued.

    Returns the checkpoint's size and the witnesses' names.

    Every signature from a known key must verify (C2SP rules); unknown ones are ignored.
    """
    opened = open_checkpoint(message, log_key.verifier(), cosigners=witnesses)
    size = opened.checkpoint.size
    issued = await checkpoints.at(size)
    if issued is None or parse_note(issued).text != opened.note.text:
        raise UnknownCheckpoint(f"this log issued no such checkpoint of size {size}")
    known = {(w.name, w.key_id) for w in witnesses}
    cosigned = [s for s in opened.verified.verified if (s.name, s.key_id) in known]
    if not cosigned:
        raise NoWitnessCosignature("no valid cosignature from a configured witness")
    for signature in cosigned:
        witness = f"{signature.name}+{signature.key_id.hex()}"
        await checkpoints.add_cosignature(size, witness, signature.line())
    return size, [s.name for s in cosigned]
