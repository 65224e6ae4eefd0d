"""The one form of an e-mail address that CoFund compares and stores.

Two spellings of one address must not be two people: `ａlice@example.jp` (fullwidth letters),
`Alice@Example.JP` and a decomposed `é` are the same person as `alice@example.jp` / a composed
`é`. So every address is stored and compared as NFKC, case-folded, NFKC again (case folding may
leave an unnormalised string; this is Unicode's NFKC_Casefold up to ignorable characters).
"""

from __future__ import annotations

import unicodedata


def normalise(email: str) -> str:
    """`email` as CoFund stores and compares it: NFKC, stripped, case-folded."""
    folded = unicodedata.normalize("NFKC", email).strip().casefold()
    return unicodedata.normalize("NFKC", folded)
