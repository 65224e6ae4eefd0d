"""How long one account and address must wait after failed sign-ins: growing, capped delays.

A delay, not a ban: after the free failures each further one doubles the wait, up to a cap, and
it is counted per (account, address), so a stranger guessing someone's password slows only
their own address, never the owner signing in from theirs.
"""

from __future__ import annotations


def delay_seconds(failures: int, *, free: int, base: int, cap: int) -> int:
    """The wait after the last of `failures` consecutive failures: none for the first `free`,
    then `base`, 2 × `base`, 4 × `base`, … never more than `cap`."""
    if failures < free:
        return 0
    # Bounded exponent: a huge count must not build a huge integer before the cap applies.
    return min(cap, base * 2 ** min(failures - free, 32))
