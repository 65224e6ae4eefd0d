"""Why slots stay empty, and the solver's refusals of a call's own data, as messages: a code
with plain parameters that the edge renders in the reader's language."""

from __future__ import annotations

import pytest

from messages import MessageError, render
from reviewers.assignment import solve_assignment
from reviewers.candidates import Candidates
from reviewers.shortfall import Shortfall, ShortfallReason, explain


@pytest.mark.parametrize(
    ("reason", "group", "code", "english"),
    [
        (
            ShortfallReason.TOO_FEW_CANDIDATES,
            "JST",
            "shortfall.too_few_candidates",
            "JV-1: too few candidate reviewers from JST once conflicts of interest and declines "
            "are left out (needed 2, candidates 1, assigned 1).",
        ),
        (
            ShortfallReason.CAPACITY_TOO_LOW,
            None,
            "shortfall.capacity_too_low_any",
            "JV-1: the reviewers' load caps add up to fewer reviews than the call needs "
            "(needed 2, candidates 1, assigned 1).",
        ),
        (
            ShortfallReason.CAPS_EXHAUSTED,
            "VN",
            "shortfall.caps_exhausted",
            "JV-1: its candidates from VN reached their load caps with other proposals "
            "(needed 2, candidates 1, assigned 1).",
        ),
    ],
)
def test_a_shortfall_is_explained_with_its_counts(
    reason: ShortfallReason, group: str | None, code: str, english: str
) -> None:
    shortfall = Shortfall(0, None if group is None else 0, 2, 1, 1, reason)

    message = explain(shortfall, "JV-1", group)

    counts = {"proposal": "JV-1", "needed": 2, "available": 1, "assigned": 1}
    assert (message.code, dict(message.params)) == (
        code,
        counts if group is None else {**counts, "group": group},
    )
    assert render(message, "en") == english


def test_every_reason_has_an_explanation_with_and_without_a_group() -> None:
    for reason in ShortfallReason:
        for group in ("JST", None):
            assert explain(Shortfall(0, 0, 1, 0, 0, reason), "JV-1", group).code.startswith(
                f"shortfall.{reason.value}"
            )


def test_kept_assignments_over_a_cap_are_refused_with_a_message() -> None:
    candidates = Candidates.from_dense([[0.5, 0.4], [0.3, 0.2]])

    with pytest.raises(MessageError) as refused:
        solve_assignment(candidates, k=1, cap=1, fixed=[[0, 0], [1, 0]])

    assert (refused.value.message.code, dict(refused.value.message.params)) == (
        "solver.fixed_over_cap",
        {"reviewer": 0},
    )
    assert str(refused.value) == "The assignments already kept exceed the load cap of reviewer 0."
