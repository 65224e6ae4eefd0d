"""Property tests: on small random calls the solver matches a MILP and breaks no constraint."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays as np_arrays

from reviewers.assignment import solve_assignment
from reviewers.candidates import Candidates
from tests.unit.reviewers.reference import Instance, assert_valid, best_partial, natural_optimum

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Affinities are multiples of 0.1 (exact at the solver's scale); MILP tolerance dominates.
TOL = 1e-6


def arrays(dtype, shape, *, elements=None):  # type: ignore[no-untyped-def]
    # fill=nothing draws every element: the default fill would make most entries equal.
    return np_arrays(dtype, shape, elements=elements, fill=st.nothing())


@st.composite
def instances(draw: st.DrawFn) -> Instance:
    """A call of at most 6 proposals × 8 reviewers in plain, pool or quota mode."""
    n_p, n_r = draw(st.integers(1, 6)), draw(st.integers(1, 8))
    # Mostly unconflicted pairs, so that feasible and infeasible calls both come up often.
    allowed = draw(arrays(np.bool_, (n_p, n_r), elements=st.sampled_from([True] * 4 + [False])))
    aff = draw(arrays(np.int64, (n_p, n_r), elements=st.integers(-3, 30))) / 10
    cap = draw(arrays(np.int64, n_r, elements=st.sampled_from([0, 1, 2, 2, 3, 4])))
    cand = Candidates.from_dense(aff, ~allowed)
    mode = draw(st.sampled_from(["plain", "pools", "quota"]))
    if mode == "pools":
        pool = draw(arrays(np.int64, n_r, elements=st.integers(0, 1)))
        k = draw(arrays(np.int64, (n_p, 2), elements=st.sampled_from([0, 1, 1, 1, 2])))
        return Instance(cand, k, cap, pool=pool)
    if mode == "quota":
        country = draw(arrays(np.int64, n_r, elements=st.integers(0, 2)))
        quota = {0: draw(st.sampled_from([0, 1, 1, 2])), 1: draw(st.sampled_from([0, 1, 1]))}
        extra = draw(arrays(np.int64, n_p, elements=st.sampled_from([0, 1, 1, 2])))
        return Instance(cand, sum(quota.values()) + extra, cap, country=country, quota=quota)
    k = draw(arrays(np.int64, n_p, elements=st.sampled_from([0, 1, 2, 2, 3])))
    return Instance(cand, k, cap)


@PROPERTY
@given(inst=instances())
def test_solution_never_breaks_a_constraint(inst: Instance) -> None:
    result = solve_assignment(inst.candidates, **inst.solver_kwargs())

    mode = "pools" if inst.pool is not None else "quota" if inst.quota else "plain"
    event(f"{mode}, feasible={result.feasible}, empty={result.size == 0}")
    assert_valid(result, inst)


@PROPERTY
@given(inst=instances())
def test_feasible_exactly_when_milp_feasible_and_objective_equals_milp(inst: Instance) -> None:
    result = solve_assignment(inst.candidates, **inst.solver_kwargs())

    optimum = natural_optimum(inst)

    assert result.feasible == (optimum is not None)
    if optimum is not None:
        assert result.total_affinity == pytest.approx(optimum, abs=TOL)


@PROPERTY
@given(inst=instances())
def test_partial_assignment_has_maximum_coverage_then_affinity(inst: Instance) -> None:
    result = solve_assignment(inst.candidates, **inst.solver_kwargs())

    covered, affinity = best_partial(inst)

    assert result.size == covered
    assert result.total_affinity == pytest.approx(affinity, abs=TOL)


@PROPERTY
@given(inst=instances(), data=st.data())
def test_resolve_after_a_decline_keeps_fixed_and_is_optimal(
    inst: Instance, data: st.DataObject
) -> None:
    first = solve_assignment(inst.candidates, **inst.solver_kwargs())
    if first.size == 0:
        return
    chosen = np.column_stack([first.proposal_idx, first.reviewer_idx])
    keep = data.draw(arrays(np.bool_, first.size))
    declined = data.draw(st.integers(0, first.size - 1))
    keep[declined] = False
    inst.fixed, inst.excluded = chosen[keep], chosen[[declined]]

    second = solve_assignment(inst.candidates, **inst.solver_kwargs())

    assert_valid(second, inst)
    covered, affinity = best_partial(inst)
    assert second.size == covered
    assert second.total_affinity == pytest.approx(affinity, abs=TOL)
