"""Where the standards' own files live: `../shared/standards/` beside the repository root.

A missing directory is an error, never a skip: the vector, schema and XSD tests are what prove
the exports and proofs conform, and a run that silently lost them would prove nothing.
`COFUND_STANDARDS` points elsewhere for a clone that is not a sibling of `shared/`.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
STANDARDS = Path(os.environ.get("COFUND_STANDARDS", REPO_ROOT.parent / "shared" / "standards"))


def standards_dir(name: str) -> Path:
    """The directory of one standard's files; raises FileNotFoundError when it is missing."""
    path = STANDARDS / name
    if not path.is_dir():
        raise FileNotFoundError(
            f"{path} is missing: the standards' files must sit in ../shared/standards beside the "
            "repository (or set COFUND_STANDARDS to their directory)"
        )
    return path
