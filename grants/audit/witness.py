"""An agency's witness of the transparency log, run on the agency's own machine.

It keeps one state file (the last tree it cosigned: origin, size, root) and its private
cosignature/v1 key, neither of which the log ever sees. One run fetches the latest checkpoint
and, when the tree grew, the consistency proof from the tree it cosigned last; the pure
`transparency.witness_checkpoint` decides; only a checkpoint that extends the cosigned tree is
cosigned. The new state is written (atomically) before the cosignature is posted, so a crash
can never lead it to cosign a smaller or forked tree later. A refusal leaves the state alone.
"""

from __future__ import annotations

import base64
import binascii
import os
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from transparency import (
    Checkpoint,
    Cosigned,
    NoteError,
    SignerKey,
    VerifierKey,
    WitnessRefusal,
    WitnessState,
    parse_note,
    witness_checkpoint,
)

CHECKPOINT = "/api/audit/checkpoint"
CONSISTENCY = "/api/audit/proofs/consistency"
COSIGNATURES = "/api/audit/checkpoint/cosignatures"


class WitnessFailure(RuntimeError):
    """The log could not be reached or answered something unusable; the state is unchanged."""


def load_state(path: Path, origin: str) -> WitnessState:
    """The state file's tree, or the empty tree of `origin` before the first cosignature."""
    if not path.exists():
        return WitnessState.fresh(origin)
    return WitnessState.from_json(path.read_text())


def save_state(path: Path, state: WitnessState) -> None:
    """Replace the state file atomically: a reader sees the old state or the new, never half."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(state.to_json())
    with temporary.open("rb") as handle:
        os.fsync(handle.fileno())
    temporary.replace(path)


async def _get(client: httpx.AsyncClient, url: str, **params: int) -> httpx.Response:
    try:
        response = await client.get(url, params=params)
    except httpx.HTTPError as error:
        raise WitnessFailure(f"GET {url} failed: {error}") from error
    if response.status_code != 200:
        raise WitnessFailure(f"GET {url} answered {response.status_code}: {response.text}")
    return response


async def _proof(client: httpx.AsyncClient, size1: int, size2: int) -> list[bytes]:
    if size1 == 0 or size1 >= size2:
        return []
    body = (await _get(client, CONSISTENCY, **{"from": size1, "to": size2})).json()
    try:
        return [base64.b64decode(h, validate=True) for h in body["hashes"]]
    except (KeyError, TypeError, binascii.Error) as error:
        raise WitnessFailure(f"unreadable consistency proof: {body!r}") from error


async def witness_once(
    client: httpx.AsyncClient,
    *,
    witness_key: SignerKey,
    log_key: VerifierKey,
    state_path: Path,
    clock: Callable[[], float] = time.time,
) -> Cosigned:
    """Cosign the log's latest checkpoint if it extends the state's tree, then post it.

    Raises WitnessRefusal (state untouched) when the checkpoint is not the log's, not
    consistent with the cosigned tree, smaller, or a fork; WitnessFailure when the log cannot
    be reached or does not take the cosignature.
    """
    state = load_state(state_path, log_key.name)
    note = (await _get(client, CHECKPOINT)).text
    try:
        size = Checkpoint.parse(parse_note(note).text).size
    except NoteError as error:
        raise WitnessRefusal("witness.checkpoint.malformed", reason=error.code) from error
    proof = await _proof(client, state.size, size)
    cosigned = witness_checkpoint(
        state, note, proof, log_key=log_key, witness_key=witness_key, timestamp=int(clock())
    )
    save_state(state_path, cosigned.state)
    try:
        response = await client.post(
            COSIGNATURES, json={"size": size, "cosignature": cosigned.line}
        )
    except httpx.HTTPError as error:
        raise WitnessFailure(f"POST {COSIGNATURES} failed: {error}") from error
    if response.status_code not in (200, 201):
        raise WitnessFailure(
            f"POST {COSIGNATURES} answered {response.status_code}: {response.text}"
        )
    return cosigned
