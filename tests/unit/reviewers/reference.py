"""Reference answers for the assignment tests: MILPs over the pairs (scipy.optimize.milp).

Written over the candidate pairs directly, not over the solver's flow network, so they check
the model and not only the code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from reviewers.assignment import Assignment
from reviewers.candidates import Candidates

_OPTIONS = {"mip_rel_gap": 0.0, "time_limit": 20.0}


@dataclass
class Instance:
    """A small call in the solver's terms."""

    candidates: Candidates
    k: np.ndarray  # (P,) or (P, G) with pools
    cap: np.ndarray
    pool: np.ndarray | None = None
    country: np.ndarray | None = None
    quota: dict[int, int] | None = None
    fixed: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))
    excluded: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))

    def solver_kwargs(self) -> dict[str, object]:
        """Keyword arguments for solve_assignment."""
        return {
            "k": self.k,
            "cap": self.cap,
            "reviewer_pool": self.pool,
            "reviewer_country": self.country,
            "country_quota": self.quota,
            "fixed": self.fixed,
            "excluded": self.excluded,
        }

    def usable(self) -> np.ndarray:
        """Candidate pairs not excluded."""
        c = self.candidates
        pairs = set(map(tuple, self.excluded.tolist()))
        return np.array(
            [(p, r) not in pairs for p, r in zip(c.proposal_idx, c.reviewer_idx, strict=True)],
            dtype=bool,
        )

    def fixed_mask(self) -> np.ndarray:
        """Candidate pairs that are fixed."""
        c = self.candidates
        pairs = set(map(tuple, self.fixed.tolist()))
        return np.array(
            [(p, r) in pairs for p, r in zip(c.proposal_idx, c.reviewer_idx, strict=True)],
            dtype=bool,
        )

    def required(self) -> int:
        """Total reviewer slots of the call."""
        return int(self.k.sum())


def _rows(keys: np.ndarray, n_rows: int, n_cols: int, coef: float = 1.0) -> sparse.csr_array:
    return sparse.csr_array(
        (np.full(n_cols, coef), (keys, np.arange(n_cols))), shape=(n_rows, n_cols)
    )


def _shared_parts(inst: Instance) -> tuple[np.ndarray, np.ndarray, np.ndarray, list]:
    use = inst.usable()
    p = inst.candidates.proposal_idx[use]
    r = inst.candidates.reviewer_idx[use]
    lower = inst.fixed_mask()[use].astype(float)
    n = int(use.sum())
    cons = [LinearConstraint(_rows(r, inst.cap.size, n), -np.inf, inst.cap)]
    return p, r, lower, cons


def natural_optimum(inst: Instance) -> float | None:
    """Best total affinity with every slot filled exactly; None when that is infeasible."""
    p, r, lower, cons = _shared_parts(inst)
    n_p, n = inst.candidates.n_proposals, p.size
    aff = inst.candidates.affinity[inst.usable()]
    if inst.pool is not None:
        n_g = inst.k.shape[1]
        need = inst.k.ravel()
        cons.append(LinearConstraint(_rows(p * n_g + inst.pool[r], n_p * n_g, n), need, need))
    else:
        cons.append(LinearConstraint(_rows(p, n_p, n), inst.k, inst.k))
    for code, m in (inst.quota or {}).items():
        from_c = (inst.country[r] == code).astype(float)
        rows = sparse.csr_array((from_c, (p, np.arange(n))), shape=(n_p, n))
        cons.append(LinearConstraint(rows, m, np.inf))
    if n == 0:
        return 0.0 if inst.required() == 0 else None
    res = milp(
        -aff, constraints=cons, integrality=np.ones(n), bounds=Bounds(lower, 1), options=_OPTIONS
    )
    return None if res.status == 2 else -res.fun


def best_partial(inst: Instance) -> tuple[int, float]:
    """(most slots fillable, best affinity among those) under the reserved-slot semantics.

    Slots of a proposal: m reserved per quota country, k - Σm open to anyone; an empty
    reserved slot may not be given to a reviewer of another country.
    """
    p, r, lower, cons = _shared_parts(inst)
    n_p, n = inst.candidates.n_proposals, p.size
    aff = inst.candidates.affinity[inst.usable()]
    if n == 0:
        return 0, 0.0
    listed = sorted(inst.quota or {})
    n_y = n_p * len(listed)
    cons = [_pad(c, n_y) for c in cons]
    if inst.pool is not None:
        n_g = inst.k.shape[1]
        cons.append(
            _pad(
                LinearConstraint(
                    _rows(p * n_g + inst.pool[r], n_p * n_g, n), -np.inf, inst.k.ravel()
                ),
                n_y,
            )
        )
    elif not listed:
        cons.append(_pad(LinearConstraint(_rows(p, n_p, n), -np.inf, inst.k), n_y))
    else:
        cons += _quota_slot_constraints(inst, p, r, listed)
    y_upper = np.tile([inst.quota[c] for c in listed], n_p) if listed else np.zeros(0)
    bounds = Bounds(np.concatenate([lower, np.zeros(n_y)]), np.concatenate([np.ones(n), y_upper]))
    integrality = np.ones(n + n_y)
    count = np.concatenate([np.ones(n), np.zeros(n_y)])
    first = milp(-count, constraints=cons, integrality=integrality, bounds=bounds, options=_OPTIONS)
    covered = round(-first.fun)
    cons.append(LinearConstraint(count.reshape(1, -1), covered, np.inf))
    second = milp(
        -np.concatenate([aff, np.zeros(n_y)]),
        constraints=cons,
        integrality=integrality,
        bounds=bounds,
        options=_OPTIONS,
    )
    return covered, -second.fun


def _pad(con: LinearConstraint, extra: int) -> LinearConstraint:
    a = sparse.hstack([sparse.csr_array(con.A), sparse.csr_array((con.A.shape[0], extra))])
    return LinearConstraint(a.tocsr(), con.lb, con.ub)


def _quota_slot_constraints(
    inst: Instance, p: np.ndarray, r: np.ndarray, listed: list[int]
) -> list[LinearConstraint]:
    n_p, n, n_l = inst.candidates.n_proposals, p.size, len(listed)
    m_total = sum(inst.quota.values())
    cons = []
    for i, code in enumerate(listed):
        # y[p, c] <= reviewers of country c on p
        from_c = (inst.country[r] == code).astype(float)
        x_part = sparse.csr_array((-from_c, (p, np.arange(n))), shape=(n_p, n))
        y_part = sparse.csr_array(
            (np.ones(n_p), (np.arange(n_p), np.arange(n_p) * n_l + i)), shape=(n_p, n_p * n_l)
        )
        cons.append(LinearConstraint(sparse.hstack([x_part, y_part]).tocsr(), -np.inf, 0))
    # reviewers on p minus reserved slots filled <= open slots
    x_all = _rows(p, n_p, n)
    y_all = sparse.csr_array(
        (-np.ones(n_p * n_l), (np.repeat(np.arange(n_p), n_l), np.arange(n_p * n_l))),
        shape=(n_p, n_p * n_l),
    )
    cons.append(LinearConstraint(sparse.hstack([x_all, y_all]).tocsr(), -np.inf, inst.k - m_total))
    return cons


def assert_valid(result: Assignment, inst: Instance) -> None:
    """No constraint of the call is broken, whatever the feasibility."""
    c = inst.candidates
    pairs = list(zip(result.proposal_idx.tolist(), result.reviewer_idx.tolist(), strict=True))
    allowed = {
        (p, r): a
        for p, r, a, u in zip(
            c.proposal_idx.tolist(),
            c.reviewer_idx.tolist(),
            c.affinity.tolist(),
            inst.usable().tolist(),
            strict=True,
        )
        if u
    }
    assert len(set(pairs)) == len(pairs)
    assert all(pair in allowed for pair in pairs)
    assert set(map(tuple, inst.fixed.tolist())) <= set(pairs)
    assert result.affinity.tolist() == [allowed[pair] for pair in pairs]
    assert result.total_affinity == math.fsum(allowed[pair] for pair in pairs)
    loads = np.bincount(result.reviewer_idx, minlength=c.n_reviewers)
    assert loads.tolist() == result.loads.tolist()
    assert np.all(loads <= inst.cap)
    _assert_slots(result, inst)
    assert result.feasible == (not result.shortfalls) == (result.size == inst.required())
    assert sum(s.needed - s.assigned for s in result.shortfalls) == result.missing


def _assert_slots(result: Assignment, inst: Instance) -> None:
    n_p = inst.candidates.n_proposals
    per_p = np.bincount(result.proposal_idx, minlength=n_p)
    if inst.pool is not None:
        n_g = inst.k.shape[1]
        got = np.bincount(
            result.proposal_idx * n_g + inst.pool[result.reviewer_idx], minlength=n_p * n_g
        )
        assert np.all(got <= inst.k.ravel())
        return
    assert np.all(per_p <= inst.k)
    if not inst.quota:
        return
    m_total = sum(inst.quota.values())
    reserved_filled = np.zeros(n_p, dtype=np.int64)
    for code, m in inst.quota.items():
        from_c = inst.country[result.reviewer_idx] == code
        count = np.bincount(result.proposal_idx[from_c], minlength=n_p)
        assert np.all((count >= m) | (per_p < inst.k))
        reserved_filled += np.minimum(count, m)
    assert np.all(per_p - reserved_filled <= inst.k - m_total)
