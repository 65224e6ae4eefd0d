"""Benchmark the transparency log's Merkle tree: appends, proofs and checkpoints at scale.

Usage: python bench/merkle.py [--quick] [--leaves N] [--samples N] [--seed N]

Appends N leaf hashes (1,000,000; `--quick` 100,000) to a `TreeState`, keeping every interior
node an append completes in one bytearray per level, as a log would keep them in a table
(level, index, hash). Then, at the full size, 1,000 random inclusion proofs and 1,000 random
consistency proofs (from a random earlier size) are generated from that store and verified;
medians and p99 are reported for each, with the checkpoint's sign, verify and witness times.

The baseline, measured in the same run: appending by recomputing MTH from scratch over every
leaf hash, as a log without kept subtree hashes would, at a smaller size (10,000 leaves;
`--quick` 2,000) because at the full size one such append takes seconds. `ratio` is our
appends/s at N over the baseline's appends/s at its smaller size, so it understates the gap.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from transparency import (
    COSIGNATURE_V1,
    Checkpoint,
    SignerKey,
    TreeState,
    WitnessState,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    open_checkpoint,
    sign_checkpoint,
    tree_root,
    verify_consistency,
    verify_inclusion,
    witness_checkpoint,
)

HASH = 32
T = TypeVar("T")


class LevelStore:
    """Interior hashes by level, packed: what a (level, index, hash) table holds."""

    def __init__(self) -> None:
        self.levels: list[bytearray] = [bytearray()]

    def add(self, level: int, data: bytes) -> None:
        while len(self.levels) <= level:
            self.levels.append(bytearray())
        self.levels[level] += data

    def __call__(self, start: int, end: int) -> bytes:
        level = (end - start).bit_length() - 1
        offset = (start >> level) * HASH
        return bytes(self.levels[level][offset : offset + HASH])


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 leaves")
    parser.add_argument("--leaves", type=int, help="tree size (default 1,000,000)")
    parser.add_argument("--samples", type=int, default=1000, help="proofs of each kind")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    args.leaves = args.leaves or (100_000 if args.quick else 1_000_000)
    args.baseline = 2_000 if args.quick else 10_000
    return args


def timed_us(action: Callable[..., T], *args: object) -> tuple[T, float]:
    """`action(*args)` and the microseconds it took."""
    start = time.perf_counter_ns()
    result = action(*args)
    return result, (time.perf_counter_ns() - start) / 1000


def median_us(action: Callable[..., object], *args: object, repeats: int = 50) -> float:
    return statistics.median(timed_us(action, *args)[1] for _ in range(repeats))


def p99(values: list[float]) -> float:
    return sorted(values)[min(len(values) - 1, int(len(values) * 0.99))]


def grow(leaves: list[bytes]) -> tuple[TreeState, LevelStore, float]:
    """Append every leaf, storing the completed nodes; returns appends per second."""
    state, store = TreeState(), LevelStore()
    start = time.perf_counter()
    for leaf in leaves:
        store.levels[0] += leaf
        for node in state.append(leaf):
            store.add(node.level, node.hash)
    return state, store, len(leaves) / (time.perf_counter() - start)


def recompute_rate(leaves: list[bytes], size: int) -> float:
    """Appends per second when each append recomputes MTH over all leaves (median of 5)."""
    return 1e6 / median_us(tree_root, leaves[: size + 1], repeats=5)


def proof_latencies(
    size: int, rng: random.Random, store: LevelStore, root: bytes, roots: dict[int, bytes]
) -> dict[str, list[float]]:
    """Generation and verification times of random inclusion and consistency proofs, one of
    each kind per earlier size in `roots`."""
    out: dict[str, list[float]] = {k: [] for k in ("inc_gen", "inc_ver", "con_gen", "con_ver")}
    for _ in roots:
        index = rng.randrange(size)
        proof, took = timed_us(inclusion_proof, index, size, store)
        out["inc_gen"].append(took)
        leaf = store(index, index + 1)
        out["inc_ver"].append(timed_us(verify_inclusion, leaf, index, size, proof, root)[1])
    for old, old_root in roots.items():
        proof, took = timed_us(consistency_proof, old, size, store)
        out["con_gen"].append(took)
        out["con_ver"].append(timed_us(verify_consistency, old, size, proof, old_root, root)[1])
    return out


def earlier_roots(leaves: list[bytes], sizes: set[int]) -> dict[int, bytes]:
    """The root at each of `sizes`, by a second incremental pass (not timed)."""
    state, found = TreeState(), {}
    for count, leaf in enumerate(leaves, start=1):
        state.append(leaf)
        if count in sizes:
            found[count] = state.root()
    return found


def checkpoint_times(
    state: TreeState, store: LevelStore, old: int, old_root: bytes
) -> dict[str, float]:
    log = SignerKey.generate("cofund.example/audit")
    witness = SignerKey.generate("jst.example/witness", COSIGNATURE_V1)
    checkpoint = Checkpoint(log.name, state.size, state.root())
    note = sign_checkpoint(checkpoint, log)
    message = str(note)
    proof = consistency_proof(old, state.size, store)
    previous = WitnessState(log.name, old, old_root)
    decide = functools.partial(
        witness_checkpoint,
        previous,
        message,
        proof,
        log_key=log.verifier(),
        witness_key=witness,
        timestamp=1,
    )
    return {
        "checkpoint_sign_us": median_us(sign_checkpoint, checkpoint, log),
        "checkpoint_verify_us": median_us(open_checkpoint, message, log.verifier()),
        "witness_us": median_us(decide),
    }


def main() -> None:
    args = parse_args()
    rng = random.Random(args.seed)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    leaves = [leaf_hash(b"audit event %d" % i) for i in range(args.leaves)]
    state, store, append_rate = grow(leaves)
    root = state.root()
    print(f"{args.leaves:,} appends: {append_rate:,.0f}/s; root {root.hex()[:16]}…", flush=True)
    baseline_rate = recompute_rate(leaves, args.baseline)
    print(f"baseline, MTH recomputed at {args.baseline:,} leaves: {baseline_rate:,.1f} appends/s")
    olds = set(rng.sample(range(1, args.leaves), args.samples))
    roots = earlier_roots(leaves, olds)
    lat = proof_latencies(args.leaves, rng, store, root, roots)
    for name, values in lat.items():
        print(f"{name}: p50 {statistics.median(values):.1f} µs, p99 {p99(values):.1f} µs")
    old = min(roots)
    extra = checkpoint_times(state, store, old, roots[old])
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    pairs = {
        "leaves": args.leaves,
        "appends_per_s": f"{append_rate:.0f}",
        "baseline_leaves": args.baseline,
        "baseline_appends_per_s": f"{baseline_rate:.1f}",
        "inclusion_gen_p50_us": f"{statistics.median(lat['inc_gen']):.1f}",
        "inclusion_gen_p99_us": f"{p99(lat['inc_gen']):.1f}",
        "inclusion_verify_p50_us": f"{statistics.median(lat['inc_ver']):.1f}",
        "consistency_gen_p50_us": f"{statistics.median(lat['con_gen']):.1f}",
        "consistency_gen_p99_us": f"{p99(lat['con_gen']):.1f}",
        "consistency_verify_p50_us": f"{statistics.median(lat['con_ver']):.1f}",
        **{key: f"{value:.1f}" for key, value in extra.items()},
        "ratio": f"{append_rate / baseline_rate:.0f}",
    }
    print(" ".join(f"{key}={value}" for key, value in pairs.items()))


if __name__ == "__main__":
    main()
