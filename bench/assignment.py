"""Benchmark the reviewer-assignment solver against an independent exact LP baseline.

Usage: python bench/assignment.py [--quick] [--seed N] [--baseline-limit SECONDS]

Three seeded synthetic calls, k=3 reviewers per proposal and a load cap of 8:
  dense   2,000 proposals x 1,000 reviewers, every unconflicted pair a candidate;
  sparse 10,000 x 5,000, the top 50 candidates of each proposal;
  quota  20,000 x 15,000, top 25 per country (two countries), at least 1 from each.
`--quick` runs the same shapes at a tenth of the size (a fifth for dense).

The baseline is the LP relaxation solved by HiGHS (`scipy.optimize.linprog`): the constraint
matrix is totally unimodular (two laminar families), so its optimum is integral and exact.
It is written directly over the pairs (equality per proposal, <= per reviewer, >= per
proposal and country), not over our flow network, so the two are independent.
Affinities are generated on a 1e-6 grid, the solver's default integer scale, so the objective
gap measures the algorithms and not rounding (with continuous affinities the solver is exact
for the rounded values, within pairs / 10^6 of the float optimum).

Times: our solve (validation, network build, flow, result; median of 3) against one `linprog`
call alone (its matrix build is not counted), wall and CPU; the ratio uses wall time. On the
full quota call HiGHS needs 85-180 s on two shared cores; it is measured anyway, bounded by
--baseline-limit (default 900 s), and reported as "not solved" if it runs out. Peak memory:
our solves run in a fresh child process that builds its own copy of the instance, resets the
peak RSS (Linux VmHWM) and reads it back, so the figure is the resident set of interpreter +
instance + solver, untouched by the baseline's heap.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reviewers.assignment import Assignment, solve_assignment
from reviewers.candidates import Candidates

K, CAP, DIM = 3, 8, 12


@dataclass(frozen=True)
class Instance:
    """One synthetic call: candidates plus, for the quota case, each reviewer's country."""

    name: str
    candidates: Candidates
    country: np.ndarray | None = None
    quota: dict[int, int] | None = None


def _embeddings(rng: np.random.Generator, n: int) -> np.ndarray:
    # Topic vectors on the unit sphere: nearby proposals want the same reviewers, as in a call.
    x = rng.standard_normal((n, DIM))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _affinity(x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    raw = (x @ y.T + 1.0) / 2.0 + 0.05 * rng.random((x.shape[0], y.shape[0]))
    return np.round(raw, 6)


def dense_instance(n_p: int, n_r: int, seed: int) -> Instance:
    """Every pair a candidate except ~2% random conflicts."""
    rng = np.random.default_rng(seed)
    aff = _affinity(_embeddings(rng, n_p), _embeddings(rng, n_r), rng)
    forbidden = rng.random(aff.shape) < 0.02
    return Instance("dense", Candidates.from_dense(aff, forbidden))


def _top_pairs(
    x: np.ndarray, y: np.ndarray, members: np.ndarray, top: int, rng: np.random.Generator
) -> list[np.ndarray]:
    """Each proposal's `top` best unconflicted reviewers among `members`, by row chunks."""
    parts = []
    for lo in range(0, x.shape[0], 1000):
        aff = _affinity(x[lo : lo + 1000], y[members], rng)
        aff[rng.random(aff.shape) < 0.02] = -np.inf  # conflicts
        best = np.argpartition(-aff, top - 1, axis=1)[:, :top]
        rows = np.repeat(np.arange(lo, lo + aff.shape[0]), top)
        parts.append((rows, members[best].ravel(), np.take_along_axis(aff, best, axis=1).ravel()))
    return [np.concatenate(column) for column in zip(*parts, strict=True)]


def sparse_instance(n_p: int, n_r: int, seed: int, top: int = 50) -> Instance:
    """The `top` best unconflicted reviewers of each proposal."""
    rng = np.random.default_rng(seed)
    x, y = _embeddings(rng, n_p), _embeddings(rng, n_r)
    rows, cols, vals = _top_pairs(x, y, np.arange(n_r), top, rng)
    return Instance("sparse", Candidates.from_coo(rows, cols, vals, n_p, n_r))


def quota_instance(n_p: int, n_r: int, seed: int, top_per_country: int = 25) -> Instance:
    """Two countries (60/40 split), top candidates per country, at least 1 from each."""
    rng = np.random.default_rng(seed)
    x, y = _embeddings(rng, n_p), _embeddings(rng, n_r)
    country = (rng.random(n_r) < 0.4).astype(np.int64)
    per_country = [
        _top_pairs(x, y, np.flatnonzero(country == c), top_per_country, rng) for c in (0, 1)
    ]
    rows, cols, vals = (np.concatenate(column) for column in zip(*per_country, strict=True))
    cand = Candidates.from_coo(rows, cols, vals, n_p, n_r)
    return Instance("quota", cand, country, {0: 1, 1: 1})


def ours(inst: Instance) -> Assignment:
    """Our solver on one instance."""
    return solve_assignment(
        inst.candidates,
        k=K,
        cap=CAP,
        reviewer_country=inst.country,
        country_quota=inst.quota,
    )


def baseline_problem(inst: Instance) -> dict[str, object]:
    """linprog arguments: one variable per candidate pair, maximise affinity."""
    c = inst.candidates
    n = c.size
    cols = np.arange(n)
    a_eq = sparse.csr_array((np.ones(n), (c.proposal_idx, cols)), shape=(c.n_proposals, n))
    a_ub = sparse.csr_array((np.ones(n), (c.reviewer_idx, cols)), shape=(c.n_reviewers, n))
    b_ub = np.full(c.n_reviewers, float(CAP))
    if inst.country is not None and inst.quota is not None:
        blocks, bounds = [a_ub], [b_ub]
        for code, m in inst.quota.items():
            from_c = inst.country[c.reviewer_idx] == code
            rows = sparse.csr_array(
                (-np.ones(int(from_c.sum())), (c.proposal_idx[from_c], cols[from_c])),
                shape=(c.n_proposals, n),
            )
            blocks.append(rows)
            bounds.append(np.full(c.n_proposals, -float(m)))
        a_ub, b_ub = sparse.vstack(blocks, format="csr"), np.concatenate(bounds)
    return {
        "c": -c.affinity,
        "A_ub": a_ub,
        "b_ub": b_ub,
        "A_eq": a_eq,
        "b_eq": np.full(c.n_proposals, float(K)),
        "bounds": (0.0, 1.0),
        "method": "highs",
    }


def baseline(inst: Instance, problem: dict[str, object], limit: float) -> tuple[float, str]:
    """Solve the LP; return (objective over the rounded integral pairs, status text)."""
    res = linprog(**problem, options={"time_limit": limit})  # type: ignore[call-overload]
    if res.status != 0:
        return math.nan, f"not solved ({res.message.strip()})"
    x = res.x
    if np.max(np.minimum(x, 1 - x)) > 1e-6:
        return -res.fun, "optimal but fractional (unexpected)"
    chosen = x > 0.5
    return math.fsum(inst.candidates.affinity[chosen].tolist()), "optimal, integral"


def _reset_peak() -> None:
    # Linux: "5" resets VmHWM to the current RSS; elsewhere the peak is since process start.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], object], repeats: int) -> tuple[object, float, float]:
    """Run `fn` `repeats` times; return the last result, median wall and median CPU time."""
    wall, cpu, out = [], [], None
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return out, statistics.median(wall), statistics.median(cpu)


Spec = tuple[str, int, int, int]  # kind, proposals, reviewers, seed


def make_instance(spec: Spec) -> Instance:
    """Build the seeded synthetic call a spec names."""
    kind, n_p, n_r, seed = spec
    makers = {"dense": dense_instance, "sparse": sparse_instance, "quota": quota_instance}
    return makers[kind](n_p, n_r, seed)


def measure_ours(spec: Spec, repeats: int) -> dict[str, float]:
    """In a child process: build the call, solve it `repeats` times, report time and memory."""
    inst = make_instance(spec)
    _reset_peak()
    result, wall, cpu = timed(lambda: ours(inst), repeats)
    assert isinstance(result, Assignment)
    return {
        "objective": result.total_affinity,
        "feasible": float(result.feasible),
        "ours": wall,
        "ours_cpu": cpu,
        "peak": _peak_mib(),
    }


def run(spec: Spec, limit: float, repeats: int) -> dict[str, float]:
    """Solve one call both ways and print a line per solver."""
    # A fresh process per call, so each peak-memory figure stands alone; it ends before the
    # baseline starts so the two never compete for the CPU.
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        mine = pool.submit(measure_ours, spec, repeats).result()
    inst = make_instance(spec)
    c = inst.candidates
    print(f"[{inst.name}] {c.n_proposals} x {c.n_reviewers}, {c.size} candidate pairs")
    print(
        f"  ours     objective={mine['objective']:.6f} feasible={bool(mine['feasible'])} "
        f"time={mine['ours']:.3f}s cpu={mine['ours_cpu']:.3f}s (medians of {repeats}) "
        f"peak_rss={mine['peak']:.0f} MiB"
    )
    problem = baseline_problem(inst)
    (objective, status), t_base, cpu_base = timed(lambda: baseline(inst, problem, limit), 1)
    print(
        f"  baseline objective={objective:.6f} {status} "
        f"time={t_base:.3f}s cpu={cpu_base:.3f}s (HiGHS LP, 1 run)"
    )
    gap = mine["objective"] - objective
    print(f"  gap={gap:.3e} ratio={mine['ours'] / t_base:.4f}", flush=True)
    return {**mine, "gap": gap, "base": t_base, "base_cpu": cpu_base}


def main() -> None:
    """Parse arguments, run the three calls, print the summary line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller instances, seconds")
    parser.add_argument("--seed", type=int, default=20260401)
    parser.add_argument(
        "--baseline-limit", type=float, default=900.0, help="HiGHS time limit per instance (s)"
    )
    args = parser.parse_args()
    # --quick: a fifth of the dense call, a tenth of the sparse ones; same k, cap and shape.
    dense_div, div = (5, 10) if args.quick else (1, 1)
    specs: list[Spec] = [
        ("dense", 2000 // dense_div, 1000 // dense_div, args.seed),
        ("sparse", 10000 // div, 5000 // div, args.seed + 1),
        ("quota", 20000 // div, 15000 // div, args.seed + 2),
    ]
    # Other work on a shared machine stretches wall times; CPU times show it.
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    stats = {}
    for spec in specs:
        # Quick solves take milliseconds: more repeats keep the median clear of scheduler noise.
        stats[spec[0]] = run(spec, args.baseline_limit, 9 if args.quick else 3)
    summary(stats)


def summary(stats: dict[str, dict[str, float]]) -> None:
    """The last line: key=value pairs, worst gap and worst ratio first."""
    gaps = [s["gap"] for s in stats.values()]
    worst_gap = max(gaps, key=lambda g: (math.isnan(g), abs(g)))
    ratio = max(s["ours"] / s["base"] for s in stats.values())
    cpu_ratio = max(s["ours_cpu"] / s["base_cpu"] for s in stats.values())
    parts = [f"objective_gap={worst_gap:.6g}", f"ratio={ratio:.4f}", f"cpu_ratio={cpu_ratio:.4f}"]
    for name, s in stats.items():
        parts += [
            f"{name}_gap={s['gap']:.6g}",
            f"{name}_ratio={s['ours'] / s['base']:.4f}",
            f"{name}_time_s={s['ours']:.3f}",
            f"{name}_cpu_s={s['ours_cpu']:.3f}",
            f"{name}_baseline_s={s['base']:.3f}",
            f"{name}_peak_mib={s['peak']:.0f}",
        ]
    print(" ".join(parts))


if __name__ == "__main__":
    main()
