"""The screening an upload of a kind gets (`storage.screen`), from the settings."""

from __future__ import annotations

from grants.settings import Settings
from storage.screen import Screening

DEFAULT_SCREENING = Screening()


def screening_for(settings: Settings, kind: str) -> Screening:
    """Refuse active content unless the kind is set to "flag"; the archive limits of all kinds."""
    return Screening(
        active_content=settings.upload_active_content.get(kind, "refuse"),
        max_unpacked_bytes=settings.upload_max_unpacked_bytes,
        max_ratio=settings.upload_max_unpack_ratio,
    )
