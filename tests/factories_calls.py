"""Helpers for call tests: the two demo-like agencies, their officers and a complete call body."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Agency, Call, User
from tests.factories import (
    DOCUMENT_KINDS,
    RUBRIC,
    AgencyFactory,
    CallAgencyFactory,
    CallFactory,
    bearer,
    make_user,
    persist,
)


@dataclass
class Cofunders:
    jst: Agency
    nafosted: Agency
    jst_officer: User
    nafosted_officer: User
    jst_headers: dict[str, str]
    nafosted_headers: dict[str, str]


async def make_cofunders(session: AsyncSession) -> Cofunders:
    """JST (JPY, Asia/Tokyo) and NAFOSTED (VND, Asia/Ho_Chi_Minh), each with an officer."""
    jst = AgencyFactory(code="JST", name="Japan Science and Technology Agency")
    nafosted = AgencyFactory(
        code="NAFOSTED",
        name="National Foundation for Science and Technology Development",
        country="VN",
        currency="VND",
        fiscal_year_start_month=1,
        time_zone="Asia/Ho_Chi_Minh",
    )
    await persist(session, jst, nafosted)
    jst_officer = await make_user(session, "officer", agency=jst)
    nafosted_officer = await make_user(session, "officer", agency=nafosted)
    return Cofunders(
        jst,
        nafosted,
        jst_officer,
        nafosted_officer,
        await bearer(session, jst_officer),
        await bearer(session, nafosted_officer),
    )


CALL_BODY: dict[str, Any] = {
    "code": "NEXUS-JV-2030",
    "title": {
        "en": "Japan–Vietnam joint research on semiconductors",
        "ja": "日越半導体共同研究",
        "vi": "Hợp tác nghiên cứu chung Nhật Bản–Việt Nam về bán dẫn",
    },
    "description": {"en": "Joint projects in chip design and advanced packaging."},
    "topics": ["advanced packaging", "chip design", "EDA", "edge-AI hardware"],
    "opens_at": "2030-04-01T00:00:00Z",
    "closes_at": "2030-05-31T08:00:00Z",
    "durations": [3, 5, 10],
    "cofunding_mode": "own_side",
    "review_mode": "parallel",
    "reviewers_per_proposal": 3,
    "min_reviewers_per_country": 1,
    "review_deadline": "2030-08-31T08:00:00Z",
    "rubric": RUBRIC,
    "document_kinds": DOCUMENT_KINDS,
    "agencies": [
        {
            "agency": "JST",
            "cap_per_year": 15_000_000,
            "cap_total": 45_000_000,
            "envelope": 450_000_000,
        },
        {
            "agency": "NAFOSTED",
            "currency": "VND",
            "cap_per_year": 2_000_000_000,
            "cap_total": 6_000_000_000,
            "envelope": 60_000_000_000,
            "max_indirect_percent": 10,
            "pi_once_per_call": False,
        },
    ],
}


def call_body(**changes: Any) -> dict[str, Any]:
    """A complete, valid call body (a deep copy) with `changes` applied at the top level."""
    return {**copy.deepcopy(CALL_BODY), **changes}


async def make_agency_officer(session: AsyncSession) -> dict[str, str]:
    """Headers of an officer of a third agency that co-funds nothing."""
    agency = AgencyFactory(code="NRF", country="KR", currency="KRW", time_zone="Asia/Seoul")
    await persist(session, agency)
    return await bearer(session, await make_user(session, "officer", agency=agency))


async def make_call_with_terms(
    session: AsyncSession, creator: User, terms: list[tuple[Agency, dict[str, Any]]], **fields: Any
) -> Call:
    """A persisted call whose agencies' terms are the factory defaults with each one's changes."""
    call = CallFactory(created_by=creator.id, **fields)
    call.agencies = [
        CallAgencyFactory(agency_id=a.id, position=i, currency=a.currency, **changes)
        for i, (a, changes) in enumerate(terms)
    ]
    await persist(session, call)
    return call
