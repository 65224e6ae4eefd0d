"""Multilingual texts through the API: one type for calls and proposals, merge-patched."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import bearer, make_proposal
from tests.factories_calls import call_body, make_cofunders
from tests.factories_proposals import audit_count, draft_body, make_world
from tests.support.problems import problem

Client = httpx.AsyncClient
UNKNOWN = {
    "reason": "not a language of the texts; the languages are en, ja, and vi",
    "code": "text.language.unknown",
    "params": {"languages": ["en", "ja", "vi"]},
}


async def test_create_call_unknown_language_is_422_naming_it(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)
    body = call_body(description={"en": "Chips.", "fr": "Puces."})

    response = await client.post("/api/calls", headers=co.jst_headers, json=body)

    assert problem(response) == {
        "type": "urn:cofund:problem:invalid",
        "title": "Invalid input",
        "status": 422,
        "detail": "The request has invalid fields.",
        "instance": "/api/calls",
        "code": "problem.invalid_fields",
        "params": {},
        "errors": [{"field": "description.fr", **UNKNOWN}],
    }


async def test_unknown_language_named_in_the_readers_language(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)
    body = call_body(description={"en": "Chips.", "fr": "Puces."})

    headers = {**co.nafosted_headers, "Accept-Language": "vi"}

    response = await client.post("/api/calls", headers=headers, json=body)

    assert (response.headers["content-language"], response.json()["errors"]) == (
        "vi",
        [
            {
                "field": "description.fr",
                "reason": "không phải ngôn ngữ của văn bản; các ngôn ngữ là en, ja và vi",
                "code": "text.language.unknown",
                "params": {"languages": ["en", "ja", "vi"]},
            }
        ],
    )


async def test_create_proposal_texts_stripped_and_unknown_language_refused(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    headers = await bearer(db, world.jp_pi)

    refused = await client.post(
        "/api/proposals", headers=headers, json=draft_body(world, title={"en": "A", "es": "B"})
    )
    created = await client.post(
        "/api/proposals",
        headers=headers,
        json=draft_body(world, title={"en": " Chiplets ", "vi": "Chiplet\n"}, abstract=None),
    )

    assert problem(refused)["errors"] == [{"field": "title.es", **UNKNOWN}]
    assert (created.json()["title"], created.json()["abstract"]) == (
        {"en": "Chiplets", "vi": "Chiplet"},
        {},
    )


async def test_update_proposal_abstract_keeps_english_unless_cleared_whole(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    proposal.abstract = {"en": "Chiplet links.", "ja": "チップレット"}
    await db.flush()
    headers = await bearer(db, world.jp_pi)
    url = f"/api/proposals/{proposal.id}"
    before = await audit_count(db)

    refused = await client.patch(
        url, headers=headers, json={"version": 2, "abstract": {"en": None}}
    )
    merged = await client.patch(url, headers=headers, json={"version": 2, "abstract": {"vi": "Vi"}})

    # The detail is the proposals' own; the text's reason is the shared merge-patch one.
    assert {k: v for k, v in problem(refused).items() if k not in ("code", "params")} == {
        "type": "urn:cofund:problem:invalid",
        "title": "Invalid input",
        "status": 422,
        "detail": "Some fields are invalid or do not fit the call.",
        "instance": url,
        "errors": [
            {
                "field": "abstract.en",
                "reason": "required: it cannot be cleared (null)",
                "code": "edit.cannot_clear",
                "params": {},
            }
        ],
    }
    assert merged.json()["abstract"] == {"en": "Chiplet links.", "ja": "チップレット", "vi": "Vi"}
    assert await audit_count(db) == before + 1


async def test_openapi_shows_one_multilingual_text(client: Client) -> None:
    response = await client.get("/schema/openapi.json")

    schemas = response.json()["components"]["schemas"]
    text = {"$ref": "#/components/schemas/MultilingualText"}
    assert schemas["MultilingualTitle"] == {
        "properties": {
            "en": {"type": "string", "maxLength": 500, "minLength": 1},
            "ja": {
                "oneOf": [{"type": "string"}, {"type": "null"}],
                "maxLength": 500,
                "minLength": 1,
            },
            "vi": {
                "oneOf": [{"type": "string"}, {"type": "null"}],
                "maxLength": 500,
                "minLength": 1,
            },
        },
        "type": "object",
        "required": ["en"],
        "title": "MultilingualTitle",
    }
    assert schemas["CallCreate"]["properties"]["description"] == text
    assert schemas["ProposalCreate"]["properties"]["abstract"] == {
        "oneOf": [text, {"type": "null"}]
    }
    assert schemas["CallUpdate"]["properties"]["title"] == {
        "oneOf": [{"$ref": "#/components/schemas/MultilingualTitlePatch"}, {"type": "null"}]
    }
