"""Signed notes against the published examples (c2sp.org/signed-note, Go's sumdb/note), and
the rules of trust: unknown signers ignored, a known signer's bad signature fatal, required
signers required."""

from __future__ import annotations

import pytest

from transparency import (
    COSIGNATURE_V1,
    ED25519,
    NoteError,
    SignerKey,
    VerifierKey,
    key_id,
    parse_note,
    sign_note,
    verify_note,
)

# c2sp.org/signed-note, "Verifier keys / Example".
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n"
    "— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXm"
    "RKuwHjG1Yu72IneyaQM=\n"
)
# golang.org/x/mod/sumdb/note's tests: a private key and the note it signs (Ed25519 is
# deterministic, so our signature must be byte for byte theirs).
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKv"
    "qfqdngotpRZb6KE6RyyBwJnAM=\n"
)
# transparency-dev/formats' tests: a live witness's cosignature/v1 vkey (type 0x04).
COSIGNER_VKEY = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"

ALICE = SignerKey.generate("alice.example/log")
BOB = SignerKey.generate("bob.example/log")


def code(error: pytest.ExceptionInfo[NoteError]) -> str:
    return error.value.code


def test_spec_example_note_verifies_under_its_vkey() -> None:
    key = VerifierKey.parse(SPEC_VKEY)

    assert verify_note(parse_note(SPEC_NOTE), [key]) == (key,)
    assert (key.name, key.type, key.key_id.hex(), str(key)) == (
        "example.com/foo",
        ED25519,
        "530d903a",
        SPEC_VKEY,
    )


def test_key_id_is_the_first_four_bytes_of_the_named_typed_key_hash() -> None:
    key = VerifierKey.parse(SPEC_VKEY)

    assert key_id("example.com/foo", ED25519, key.public_key).hex() == "530d903a"
    assert key_id("example.com/foo", COSIGNATURE_V1, key.public_key).hex() != "530d903a"


def test_cosigner_vkey_key_id_uses_type_four() -> None:
    key = VerifierKey.parse(COSIGNER_VKEY)

    assert (key.type, key.key_id.hex(), str(key)) == (COSIGNATURE_V1, "da77ade7", COSIGNER_VKEY)


def test_go_private_key_signs_exactly_gos_note() -> None:
    signer = SignerKey.parse(GO_SKEY)

    note = sign_note(GO_TEXT, signer)

    assert str(note) == GO_NOTE
    assert str(signer.verifier()) == GO_VKEY
    assert signer.export() == GO_SKEY
    assert "AYEKFALVFGyN" not in repr(signer)


def test_note_signed_by_two_keys_verifies_under_each_and_both() -> None:
    note = parse_note(str(sign_note("two signers\n", ALICE, BOB)))

    alice, bob = ALICE.verifier(), BOB.verifier()
    assert verify_note(note, [alice]) == (alice,)
    assert verify_note(note, [bob]) == (bob,)
    assert verify_note(note, [alice, bob], required=[alice, bob]) == (alice, bob)


def test_unknown_signers_are_ignored() -> None:
    stranger = SignerKey.generate("stranger.example/key")
    note = parse_note(str(sign_note("text\n", stranger, ALICE)))

    assert verify_note(note, [ALICE.verifier()]) == (ALICE.verifier(),)


def test_same_name_but_other_key_is_an_unknown_signer() -> None:
    impostor = SignerKey.generate(ALICE.name)
    note = parse_note(str(sign_note("text\n", impostor)))

    with pytest.raises(NoteError) as refused:
        verify_note(note, [ALICE.verifier()])

    assert code(refused) == "note.signature.none_trusted"


def test_tampered_text_is_refused_naming_the_key() -> None:
    message = str(sign_note("size 10\n", ALICE, BOB)).replace("size 10", "size 11")

    with pytest.raises(NoteError) as refused:
        verify_note(parse_note(message), [ALICE.verifier()])

    assert (code(refused), dict(refused.value.params)) == (
        "note.signature.invalid",
        {"name": ALICE.name, "key_id": ALICE.key_id.hex()},
    )


def test_a_required_signer_missing_is_refused() -> None:
    note = parse_note(str(sign_note("text\n", ALICE)))

    with pytest.raises(NoteError) as refused:
        verify_note(note, [ALICE.verifier()], required=[BOB.verifier()])

    assert code(refused) == "note.signature.required_missing"


def test_text_may_hold_blank_lines_the_last_one_separates() -> None:
    note = parse_note(str(sign_note("first\n\nsecond\n", ALICE)))

    assert note.text == "first\n\nsecond\n"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("no signatures\n", "note.signature.missing"),
        ("text\n\n", "note.signature.missing"),
        ("text\n\n- alice AAAAAAA=\n", "note.signature.malformed"),
        ("text\n\n— alice AAAA\n", "note.signature.malformed"),
        ("text\n\n— alice AAAAAAA\n", "note.base64.malformed"),
        ("text\n\n— al+ice AAAAAAA=\n", "note.key.bad_name"),
        ("tab\there\n\n— alice AAAAAAA=\n", "note.text.control_character"),
        ("text\n\n— alice AAAAAAA=", "note.signature.missing"),
        (b"\xff\n\n\xe2\x80\x94 alice AAAAAAA=\n", "note.encoding.not_utf8"),
    ],
)
def test_malformed_notes_are_refused(message: str | bytes, expected: str) -> None:
    with pytest.raises(NoteError) as refused:
        parse_note(message)

    assert code(refused) == expected


@pytest.mark.parametrize(
    ("vkey", "expected"),
    [
        ("example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", "wrong_key_id"),
        ("example.com/foo+530d903a", "malformed"),
        ("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2kAA==", "bad_length"),
        ("example.com/foo+530d903a+A2kyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k", "unsupported"),
    ],
)
def test_malformed_vkeys_are_refused(vkey: str, expected: str) -> None:
    with pytest.raises(NoteError) as refused:
        VerifierKey.parse(vkey)

    assert expected in code(refused)


def test_too_many_signatures_are_refused() -> None:
    line = "— alice AAAAAAA=\n"

    with pytest.raises(NoteError) as refused:
        parse_note("text\n\n" + line * 101)

    assert (code(refused), dict(refused.value.params)) == (
        "note.signature.too_many",
        {"count": 101},
    )
