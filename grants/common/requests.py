"""The application's Request: JSON bodies are checked for nesting depth before they are parsed."""

from __future__ import annotations

from typing import Any

from litestar import Request

from grants.common.json_depth import MAX_JSON_DEPTH, nesting_exceeds
from grants.errors import Malformed


class GuardedRequest(Request[Any, Any, Any]):
    """Refuses a JSON body nested deeper than MAX_JSON_DEPTH with 400 problem+json, before
    the parser's recursion can end in RecursionError (a 500)."""

    async def json(self) -> Any:
        # The body is cached by Litestar; rescanning on a repeated call is a linear count.
        if nesting_exceeds(await self.body()):
            raise Malformed(f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels.")
        return await super().json()
