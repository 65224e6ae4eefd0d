"""Where the standards' own files live: `../shared/standards/` beside the repository root when
it is there (the maintained copy), else the copy under `tests/data/standards/` (the Merkle test
vectors, the 360Giving schemas and the IATI XSD, each with its licence beside it), so a clone
anywhere runs the same checks.

A missing directory is an error, never a skip: the vector, schema and XSD tests are what prove
the exports and proofs conform, and a run that silently lost them would prove nothing.
`COFUND_STANDARDS` points elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT.parent / "shared" / "standards"
VENDORED = REPO_ROOT / "tests" / "data" / "standards"


def _root() -> Path:
    if "COFUND_STANDARDS" in os.environ:
        return Path(os.environ["COFUND_STANDARDS"])
    return SHARED if SHARED.is_dir() else VENDORED


STANDARDS = _root()


def standards_dir(name: str) -> Path:
    """The directory of one standard's files; raises FileNotFoundError when it is missing."""
    path = STANDARDS / name
    if not path.is_dir():
        raise FileNotFoundError(
            f"{path} is missing: the standards' files sit in ../shared/standards beside the "
            "repository or in tests/data/standards (or set COFUND_STANDARDS to their directory)"
        )
    return path
