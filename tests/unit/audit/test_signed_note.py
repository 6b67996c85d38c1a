"""C2SP signed notes: the spec's own example, Ed25519 signing, and what must be refused."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.audit.domain.signed_note import (
    Ed25519NoteSigner,
    MalformedNote,
    Note,
    NoteRejected,
    NoteSignature,
    key_id,
    parse_note,
    read_verifier_key,
    sign_note,
    verifier_key,
    verify_note,
)

# The example of c2sp.org/signed-note ("Verifier keys", "Example").
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n"
    "\n"
    "\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mF"
    "XmRKuwHjG1Yu72IneyaQM=\n"
)


def signer(name: str = "tsunagu.local/audit") -> Ed25519NoteSigner:
    """A fresh Ed25519 note key."""
    return Ed25519NoteSigner(name, Ed25519PrivateKey.generate())


def test_the_spec_example_note_verifies_with_the_spec_example_key() -> None:
    verifier = read_verifier_key(SPEC_VKEY)
    verified = verify_note(SPEC_NOTE, [verifier])
    assert verified.text == "This is an example message.\n"
    assert [s.name for s in verified.verified] == ["example.com/foo"]


def test_the_spec_example_key_id_is_derived_from_its_name_and_public_key() -> None:
    verifier = read_verifier_key(SPEC_VKEY)
    assert key_id("example.com/foo", 0x01, verifier.public_key).hex() == "530d903a"
    assert verifier_key(verifier) == SPEC_VKEY


def test_the_spec_example_note_with_a_changed_text_is_rejected() -> None:
    altered = SPEC_NOTE.replace("example message", "exemplary message")
    with pytest.raises(NoteRejected, match="does not verify"):
        verify_note(altered, [read_verifier_key(SPEC_VKEY)])


def test_a_note_signed_only_by_an_unknown_key_is_rejected() -> None:
    note = sign_note("hello\n", [signer("someone.else/log")])
    with pytest.raises(NoteRejected, match="no signature from a trusted key"):
        verify_note(note.render(), [read_verifier_key(SPEC_VKEY)])


def test_a_key_with_the_same_name_but_another_key_id_is_ignored_not_trusted() -> None:
    trusted, impostor = signer(), signer()
    note = sign_note("hello\n", [impostor])
    with pytest.raises(NoteRejected, match="no signature from a trusted key"):
        verify_note(note.render(), [trusted.verifier()])


def test_unknown_signatures_are_ignored_beside_a_trusted_one() -> None:
    log, other = signer(), signer("witness.example/w1")
    note = sign_note("size 3\n", [other, log])
    verified = verify_note(note.render(), [log.verifier()])
    assert [s.name for s in verified.verified] == [log.name]
    assert verified.signed_by(log.verifier())
    assert not verified.signed_by(other.verifier())


def test_a_trusted_signature_that_fails_rejects_the_whole_note_even_if_another_holds() -> None:
    first, second = signer("a.example/log"), signer("b.example/log")
    note = sign_note("body\n", [first, second])
    forged = NoteSignature(second.name, second.key_id, bytes(64))
    tampered = Note(note.text, (note.signatures[0], forged))
    with pytest.raises(NoteRejected, match=r"b\.example/log does not verify"):
        verify_note(tampered.render(), [first.verifier(), second.verifier()])


def test_a_rendered_note_parses_back_to_the_same_note() -> None:
    note = sign_note("line one\n\nline three\n", [signer(), signer("w.example/1")])
    assert parse_note(note.render()) == note
    assert parse_note(note.render().encode()) == note


def test_a_vkey_round_trips_and_verifies_what_its_key_signed() -> None:
    key = signer()
    vkey = verifier_key(key.verifier())
    name, hex_id, _ = vkey.split("+", 2)
    assert (name, hex_id) == (key.name, key.key_id.hex())
    verify_note(sign_note("x\n", [key]).render(), [read_verifier_key(vkey)])


@pytest.mark.parametrize(
    "vkey",
    [
        "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "example.com/bar+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "example.com/foo+530d903a+BekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
        "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2",
        "example.com/foo+530d903a",
        "+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",
    ],
)
def test_a_vkey_that_does_not_describe_its_key_is_refused(vkey: str) -> None:
    with pytest.raises(MalformedNote):
        read_verifier_key(vkey)


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("text\n\u2014 a.example AAAAAAA=\n", "no blank line"),
        ("text\n\n", "ends with a newline"),
        ("text\n\n\u2014 a.example U3dIPwE=", "ends with a newline"),
        ("text\n\n- a.example U3dIPwE=\n", "em dash"),
        ("text\n\n\u2014 a.example\n", "key name, a space"),
        ("text\n\n\u2014 a.example not*base64\n", "not base64"),
        ("text\n\n\u2014 a.example U3dIPw==\n", "too short"),
        ("text\n\n\u2014 a+b U3dIPwE=\n", "key name"),
        ("te\txt\n\n\u2014 a.example U3dIPwE=\n", "control characters"),
    ],
)
def test_a_malformed_note_is_refused_with_its_reason(message: str, reason: str) -> None:
    with pytest.raises(MalformedNote, match=reason):
        parse_note(message)


def test_a_note_with_too_many_signatures_is_refused() -> None:
    line = "\u2014 a.example U3dIPwE=\n"
    with pytest.raises(MalformedNote, match="more than"):
        parse_note("text\n\n" + line * 65)
    assert len(parse_note("text\n\n" + line * 16).signatures) == 16


def test_a_text_without_a_final_newline_cannot_be_signed() -> None:
    with pytest.raises(MalformedNote):
        sign_note("no newline", [signer()])
