"""Every closed vocabulary is an `enum` in the OpenAPI document, in requests and responses, with
exactly the values the server accepts and sends (read from the enums the code uses)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models.proposals import BUDGET_CATEGORIES
from grants.db.models.reviews import ConflictStatus
from grants.security.principal import Role
from reviewers.affinity import Bid
from reviewers.aggregation import Method
from reviewers.shortfall import ShortfallReason
from tests.factories import bearer, make_user
from workflows.machines.account import AccountState
from workflows.machines.call import CallState
from workflows.machines.call_service import ServiceState
from workflows.machines.grant import GrantState
from workflows.machines.proposal import ProposalState
from workflows.machines.ranking import RankingState
from workflows.machines.review_assignment import AssignmentState

Client = httpx.AsyncClient

LOCALES = ["en", "vi", "ja"]
COFUNDING_MODES = ["own_side", "shared"]
REVIEW_MODES = ["parallel", "joint"]
# One vocabulary for reviews, agency rankings and the joint ranking.
RECOMMENDATIONS = ["fund", "fund_if_possible", "do_not_fund"]
CONFLICT_SOURCES = [
    "same_institution",
    "consortium_member",
    "coauthor",
    "excluded_by_applicants",
    "declared_by_reviewer",
    "enterprise_partner",
]

# (schema, property) → (values, nullable)
EXPECTED: dict[tuple[str, str], tuple[list[str], bool]] = {
    # states in responses
    ("Call", "state"): (list(CallState), False),
    ("CallDetail", "state"): (list(CallState), False),
    ("Proposal", "state"): (list(ProposalState), False),
    ("ProposalDetail", "state"): (list(ProposalState), False),
    ("Assignment", "state"): (list(AssignmentState), False),
    ("AssignedReviewer", "state"): (list(AssignmentState), False),
    ("ReviewForm", "assignment_state"): (list(AssignmentState), False),
    ("CallService", "state"): (list(ServiceState), False),
    ("RankingView", "state"): (list(RankingState), False),
    ("User", "state"): (list(AccountState), False),
    # modes
    ("Call", "cofunding_mode"): (COFUNDING_MODES, False),
    ("Call", "review_mode"): (REVIEW_MODES, False),
    ("CallCreate", "cofunding_mode"): (COFUNDING_MODES, False),
    ("CallCreate", "review_mode"): (REVIEW_MODES, False),
    ("CallUpdate", "cofunding_mode"): (COFUNDING_MODES, True),
    ("CallMoney", "cofunding_mode"): (COFUNDING_MODES, False),
    ("CallUpdate", "review_mode"): (REVIEW_MODES, True),
    ("AssignmentReport", "review_mode"): (REVIEW_MODES, False),
    # budget categories
    ("BudgetLineIn", "category"): (list(BUDGET_CATEGORIES), False),
    ("BudgetLine", "category"): (list(BUDGET_CATEGORIES), False),
    # bids
    ("BidBody", "level"): (list(Bid), False),
    ("BidView", "level"): (list(Bid), False),
    ("BiddableProposal", "bid"): (list(Bid), True),
    # recommendations
    ("ReviewUpdate", "recommendation"): (RECOMMENDATIONS, True),
    ("ReviewForm", "recommendation"): (RECOMMENDATIONS, True),
    ("PanelReview", "recommendation"): (RECOMMENDATIONS, True),
    ("PeerReview", "recommendation"): (RECOMMENDATIONS, True),
    ("ApplicantReview", "recommendation"): (RECOMMENDATIONS, True),
    ("ProposalScore", "recommendation"): (RECOMMENDATIONS, True),
    ("RankingEntryUpdate", "recommendation"): (RECOMMENDATIONS, True),
    ("JointEntry", "recommendation"): (RECOMMENDATIONS, False),
    ("RankingEntry", "recommendation"): (RECOMMENDATIONS, True),
    # member roles, account roles, locales
    ("MemberCreate", "role"): (["member", "co_investigator"], False),
    ("MemberUpdate", "role"): (["member", "co_investigator"], True),
    ("Member", "role"): (["pi", "co_investigator", "member"], False),
    ("Invitation", "role"): (["pi", "co_investigator"], False),
    ("RoleGrant", "role"): (list(Role), False),
    ("RoleView", "role"): (list(Role), False),
    ("UserCreate", "locale"): (LOCALES, True),
    ("UserUpdate", "locale"): (LOCALES, True),
    ("User", "locale"): (LOCALES, True),
    # conflicts, assignments, scores
    ("ConflictView", "status"): (list(ConflictStatus), False),
    ("ConflictDetail", "status"): (list(ConflictStatus), False),
    ("ConflictView", "source"): (CONFLICT_SOURCES, False),
    ("ConflictDetail", "source"): (CONFLICT_SOURCES, False),
    ("Assignment", "source"): (["solver", "manual"], False),
    ("Shortfall", "reason"): (list(ShortfallReason), False),
    ("CallScores", "method"): (list(Method), False),
}

# Property names that always hold a closed vocabulary of strings, wherever they appear (an
# integer `status` is Problem's HTTP status).
ENUM_NAMES = {
    "state",
    "assignment_state",
    "status",
    "source",
    "recommendation",
    "locale",
    "role",
    "review_mode",
    "cofunding_mode",
    "category",
    "level",
    "bid",
    "method",
}
# Where one of those names holds free text: an exchange rate's `source` is whoever published
# it (a central bank, a data vendor), not a vocabulary of ours.
FREE_TEXT = {
    "FxRate.source",
    "FxRateCreate.source",
    "RateUsed.source",
    # an enterprise partner's role in the project, in its own words
    "Partner.role",
    "PartnerCreate.role",
    "PartnerUpdate.role",
}


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    return spec["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else node


def _enum(spec: dict[str, Any], node: dict[str, Any]) -> tuple[list[Any] | None, bool]:
    """The non-null values a property's schema enumerates (None when it enumerates none) and
    whether it allows null, through `$ref`s, `anyOf`/`oneOf` alternatives and a lone `allOf`."""
    node = _resolve(spec, node)
    if len(node.get("allOf", [])) == 1:  # a `$ref` beside a default
        return _enum(spec, node["allOf"][0])
    branches = node.get("anyOf") or node.get("oneOf")
    if branches:
        parts = [_enum(spec, b) for b in branches if _resolve(spec, b).get("type") != "null"]
        nullable = len(parts) < len(branches) or any(n for _, n in parts)
        values = [v for p, _ in parts for v in (p or [])]
        return (values if all(p is not None for p, _ in parts) else None), nullable
    types = node.get("type")
    nullable = types == "null" or (isinstance(types, list) and "null" in types)
    if "enum" not in node:
        return None, nullable
    return [v for v in node["enum"] if v is not None], nullable or None in node["enum"]


async def _schemas(client: Client) -> tuple[dict[str, Any], dict[str, Any]]:
    spec = (await client.get("/schema/openapi.json")).json()
    return spec, spec["components"]["schemas"]


async def test_openapi_enums_list_exactly_the_values_of_each_vocabulary(client: Client) -> None:
    spec, schemas = await _schemas(client)

    found = {
        (name, prop): _enum(spec, schemas[name]["properties"][prop]) for name, prop in EXPECTED
    }

    assert {k: (sorted(v or []), n) for k, (v, n) in found.items()} == {
        k: (sorted(v), n) for k, (v, n) in EXPECTED.items()
    }


async def test_openapi_enums_on_every_vocabulary_property(client: Client) -> None:
    spec, schemas = await _schemas(client)

    plain = sorted(
        f"{name}.{prop}"
        for name, schema in schemas.items()
        for prop, node in schema.get("properties", {}).items()
        if prop in ENUM_NAMES
        and node.get("type") != "integer"
        and _enum(spec, node)[0] is None
        and f"{name}.{prop}" not in FREE_TEXT
    )

    assert plain == []


async def test_openapi_enums_of_states_are_named_components(client: Client) -> None:
    _, schemas = await _schemas(client)
    expected = {
        "CallState": list(CallState),
        "ProposalState": list(ProposalState),
        "AssignmentState": list(AssignmentState),
        "ServiceState": list(ServiceState),
        "RankingState": list(RankingState),
        "AccountState": list(AccountState),
        "ConflictStatus": list(ConflictStatus),
    }

    assert {name: schemas[name]["enum"] for name in expected} == expected


def _parameters(spec: dict[str, Any], path: str, method: str) -> list[dict[str, Any]]:
    return list(spec["paths"][path][method]["parameters"])


async def test_openapi_enums_on_the_score_method_parameter(client: Client) -> None:
    spec, _ = await _schemas(client)
    operations = [
        ("/api/calls/{call_id}/scores", "get"),
        ("/api/calls/{call_id}/rankings/{code}/draft", "post"),
    ]

    found = {
        path: [
            _enum(spec, p["schema"]) for p in _parameters(spec, path, m) if p["name"] == "method"
        ]
        for path, m in operations
    }

    assert found == {path: [(list(Method), False)] for path, _ in operations}


async def test_openapi_enums_one_recommendation_vocabulary_everywhere(client: Client) -> None:
    spec, schemas = await _schemas(client)

    found = {
        name: sorted(_enum(spec, schema["properties"]["recommendation"])[0] or [])
        for name, schema in schemas.items()
        if "recommendation" in schema.get("properties", {})
    }

    assert found == dict.fromkeys(found, sorted(RECOMMENDATIONS))
    assert len(found) == 9


CONFLICT_STATUSES = list(ConflictStatus)
# Every closed-vocabulary filter of a list (path, query parameter) → its values.
FILTERS: dict[tuple[str, str], list[str]] = {
    ("/api/calls", "state"): list(CallState),
    ("/api/proposals", "state"): list(ProposalState),
    ("/api/calls/{call_id}/assignments", "state"): list(AssignmentState),
    ("/api/me/review-assignments", "state"): list(AssignmentState),
    ("/api/calls/{call_id}/reviewers", "state"): list(ServiceState),
    ("/api/calls/{call_id}/conflicts", "status"): CONFLICT_STATUSES,
    ("/api/calls/{call_id}/conflicts", "source"): CONFLICT_SOURCES,
    ("/api/users", "state"): list(AccountState),
    ("/api/users", "role"): list(Role),
    ("/api/calls/{call_id}/scores", "method"): list(Method),
    ("/api/grants", "state"): list(GrantState),
}


async def test_openapi_enums_on_every_closed_list_filter(client: Client) -> None:
    spec, _ = await _schemas(client)

    found = {
        (path, p["name"]): sorted(_enum(spec, p["schema"])[0] or [])
        for path, operations in spec["paths"].items()
        for p in operations.get("get", {}).get("parameters", [])
        if p["in"] == "query" and p["name"] in ENUM_NAMES
    }

    assert found == {key: sorted(values) for key, values in FILTERS.items()}


async def test_unknown_or_empty_filter_value_is_422_naming_the_parameter(
    client: Client, db: AsyncSession
) -> None:
    headers = await bearer(db, await make_user(db, "admin"))
    call_id = uuid.uuid4()

    answers = {
        (path, name, value): await client.get(
            path.format(call_id=call_id), params={name: value}, headers=headers
        )
        for path, name in FILTERS
        for value in ("bogus", "")
    }

    assert {
        key: (r.status_code, r.headers["content-type"], r.json()["errors"])
        for key, r in answers.items()
    } == {
        (path, name, value): (422, "application/problem+json", [_refusal(name, values)])
        for (path, name), values in FILTERS.items()
        for value in ("bogus", "")
    }


def _refusal(name: str, values: list[str]) -> dict[str, Any]:
    """The field error of an unknown value: what Pydantic says of a value outside a
    `Literal`."""
    values = [str(v) for v in values]
    expected = f"{', '.join(repr(v) for v in values[:-1])} or {values[-1]!r}"
    return {
        "field": name,
        "reason": f"Give one of: {expected}.",
        "code": "validation.literal_error",
        "params": {"expected": expected},
    }
