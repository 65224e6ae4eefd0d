"""The witness cosigns a log's growth and refuses, with the rule broken, a rewritten history:
the same size with another root, a smaller tree, a tree that does not extend the cosigned one,
a checkpoint the log did not sign. A refusal leaves the state as it was."""

from __future__ import annotations

import pytest

from transparency import (
    COSIGNATURE_V1,
    EMPTY_ROOT,
    Checkpoint,
    MemoryTree,
    SignerKey,
    TreeState,
    WitnessRefusal,
    WitnessState,
    consistency_proof,
    cosignature_time,
    leaf_hash,
    open_checkpoint,
    sign_checkpoint,
    witness_checkpoint,
)

ORIGIN = "cofund.example/audit"
LOG = SignerKey.generate(ORIGIN)
JST = SignerKey.generate("jst.example/witness", COSIGNATURE_V1)
NAFOSTED = SignerKey.generate("nafosted.example/witness", COSIGNATURE_V1)
NOW = 1_780_000_000
EVENTS = [leaf_hash(b"audit event %d" % i) for i in range(12)]
# The operator edits event 3 and re-hashes everything after it, so the rewritten log looks intact.
REWRITTEN = [*EVENTS[:3], leaf_hash(b"audit event 3, edited"), *EVENTS[4:]]


def root(leaves: list[bytes], size: int) -> bytes:
    state = TreeState()
    for leaf in leaves[:size]:
        state.append(leaf)
    return state.root()


def signed(size: int, leaves: list[bytes] = EVENTS, key: SignerKey = LOG) -> str:
    return str(sign_checkpoint(Checkpoint(ORIGIN, size, root(leaves, size)), key))


def cosigned_at(size: int) -> WitnessState:
    return WitnessState(ORIGIN, size, root(EVENTS, size))


def witness(
    state: WitnessState, message: str, proof: list[bytes], key: SignerKey = JST
) -> WitnessState:
    return witness_checkpoint(
        state, message, proof, log_key=LOG.verifier(), witness_key=key, timestamp=NOW
    ).state


def refusal(state: WitnessState, message: str, proof: list[bytes]) -> tuple[str, dict[str, object]]:
    with pytest.raises(WitnessRefusal) as refused:
        witness(state, message, proof)
    return refused.value.code, dict(refused.value.params)


def test_first_checkpoint_is_cosigned_without_a_proof() -> None:
    result = witness_checkpoint(
        WitnessState.fresh(ORIGIN),
        signed(5),
        [],
        log_key=LOG.verifier(),
        witness_key=JST,
        timestamp=NOW,
    )

    assert result.state == cosigned_at(5)
    assert result.checkpoint == Checkpoint(ORIGIN, 5, root(EVENTS, 5))
    assert result.line == result.signature.line()
    assert cosignature_time(result.signature) == NOW


def test_consistent_growth_is_cosigned_by_both_agencies() -> None:
    proof = consistency_proof(5, 12, MemoryTree(EVENTS))
    message = signed(12)
    lines = [
        witness_checkpoint(
            cosigned_at(5),
            message,
            proof,
            log_key=LOG.verifier(),
            witness_key=key,
            timestamp=NOW,
        ).line
        for key in (JST, NAFOSTED)
    ]

    witnesses = [JST.verifier(), NAFOSTED.verifier()]
    checkpoint, _, verified = open_checkpoint(
        message + "".join(lines), LOG.verifier(), witnesses=witnesses, required=witnesses
    )
    assert (checkpoint.size, verified) == (12, (LOG.verifier(), *witnesses))


def test_same_checkpoint_again_is_cosigned_again() -> None:
    assert witness(cosigned_at(12), signed(12), []) == cosigned_at(12)


def test_same_size_with_another_root_is_a_fork() -> None:
    code, params = refusal(cosigned_at(12), signed(12, REWRITTEN), [])

    assert (code, params["size"]) == ("witness.checkpoint.fork", 12)


def test_rewritten_history_that_grew_is_inconsistent_for_both_witnesses() -> None:
    # The log's proof is honest about the rewritten tree; it cannot reach the cosigned root.
    proof = consistency_proof(5, 12, MemoryTree(REWRITTEN))
    message = signed(12, REWRITTEN)

    for key in (JST, NAFOSTED):
        with pytest.raises(WitnessRefusal) as refused:
            witness(cosigned_at(5), message, proof, key)
        assert (refused.value.code, dict(refused.value.params)) == (
            "witness.checkpoint.inconsistent",
            {
                "reason": "merkle.proof.root_mismatch",
                "which": "root1",
                "size": 5,
                "size1": 5,
                "size2": 12,
            },
        )


def test_proof_from_the_honest_tree_does_not_rescue_a_rewritten_checkpoint() -> None:
    proof = consistency_proof(5, 12, MemoryTree(EVENTS))

    code, params = refusal(cosigned_at(5), signed(12, REWRITTEN), proof)

    assert (code, params["reason"], params["which"]) == (
        "witness.checkpoint.inconsistent",
        "merkle.proof.root_mismatch",
        "root2",
    )


def test_smaller_tree_is_refused() -> None:
    assert refusal(cosigned_at(12), signed(5), []) == (
        "witness.checkpoint.smaller",
        {"size": 5, "cosigned_size": 12},
    )


def test_checkpoint_signed_by_another_key_is_refused() -> None:
    impostor = SignerKey.generate(ORIGIN)

    assert refusal(cosigned_at(5), signed(12, key=impostor), []) == (
        "witness.signature.invalid",
        {"reason": "note.signature.required_missing", "name": ORIGIN},
    )


def test_checkpoint_edited_after_signing_is_refused() -> None:
    message = signed(12).replace("\n12\n", "\n13\n")

    code, params = refusal(cosigned_at(5), message, [])

    assert (code, params["reason"]) == ("witness.signature.invalid", "note.signature.invalid")


def test_checkpoint_of_another_log_is_refused() -> None:
    state = WitnessState.fresh("other.example/log")

    assert refusal(state, signed(5), []) == (
        "witness.origin.unknown",
        {"origin": ORIGIN, "expected": "other.example/log"},
    )


def test_a_proof_where_none_is_due_is_refused() -> None:
    proof = consistency_proof(5, 12, MemoryTree(EVENTS))

    assert refusal(WitnessState.fresh(ORIGIN), signed(12), proof) == (
        "witness.proof.unexpected",
        {"size1": 0, "size2": 12, "length": len(proof)},
    )


def test_empty_checkpoint_must_have_the_empty_root() -> None:
    wrong = str(sign_checkpoint(Checkpoint(ORIGIN, 0, root(EVENTS, 1)), LOG))

    assert witness(WitnessState.fresh(ORIGIN), signed(0), []) == WitnessState.fresh(ORIGIN)
    assert refusal(WitnessState.fresh(ORIGIN), wrong, []) == (
        "witness.checkpoint.bad_empty_root",
        {"size": 0},
    )


def test_malformed_checkpoint_is_refused_with_the_notes_reason() -> None:
    assert refusal(cosigned_at(5), "not a note", []) == (
        "witness.checkpoint.malformed",
        {"reason": "note.signature.missing"},
    )


def test_after_a_refusal_the_old_state_still_cosigns_the_honest_log() -> None:
    state = cosigned_at(5)
    with pytest.raises(WitnessRefusal):
        witness(state, signed(12, REWRITTEN), consistency_proof(5, 12, MemoryTree(REWRITTEN)))

    grown = witness(state, signed(12), consistency_proof(5, 12, MemoryTree(EVENTS)))

    assert (state, grown) == (cosigned_at(5), cosigned_at(12))


def test_state_round_trips_through_json() -> None:
    state = cosigned_at(7)

    assert WitnessState.from_json(state.to_json()) == state
    assert WitnessState.fresh(ORIGIN).root == EMPTY_ROOT


@pytest.mark.parametrize(
    "text",
    ["", "{}", '{"origin": "o", "size": -1, "root": "AA=="}', '{"origin": "o", "size": 1}'],
)
def test_malformed_state_is_refused(text: str) -> None:
    with pytest.raises(WitnessRefusal) as refused:
        WitnessState.from_json(text)

    assert refused.value.code == "witness.state.malformed"
