"""Ed25519 note signatures (signature type 0x01), with keys from the `cryptography` library."""

from __future__ import annotations

from typing import Final, Generic, Protocol, TypeVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .format import key_id

ED25519: Final = 0x01
PUBLIC_KEY_SIZE: Final = 32
SIGNATURE_SIZE: Final = 64


class NamedVerifier(Protocol):
    """What a signing key needs of its verifier: the name and key ID it signs under."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> bytes: ...


VerifierT = TypeVar("VerifierT", bound=NamedVerifier)


def raw_public_key(public_key: Ed25519PublicKey) -> bytes:
    """The 32-byte RFC 8032 encoding of a public key."""
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


class Ed25519NoteVerifier:
    """A trusted Ed25519 key that checks note signatures made under its name."""

    signature_type: Final = ED25519

    def __init__(self, name: str, public_key: bytes) -> None:
        if len(public_key) != PUBLIC_KEY_SIZE:
            raise ValueError(f"an Ed25519 public key is {PUBLIC_KEY_SIZE} bytes")
        self._name = name
        self._public_key = public_key
        self._key = Ed25519PublicKey.from_public_bytes(public_key)
        self._key_id = key_id(name, ED25519, public_key)

    @property
    def name(self) -> str:
        """The key name its signatures carry."""
        return self._name

    @property
    def key_id(self) -> bytes:
        """SHA-256(name || 0x0A || 0x01 || public key)[:4]."""
        return self._key_id

    @property
    def public_key(self) -> bytes:
        """The 32-byte public key."""
        return self._public_key

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Whether `signature` is this key's Ed25519 signature of the note text."""
        if len(signature) != SIGNATURE_SIZE:
            return False
        try:
            self._key.verify(signature, text)
        except InvalidSignature:
            return False
        return True


class SigningKey(Generic[VerifierT]):
    """A private key, and the verifier that publishes its public half under a key name."""

    def __init__(self, private_key: Ed25519PrivateKey, verifier: VerifierT) -> None:
        self._private_key = private_key
        self._verifier = verifier

    @property
    def name(self) -> str:
        """The key name written on the signature line."""
        return self._verifier.name

    @property
    def key_id(self) -> bytes:
        """The key ID written before the signature."""
        return self._verifier.key_id

    def verifier(self) -> VerifierT:
        """The matching verifier, to publish as a verifier key."""
        return self._verifier


class Ed25519NoteSigner(SigningKey[Ed25519NoteVerifier]):
    """An Ed25519 private key that signs note texts under a key name."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        public_key = raw_public_key(private_key.public_key())
        super().__init__(private_key, Ed25519NoteVerifier(name, public_key))

    def sign(self, text: bytes) -> bytes:
        """The Ed25519 signature of a note text."""
        return self._private_key.sign(text)
