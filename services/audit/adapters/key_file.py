"""An Ed25519 private key in a PEM file readable by its owner only, created on first use."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)


class KeyFileProblem(RuntimeError):
    """A key file that is missing, open to other users, or not an Ed25519 private key."""


def load_key(path: Path) -> Ed25519PrivateKey:
    """Read the key, refusing a file other users may read or write."""
    if not path.is_file():
        raise KeyFileProblem(f"no key file at {path}")
    if path.stat().st_mode & 0o077:
        raise KeyFileProblem(f"the key file {path} is open to other users (chmod 600)")
    key = load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileProblem(f"{path} does not hold an Ed25519 private key")
    return key


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """Read the key, or make a new one there (folder 0700, file 0600) when there is none."""
    if path.exists():
        return load_key(path)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # made by another process meanwhile: use that one
        return load_key(path)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())
    return key
