"""The application's Request: JSON bodies are checked for nesting depth before they are parsed."""

from __future__ import annotations

from typing import Any

from litestar import Request

from grants.common.json_depth import MAX_JSON_DEPTH, nesting_exceeds
from grants.errors import Malformed
from messages import define

TOO_DEEP = define("common.json.too_deep", "The JSON body is nested deeper than {depth} levels.")


class GuardedRequest(Request[Any, Any, Any]):
    """Refuses a JSON body nested deeper than MAX_JSON_DEPTH with 400 problem+json, before
    the parser's recursion can end in RecursionError (a 500)."""

    async def json(self) -> Any:
        # The body is cached by Litestar; rescanning on a repeated call is a linear count.
        if nesting_exceeds(await self.body()):
            raise Malformed(TOO_DEEP(depth=MAX_JSON_DEPTH))
        return await super().json()
