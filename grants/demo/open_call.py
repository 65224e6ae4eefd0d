"""The open demo call, NEXUS-JV-2027, co-funded by JST and NAFOSTED."""

from __future__ import annotations

import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from grants.bindings import CALLS
from grants.calls.schemas import CallCreate
from grants.calls.services import Author, create_call
from grants.common.actors import Actor
from grants.db.models import User
from grants.demo.acting import act
from workflows.machines.call import CallEvent

DEMO_CALL_CODE = "NEXUS-JV-2027"


def demo_call(now: datetime.datetime) -> CallCreate:
    """The Japan–Vietnam semiconductor call, open since yesterday and closing in 60 days."""
    closes_at = now + datetime.timedelta(days=60)
    return CallCreate.model_validate(
        {
            "code": DEMO_CALL_CODE,
            "title": {
                "en": "Japan–Vietnam joint research on semiconductors",
                "ja": "日越半導体共同研究",
                "vi": "Hợp tác nghiên cứu chung Nhật Bản–Việt Nam về bán dẫn",
            },
            "description": {
                "en": "Joint projects of a Japanese and a Vietnamese team; each agency funds "
                "its own country's team.",
            },
            "topics": ["advanced packaging", "chip design", "EDA", "edge-AI hardware"],
            "opens_at": now - datetime.timedelta(days=1),
            "closes_at": closes_at,
            "durations": [3, 5, 10],
            "reviewers_per_proposal": 3,
            "min_reviewers_per_country": 1,
            "review_deadline": closes_at + datetime.timedelta(days=90),
            "rubric": [
                criterion("novelty", "Scientific novelty", 40),
                criterion("feasibility", "Feasibility and team", 30),
                criterion("impact", "Bilateral impact", 30),
            ],
            "document_kinds": [
                kind("project_description", "Project description", True, 10),
                kind("cv", "CVs of the PIs", False, 5),
            ],
            "agencies": [
                terms("JST", 15_000_000, 45_000_000, 450_000_000),
                terms("NAFOSTED", 2_000_000_000, 6_000_000_000, 60_000_000_000),
            ],
        }
    )


def criterion(key: str, label: str, weight: int) -> dict[str, object]:
    return {"key": key, "label": label, "weight": weight, "scale_min": 1, "scale_max": 5}


def kind(kind: str, label: str, required: bool, mib: int) -> dict[str, object]:
    return {
        "kind": kind,
        "label": label,
        "required": required,
        "max_bytes": mib * 1024 * 1024,
        "allowed_types": ["application/pdf"],
    }


def terms(agency: str, per_year: int, total: int, envelope: int) -> dict[str, object]:
    return {"agency": agency, "cap_per_year": per_year, "cap_total": total, "envelope": envelope}


async def seed_call(session: AsyncSession, officers: dict[str, User]) -> None:
    """Create the demo call as JST's officer; each agency's officer approves its side and the
    second key publishes it, through the call workflow."""
    jst = officers["JST"]
    author = Author(Actor(id=jst.id, label=jst.email), jst.roles[0].agency_id)
    call = await create_call(session, demo_call(datetime.datetime.now(datetime.UTC)), author=author)
    for officer in officers.values():
        await act(session, CALLS, call, CallEvent.APPROVE, officer)
