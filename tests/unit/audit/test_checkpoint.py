"""C2SP checkpoints of the audit log and tlog-cosignature v1 witness cosignatures."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.audit.domain.checkpoint import (
    DEFAULT_ORIGIN,
    Checkpoint,
    MalformedCheckpoint,
    open_checkpoint,
    sign_checkpoint,
)
from services.audit.domain.merkle import tree_root
from services.audit.domain.signed_note import (
    CosignatureVerifier,
    Cosigner,
    Ed25519NoteSigner,
    NoteRejected,
    cosignature_time,
    cosigned_message,
    parse_note,
    read_verifier_key,
    verifier_key,
)

# The examples of c2sp.org/tlog-checkpoint and c2sp.org/tlog-cosignature.
SPEC_BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
SPEC_COSIGNATURE = (
    "\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrD"
    "JsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
)
SPEC_COSIGNED_MESSAGE = "cosignature/v1\ntime 1679315147\n" + SPEC_BODY
ROOT = tree_root([b"first record", b"second record", b"third record"])
LOG = Ed25519NoteSigner(DEFAULT_ORIGIN, Ed25519PrivateKey.generate())
WITNESS = Cosigner("witness.tsunagu.local/w1", Ed25519PrivateKey.generate())


def test_the_spec_example_checkpoint_body_reads_and_writes_back_unchanged() -> None:
    checkpoint = Checkpoint.from_body(SPEC_BODY)
    assert checkpoint.origin == "example.com/behind-the-sofa"
    assert checkpoint.size == 20852163
    assert checkpoint.root_hash == base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert checkpoint.body() == SPEC_BODY


def test_the_spec_example_cosignature_carries_the_time_of_the_spec_signed_message() -> None:
    note = parse_note(SPEC_BODY + "\n" + SPEC_COSIGNATURE)
    (signature,) = note.signatures
    assert signature.key_id.hex() == "8d66cf3f"
    assert cosignature_time(signature) == 1679315147
    assert cosigned_message(SPEC_BODY.encode(), 1679315147).decode() == SPEC_COSIGNED_MESSAGE


def test_the_audit_log_checkpoint_names_the_default_origin_size_and_root() -> None:
    note = sign_checkpoint(Checkpoint(DEFAULT_ORIGIN, 3, ROOT), LOG)
    lines = note.render().split("\n")
    assert lines[:4] == ["tsunagu.local/audit", "3", base64.b64encode(ROOT).decode(), ""]
    assert lines[4].startswith("\u2014 tsunagu.local/audit ")


def test_a_signed_checkpoint_opens_with_the_published_log_key() -> None:
    message = sign_checkpoint(Checkpoint(DEFAULT_ORIGIN, 3, ROOT, ("ext one",)), LOG).render()
    opened = open_checkpoint(message, read_verifier_key(verifier_key(LOG.verifier())))
    assert opened.checkpoint == Checkpoint(DEFAULT_ORIGIN, 3, ROOT, ("ext one",))


def test_a_checkpoint_with_a_changed_size_or_root_is_rejected() -> None:
    message = sign_checkpoint(Checkpoint(DEFAULT_ORIGIN, 3, ROOT), LOG).render()
    other_root = base64.b64encode(tree_root([b"other"])).decode()
    for altered in (
        message.replace("\n3\n", "\n4\n", 1),
        message.replace(base64.b64encode(ROOT).decode(), other_root, 1),
    ):
        with pytest.raises(NoteRejected):
            open_checkpoint(altered, LOG.verifier())


def test_a_checkpoint_signed_by_another_key_or_only_by_a_witness_is_rejected() -> None:
    impostor = Ed25519NoteSigner(DEFAULT_ORIGIN, Ed25519PrivateKey.generate())
    forged = sign_checkpoint(Checkpoint(DEFAULT_ORIGIN, 3, ROOT), impostor)
    with pytest.raises(NoteRejected):
        open_checkpoint(forged.render(), LOG.verifier())
    witnessed_only = WITNESS.cosign(forged, 1_700_000_000)
    with pytest.raises(NoteRejected, match="not signed by the log key"):
        open_checkpoint(witnessed_only, LOG.verifier(), cosigners=[WITNESS.verifier()])


def test_a_checkpoint_for_another_origin_is_rejected() -> None:
    note = sign_checkpoint(Checkpoint("elsewhere.example/log", 3, ROOT), LOG)
    with pytest.raises(NoteRejected, match=r"elsewhere\.example/log"):
        open_checkpoint(note, LOG.verifier())
    opened = open_checkpoint(note, LOG.verifier(), origin="elsewhere.example/log")
    assert opened.checkpoint.origin == "elsewhere.example/log"


def test_a_cosigned_checkpoint_verifies_with_both_keys_and_states_the_time() -> None:
    cosigned = WITNESS.cosign(
        sign_checkpoint(Checkpoint(DEFAULT_ORIGIN, 3, ROOT), LOG), 1_700_000_123
    )
    vkey = verifier_key(WITNESS.verifier())
    assert vkey.startswith("witness.tsunagu.local/w1+")
    assert base64.b64decode(vkey.split("+", 2)[2])[0] == 0x04
    witness = read_verifier_key(vkey)
    assert isinstance(witness, CosignatureVerifier)
    opened = open_checkpoint(cosigned.render(), LOG.verifier(), cosigners=[witness])
    assert opened.verified.signed_by(witness)
    assert cosignature_time(opened.note.signatures[1]) == 1_700_000_123
    # Without the witness key, its cosignature is an unknown signature and is ignored.
    assert not open_checkpoint(cosigned.render(), LOG.verifier()).verified.signed_by(witness)


def test_a_cosignature_with_a_changed_time_is_rejected() -> None:
    cosigned = WITNESS.cosign(
        sign_checkpoint(Checkpoint(DEFAULT_ORIGIN, 3, ROOT), LOG), 1_700_000_123
    )
    line = cosigned.render().split("\n")[-2]
    raw = bytearray(base64.b64decode(line.split(" ")[2]))
    raw[4 + 7] ^= 1  # last byte of the big-endian timestamp
    altered = cosigned.render().replace(line.split(" ")[2], base64.b64encode(raw).decode())
    with pytest.raises(NoteRejected, match=r"witness\.tsunagu\.local/w1 does not verify"):
        open_checkpoint(altered, LOG.verifier(), cosigners=[WITNESS.verifier()])


def test_a_note_signature_does_not_pass_for_a_cosignature_of_the_same_key() -> None:
    private = Ed25519PrivateKey.generate()
    as_log = Ed25519NoteSigner("w.example/1", private)
    as_witness = Cosigner("w.example/1", private)
    assert as_log.key_id != as_witness.key_id
    note = sign_checkpoint(Checkpoint("w.example/1", 1, ROOT), as_log)
    with pytest.raises(NoteRejected, match="no signature from a trusted key"):
        open_checkpoint(note, as_witness.verifier())


@pytest.mark.parametrize(
    "body",
    [
        "origin\n3\n",
        "origin\n03\n" + base64.b64encode(ROOT).decode() + "\n",
        "origin\n-3\n" + base64.b64encode(ROOT).decode() + "\n",
        "origin\n3\n" + base64.b64encode(ROOT[:31]).decode() + "\n",
        "origin\n3\n" + base64.b64encode(ROOT).decode().rstrip("=") + "\n",
        "origin\n3\n" + base64.b64encode(ROOT).decode() + "\n\n",
        "\n3\n" + base64.b64encode(ROOT).decode() + "\n",
        "origin\n3\n" + base64.b64encode(ROOT).decode(),
    ],
)
def test_a_body_that_is_not_a_canonical_checkpoint_is_refused(body: str) -> None:
    with pytest.raises(MalformedCheckpoint):
        Checkpoint.from_body(body)


def test_the_empty_tree_has_a_checkpoint_of_size_zero() -> None:
    body = Checkpoint(DEFAULT_ORIGIN, 0, tree_root([])).body()
    assert body == "tsunagu.local/audit\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
    assert Checkpoint.from_body(body).size == 0
