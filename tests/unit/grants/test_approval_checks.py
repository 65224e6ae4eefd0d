"""An approved budget against the request and the caps (`grants.awards.budget_checks`)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from grants.awards.budget_checks import approval_errors
from grants.awards.schemas import ApprovedLineIn
from grants.db.models import CallAgency

CATEGORIES = ("personnel", "equipment", "consumables", "travel", "other", "indirect")
REQUESTS = st.dictionaries(
    st.tuples(st.integers(1, 3), st.sampled_from(CATEGORIES)),
    st.integers(0, 10**13),
    min_size=1,
    max_size=10,
)


def _terms() -> CallAgency:
    return CallAgency(currency="VND", cap_per_year=None, cap_total=None, envelope=None)


def _lines(amounts: dict[tuple[int, str], int], currency: str = "VND") -> list[ApprovedLineIn]:
    return [
        ApprovedLineIn(year=y, category=c, amount=a, currency=currency)  # type: ignore[arg-type]
        for (y, c), a in amounts.items()
    ]


@given(request=REQUESTS, data=st.data())
def test_any_cut_of_the_request_is_accepted(
    request: dict[tuple[int, str], int], data: st.DataObject
) -> None:
    cut = {key: data.draw(st.integers(0, amount)) for key, amount in request.items()}

    assert approval_errors(_lines(cut), request, _terms(), agency="NAFOSTED", duration=3) == []


@given(request=REQUESTS, data=st.data())
def test_any_line_above_its_request_is_named(
    request: dict[tuple[int, str], int], data: st.DataObject
) -> None:
    raised = data.draw(st.sampled_from(sorted(request)))
    approved = dict(request)
    approved[raised] += data.draw(st.integers(1, 10**6))

    errors = approval_errors(_lines(approved), request, _terms(), agency="NAFOSTED", duration=3)

    index = list(approved).index(raised)
    assert [(e.field, getattr(e.reason, "code", None)) for e in errors] == [
        (f"budget[{index}].amount", "decision.budget.over_request")
    ]


def test_caps_are_checked_per_year_and_in_total() -> None:
    terms = CallAgency(currency="JPY", cap_per_year=10, cap_total=15)
    request = {(1, "personnel"): 11, (2, "personnel"): 6}

    errors = approval_errors(_lines(request, "JPY"), request, terms, agency="JST", duration=3)

    assert [(e.field, str(e.reason)) for e in errors] == [
        ("budget", "The approved budget for year 1 totals ¥11, over JST's cap of ¥10 per year."),
        ("budget", "The approved budget totals ¥17, over JST's cap of ¥15 per project."),
    ]
