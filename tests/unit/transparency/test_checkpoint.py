"""Checkpoints in the C2SP format, signed by the log and cosigned (cosignature/v1) by witnesses:
the spec's example reads, the signed bytes are exactly the spec's, and tampering is refused."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from transparency import (
    COSIGNATURE_V1,
    ED25519,
    Checkpoint,
    NoteError,
    SignerKey,
    VerifierKey,
    cosign,
    cosignature_time,
    open_checkpoint,
    parse_note,
    sign_checkpoint,
)

# c2sp.org/tlog-cosignature's example: a log signature and a witness's cosignature made at
# 1679315147 (the time line of the spec's example message).
SPEC_CHECKPOINT = (
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhc"
    "yv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    "— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b"
    "2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
)
ROOT = base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
LOG = SignerKey.generate("cofund.example/audit")
JST = SignerKey.generate("jst.example/witness", COSIGNATURE_V1)
NAFOSTED = SignerKey.generate("nafosted.example/witness", COSIGNATURE_V1)
CHECKPOINT = Checkpoint("cofund.example/audit", 42, ROOT)
NOW = 1_780_000_000


def test_spec_checkpoint_reads_with_its_cosignature_time() -> None:
    note = parse_note(SPEC_CHECKPOINT)

    assert Checkpoint.parse(note.text) == Checkpoint("example.com/behind-the-sofa", 20852163, ROOT)
    assert [(s.name, s.key_id.hex()) for s in note.signatures] == [
        ("example.com/behind-the-sofa", "033de0ae"),
        ("witness.example.com/w1", "8d66cf3f"),
    ]
    assert cosignature_time(note.signatures[1]) == 1679315147
    assert str(note) == SPEC_CHECKPOINT


def test_body_is_origin_size_root_and_extensions_one_per_line() -> None:
    checkpoint = Checkpoint("cofund.example/audit", 0, ROOT, ("ext one",))

    assert checkpoint.body() == (
        "cofund.example/audit\n0\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\next one\n"
    )
    assert Checkpoint.parse(checkpoint.body()) == checkpoint


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("o\n42\n", "checkpoint.text.too_short"),
        ("o\n042\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "checkpoint.size.malformed"),
        ("o\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "checkpoint.size.malformed"),
        ("o\n４２\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "checkpoint.size.malformed"),
        ("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n", "note.base64.malformed"),
        ("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jx\n", "checkpoint.root.bad_length"),
        (
            "\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
            "checkpoint.line.empty_or_multiline",
        ),
        (
            "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n",
            "checkpoint.line.empty_or_multiline",
        ),
        ("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=", "checkpoint.text.no_final_newline"),
    ],
)
def test_malformed_bodies_are_refused(body: str, expected: str) -> None:
    with pytest.raises(NoteError) as refused:
        Checkpoint.parse(body)

    assert refused.value.code == expected


def test_signed_checkpoint_opens_with_the_log_key() -> None:
    message = str(sign_checkpoint(CHECKPOINT, LOG))

    checkpoint, note, verified = open_checkpoint(message, LOG.verifier())

    assert (checkpoint, note.text, verified) == (CHECKPOINT, CHECKPOINT.body(), (LOG.verifier(),))


def test_checkpoint_of_another_origin_is_refused() -> None:
    message = str(sign_checkpoint(Checkpoint("other.example/log", 1, ROOT), LOG))

    with pytest.raises(NoteError) as refused:
        open_checkpoint(message, LOG.verifier())

    assert (refused.value.code, dict(refused.value.params)) == (
        "checkpoint.origin.mismatch",
        {"origin": "other.example/log", "expected": "cofund.example/audit"},
    )


def test_tampered_size_is_refused() -> None:
    message = str(sign_checkpoint(CHECKPOINT, LOG)).replace("\n42\n", "\n43\n")

    with pytest.raises(NoteError) as refused:
        open_checkpoint(message, LOG.verifier())

    assert refused.value.code == "note.signature.invalid"


def test_cosignature_signs_the_spec_message_with_its_time() -> None:
    note = sign_checkpoint(CHECKPOINT, LOG)

    line = cosign(note, JST, NOW)

    message = b"cosignature/v1\ntime 1780000000\n" + CHECKPOINT.body().encode()
    public = Ed25519PublicKey.from_public_bytes(JST.verifier().public_key)
    public.verify(line.signature[8:], message)  # raises InvalidSignature if any byte differs
    assert (line.name, line.key_id, cosignature_time(line)) == (JST.name, JST.key_id, NOW)
    assert line.signature[:8] == NOW.to_bytes(8, "big")


def test_checkpoint_with_both_agencies_cosignatures_opens_requiring_both() -> None:
    note = sign_checkpoint(CHECKPOINT, LOG)
    cosigned = note.with_signatures(cosign(note, JST, NOW), cosign(note, NAFOSTED, NOW + 1))
    witnesses = [JST.verifier(), NAFOSTED.verifier()]

    _, opened, verified = open_checkpoint(
        str(cosigned), LOG.verifier(), witnesses=witnesses, required=witnesses
    )

    assert verified == (LOG.verifier(), *witnesses)
    assert [cosignature_time(s) for s in opened.signatures[1:]] == [NOW, NOW + 1]


def test_cosignature_is_not_a_plain_signature_of_the_same_key_pair() -> None:
    note = sign_checkpoint(CHECKPOINT, LOG)
    line = cosign(note, JST, NOW)
    plain = VerifierKey(JST.name, ED25519, JST.verifier().public_key)

    assert JST.verifier().verify(note.text.encode(), line.signature) is True
    assert plain.verify(note.text.encode(), line.signature) is False
    assert plain.key_id != line.key_id


def test_cosignature_with_a_changed_time_is_refused() -> None:
    note = sign_checkpoint(CHECKPOINT, LOG)
    line = cosign(note, JST, NOW)
    moved = type(line)(line.name, line.key_id, (NOW + 1).to_bytes(8, "big") + line.signature[8:])

    with pytest.raises(NoteError) as refused:
        open_checkpoint(
            str(note.with_signatures(moved)), LOG.verifier(), witnesses=[JST.verifier()]
        )

    assert (refused.value.code, refused.value.params["name"]) == (
        "note.signature.invalid",
        JST.name,
    )


def test_only_cosigner_keys_cosign_and_only_plain_keys_sign_checkpoints() -> None:
    note = sign_checkpoint(CHECKPOINT, LOG)

    with pytest.raises(NoteError) as cosigned_by_log:
        cosign(note, LOG, NOW)
    with pytest.raises(NoteError) as signed_by_witness:
        sign_checkpoint(CHECKPOINT, JST)
    with pytest.raises(NoteError) as timeless:
        cosign(note, JST, 0)

    assert (cosigned_by_log.value.code, signed_by_witness.value.code, timeless.value.code) == (
        "checkpoint.key.not_cosigner",
        "checkpoint.key.not_ed25519",
        "note.cosignature.bad_timestamp",
    )
