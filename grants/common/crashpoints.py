"""Test-only pause points, so a crash test can kill the process at a known instant.

`await pause_at("document.stored")` returns at once unless the process runs with
`ENVIRONMENT=test` and `COFUND_TEST_PAUSE_AT` names that point (comma-separated names): then
it creates the file `<COFUND_TEST_PAUSE_DIR>/<point>` (the test waits for it) and sleeps for
an hour, holding whatever the code holds there (an open transaction, a stored object), until
the test kills the process. Never active in production: both variables must be set, and
`ENVIRONMENT` must be `test`.

Points: `document.stored` (an upload's object is stored, its row not yet committed),
`workflow.applied` (an event's state change and audit event are flushed, not committed),
`export.stored` (an export's pack is stored, its job not yet marked done), `mail.sent` (a batch
went out over SMTP, its rows not yet marked sent), `checkpoint.signed` (a checkpoint is
flushed, not committed).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import anyio

POINTS_VARIABLE = "COFUND_TEST_PAUSE_AT"
DIR_VARIABLE = "COFUND_TEST_PAUSE_DIR"
PAUSE_SECONDS = 3600


def _armed(point: str) -> Path | None:
    if os.environ.get("ENVIRONMENT", "").lower() != "test":
        return None
    if point not in os.environ.get(POINTS_VARIABLE, "").split(","):
        return None
    marker = Path(os.environ.get(DIR_VARIABLE, ".")) / point
    marker.write_text(str(os.getpid()))
    return marker


async def pause_at(point: str) -> None:
    """Pause here for the crash tests when armed (see the module); otherwise return."""
    if _armed(point) is not None:
        await anyio.sleep(PAUSE_SECONDS)


def pause_at_sync(point: str) -> None:
    """`pause_at` for code running in a worker thread."""
    if _armed(point) is not None:
        time.sleep(PAUSE_SECONDS)
