"""documents feature: schemas, services and HTTP controllers."""

from __future__ import annotations

from typing import Any

from grants.documents.controllers import DocumentController

# Route handlers (controllers) this feature adds to the app; grants/app.py mounts them.
ROUTES: list[Any] = [DocumentController]
