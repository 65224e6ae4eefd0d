"""assignment: schemas, services and controllers."""

from __future__ import annotations

from typing import Any

ROUTES: list[Any] = []
