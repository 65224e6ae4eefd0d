"""The wait after failed sign-ins: none while free, then doubling, never above the cap."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from grants.accounts.throttle import delay_seconds


def test_free_then_doubling_then_capped() -> None:
    waits = [delay_seconds(n, free=5, base=30, cap=900) for n in range(12)]

    assert waits == [0, 0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900]


@given(
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=0, max_value=50),
    st.integers(min_value=1, max_value=600),
    st.integers(min_value=1, max_value=86_400),
)
def test_one_more_failure_never_shortens_the_wait_nor_passes_the_cap(
    failures: int, free: int, base: int, cap: int
) -> None:
    now = delay_seconds(failures, free=free, base=base, cap=cap)
    after = delay_seconds(failures + 1, free=free, base=base, cap=cap)

    assert now <= after <= cap
    assert (now == 0) == (failures < free)
