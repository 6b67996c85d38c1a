"""A referral's personal data sealed at rest (envelope encryption, AES-256-GCM).

Every referral has its own random data key, kept in `subject_keys` wrapped by the service's
key-encryption key (`SecretBox`); the person's data — the subject, the note, the basis
reference, the leg comments and the outcome comment — is stored only as one value sealed with
that data key and bound to the referral's id, so a sealed value copied onto another referral
does not open. Destroying a referral's data key makes every stored copy unreadable at once.

An erased referral's document keeps no sealed value and says so (`erasure`): it is read, by
any replica whatever keys it still caches, with the person's data absent, and written again
without a key being made for it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.referrals.settings import ReferralsSettings
from tsunagu.caches import LastUsed
from tsunagu.sealing import KeyUnusable, SecretBox, load_key

SUBJECT_KEYS: Final = "subject_keys"
SEALED: Final = "sealed"
ERASURE: Final = "erasure"
NOTHING_PERSONAL: Final[dict[str, Any]] = {
    "subject": None,
    "note": None,
    "outcome_comment": None,
    "basis_reference": None,
    "leg_comments": [],
    "leg_basis_references": [],
}
CACHED_KEYS: Final = 10_000


class SubjectUnreadable(RuntimeError):
    """A referral's personal data cannot be opened: its key is gone or the value is not its own."""


def split_personal(document: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The stored document without the person's data, and that data apart: the subject, the
    note, the outcome comment, and the reference and comment of the referral's and each leg's
    basis (a meeting's minutes name the person)."""
    public = dict(document)
    basis = dict(public.get("basis") or {})
    legs = [dict(leg) for leg in public.get("legs", [])]
    leg_bases = [dict(leg.get("basis") or {}) for leg in legs]
    personal = {
        "subject": public.pop("subject", None),
        "note": public.pop("note", None),
        "outcome_comment": public.pop("outcome_comment", None),
        "basis_reference": basis.pop("reference", None),
        "leg_comments": [leg.pop("comment", None) for leg in legs],
        "leg_basis_references": [leg_basis.pop("reference", None) for leg_basis in leg_bases],
    }
    for leg, leg_basis in zip(legs, leg_bases, strict=True):
        if "basis" in leg:
            leg["basis"] = leg_basis
    public["basis"], public["legs"] = basis, legs
    return public, personal


def merge_personal(public: Mapping[str, Any], personal: Mapping[str, Any]) -> dict[str, Any]:
    """The whole document again, from `split_personal`'s two parts."""
    document = dict(public)
    document["subject"] = personal["subject"]
    document["note"] = personal["note"]
    document["outcome_comment"] = personal["outcome_comment"]
    document["basis"] = {**document["basis"], "reference": personal["basis_reference"]}
    comments, references = personal["leg_comments"], personal["leg_basis_references"]
    legs = []
    for number, stored in enumerate(document["legs"]):
        leg = {**stored, "comment": comments[number] if number < len(comments) else None}
        if "basis" in leg:
            reference = references[number] if number < len(references) else None
            leg["basis"] = {**leg["basis"], "reference": reference}
        legs.append(leg)
    document["legs"] = legs
    return document


def subject_key(settings: ReferralsSettings) -> bytes:
    """The key-encryption key: from the setting, or the key file (made in development)."""
    return load_key(
        value=settings.subject_key,
        path=settings.subject_key_path(),
        environment=settings.environment,
        what="referral subject key",
    )


class SubjectVault:
    """Seals and opens the person's data of referral documents, one data key per referral."""

    @classmethod
    def over(cls, database: AsyncDatabase[dict[str, Any]], key: bytes) -> SubjectVault:
        """The vault keeping its data keys in `database`, wrapped under `key`."""
        return cls(keys=database[SUBJECT_KEYS], master=SecretBox(key, what="referral subject key"))

    def __init__(self, *, keys: AsyncCollection[dict[str, Any]], master: SecretBox) -> None:
        self._keys, self._master = keys, master
        self._cache: LastUsed[SecretBox] = LastUsed(CACHED_KEYS)

    def replica(self) -> SubjectVault:
        """The vault another replica of the service would have: same keys, its own cache."""
        return SubjectVault(keys=self._keys, master=self._master)

    async def seal(
        self, referral_id: str, document: Mapping[str, Any], *, new: bool = False
    ) -> dict[str, Any]:
        """The document to store: the person's data replaced by one sealed value. For a `new`
        referral the data key is made without looking for one first (a key already there,
        from a creation retried, still wins)."""
        public, personal = split_personal(document)
        if public.get(ERASURE) is not None:
            return public  # whatever personal data the document still held is dropped
        box = await self._box(referral_id, create=True, new=new)
        plaintext = json.dumps(personal, separators=(",", ":"), default=str).encode()
        public[SEALED] = box.seal(plaintext, context=_context(referral_id))
        return public

    async def open(self, referral_id: str, document: Mapping[str, Any]) -> dict[str, Any]:
        """The stored document with the person's data opened again. A document written before
        sealing began has no sealed value and is read as it is (sealed when next written)."""
        if document.get(ERASURE) is not None:
            public = {k: v for k, v in document.items() if k != SEALED}
            return merge_personal(public, NOTHING_PERSONAL)
        if SEALED not in document and "subject" in document:
            return dict(document)
        public = {k: v for k, v in document.items() if k != SEALED}
        box = await self._box(referral_id, create=False)
        try:
            plaintext = box.open(bytes(document[SEALED]), context=_context(referral_id))
        except (KeyError, KeyUnusable) as exc:
            raise SubjectUnreadable(f"the person's data of {referral_id} does not open") from exc
        return merge_personal(public, json.loads(plaintext))

    async def destroy(self, referral_id: str) -> bool:
        """Delete the referral's data key (and forget it here); tell whether one was kept."""
        self._cache.pop(referral_id)
        result = await self._keys.delete_one({"_id": referral_id})
        return result.deleted_count == 1

    async def _box(self, referral_id: str, *, create: bool, new: bool = False) -> SecretBox:
        if (cached := self._cache.get(referral_id)) is not None:
            return cached
        if new:  # no key can be kept yet unless a creation is retried, which `_new_key` finds
            stored = await self._new_key(referral_id)
        else:
            stored = await self._keys.find_one({"_id": referral_id})
        if stored is None and create:
            stored = await self._new_key(referral_id)
        if stored is None:
            raise SubjectUnreadable(f"no data key is kept for {referral_id}")
        try:
            key = self._master.open(bytes(stored["wrapped"]), context=_key_context(referral_id))
        except KeyUnusable as exc:
            raise SubjectUnreadable(f"the data key of {referral_id} does not unwrap") from exc
        box = SecretBox(key, what="referral data key")
        self._cache.put(referral_id, box)
        return box

    async def _new_key(self, referral_id: str) -> dict[str, Any] | None:
        """Keep a new wrapped data key; the first writer wins when two race."""
        key = AESGCM.generate_key(bit_length=256)
        document = {
            "_id": referral_id,
            "wrapped": self._master.seal(key, context=_key_context(referral_id)),
            "created_at": datetime.now(UTC),
        }
        try:
            await self._keys.insert_one(document)
        except DuplicateKeyError:
            return await self._keys.find_one({"_id": referral_id})
        return document


def _context(referral_id: str) -> str:
    return f"tsunagu/referral-subject/{referral_id}"


def _key_context(referral_id: str) -> str:
    return f"tsunagu/referral-data-key/{referral_id}"
