"""Signing keys as files: one JSON file per key, readable by the service's user only."""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from ..domain import SigningKey

KID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


class KeyFilesExposed(RuntimeError):
    """A key file can be read or written by users other than the service's own."""


class SigningKeyFiles:
    """Keeps each key as `<kid>.json` in a folder created 0700, files written 0600."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def load(self) -> list[SigningKey]:
        """Every key in the folder (none if the folder does not exist yet)."""
        if not self._folder.exists():
            return []
        exposed = [p.name for p in self._files() if p.stat().st_mode & 0o077]
        if exposed:
            raise KeyFilesExposed(f"signing keys open to other users (chmod 600): {exposed}")
        return [_from_document(json.loads(p.read_text())) for p in self._files()]

    def save(self, key: SigningKey) -> None:
        """Write the key atomically, never readable by other users even for a moment."""
        self._folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        target = self._path(key.kid)
        partial = target.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump(_to_document(key), handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, target)

    def delete(self, kid: str) -> None:
        """Remove the key's file."""
        self._path(kid).unlink(missing_ok=True)

    def _files(self) -> list[Path]:
        return sorted(self._folder.glob("*.json"))

    def _path(self, kid: str) -> Path:
        if not KID.fullmatch(kid):
            raise ValueError(f"not a key id: {kid!r}")
        return self._folder / f"{kid}.json"


def _to_document(key: SigningKey) -> dict[str, Any]:
    return {
        "kid": key.kid,
        "created_at": key.created_at.isoformat(),
        "retired_at": None if key.retired_at is None else key.retired_at.isoformat(),
        "jwk": key.private_jwk,
    }


def _from_document(document: dict[str, Any]) -> SigningKey:
    retired = document.get("retired_at")
    return SigningKey(
        kid=document["kid"],
        private_jwk=document["jwk"],
        created_at=datetime.fromisoformat(document["created_at"]),
        retired_at=None if retired is None else datetime.fromisoformat(retired),
    )
