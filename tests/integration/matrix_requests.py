"""One plausible request per route of the authorization matrix.

Bodies are valid for the route (a 422 raised before the authorization check would hide a 403):
each names the world's resources and the versions they were built with, so an authorized
persona gets past validation and authorization and meets only the entity's state (409) or
succeeds. Path parameters are filled by name from the world (`call_id` → the joint call …);
a route that needs another resource says so in `params`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.factories import RUBRIC
from tests.factories_calls import call_body
from tests.factories_documents import PDF
from tests.factories_matrix import MatrixWorld
from tests.factories_partners import partner_body
from transparency import COSIGNATURE_V1, EMPTY_ROOT, Checkpoint, Note, SignerKey, cosign

Body = Callable[[MatrixWorld], Any]
FIGURES = {
    "publications": 1,
    "patents": 0,
    "students_trained": 2,
    "milestones_met": 1,
    "milestones_planned": 2,
    "summary": "On track.",
}

_WITNESS = SignerKey.generate("witness.matrix.example", COSIGNATURE_V1)
_COSIGNATURE = cosign(
    Note(Checkpoint("cofund.example/audit", 0, EMPTY_ROOT).body()), _WITNESS, 1_796_000_000
).line()

# Which world resource a path parameter names, unless a route says otherwise.
PARAMS = {
    "call_id": "call",
    "proposal_id": "proposal",
    "part_id": "part",
    "member_id": "member",
    "partner_id": "partner",
    "document_id": "document",
    "invitation_id": "invitation",
    "user_id": "user:outsider",
    "agency_id": "agency:spare",
    "token_id": "token:researcher",
    "assignment_id": "assignment",
    "service_id": "service",
    "conflict_id": "conflict",
    "ranking_id": "ranking",
    "grant_id": "grant",
    "tranche_id": "tranche",
    "agreement_id": "agreement",
    "amendment_id": "amendment",
    "report_id": "report",
    "gate_id": "gate",
    "job_id": "export_job",
}
LITERALS = {
    "code": "JST",
    "event": "no_such_event",
    "agency": "JST",
    "year": "1",
    "file": "proposals.csv",
    "seq": "1",
    "verb": "dismiss",
}


@dataclass(frozen=True)
class Req:
    json: Body | None = None
    params: dict[str, str] = field(default_factory=dict)
    content: bytes | str | None = None
    form: dict[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)


def event(data: dict[str, Any] | None = None, entity: str = "") -> Req:
    """A workflow event's body: the version of `entity` as built and the event's data."""
    return Req(json=lambda w: {"version": w.versions[entity], "data": data or {}})


def versioned(entity: str, **fields: Any) -> Body:
    return lambda w: {"version": w.versions[entity], **fields}


def ids(**names: str) -> Body:
    return lambda w: {key: str(w.ids[name]) for key, name in names.items()}


REQUESTS: dict[tuple[str, str], Req] = {
    ("GET", "/health"): Req(),
    ("POST", "/api/auth/login"): Req(
        json=lambda w: {"email": "pi@a.example", "password": "correct horse battery"}
    ),
    ("POST", "/api/auth/logout"): Req(json=lambda w: {}),
    ("POST", "/api/me/tokens"): Req(json=lambda w: {"name": "matrix"}),
    ("GET", "/api/me/tokens"): Req(),
    ("POST", "/api/me/password"): Req(
        json=lambda w: {
            "current_password": "correct horse battery",
            "new_password": "another long passphrase",
        }
    ),
    ("POST", "/api/me/tokens/{token_id:uuid}/revoke"): Req(json=lambda w: {}),
    ("GET", "/api/me"): Req(),
    ("PATCH", "/api/me"): Req(json=lambda w: {"version": 1, "time_zone": "Asia/Tokyo"}),
    ("POST", "/api/users"): Req(
        json=lambda w: {
            "email": "new@example.org",
            "display_name": "New Person",
            "password": "a long enough password",
            "roles": [{"role": "researcher"}],
        }
    ),
    ("GET", "/api/users"): Req(),
    ("PUT", "/api/users/{user_id:uuid}/roles"): Req(
        json=versioned("user:outsider", roles=[{"role": "researcher"}, {"role": "reviewer"}])
    ),
    ("GET", "/api/users/{user_id:uuid}"): Req(),
    ("PATCH", "/api/users/{user_id:uuid}"): Req(
        json=versioned("user:outsider", display_name="Renamed")
    ),
    ("GET", "/api/agencies"): Req(),
    ("POST", "/api/agencies"): Req(
        json=lambda w: {
            "code": "ARC",
            "name": "Australian Research Council",
            "country": "AU",
            "currency": "AUD",
            "fiscal_year_start_month": 7,
            "time_zone": "Australia/Sydney",
        }
    ),
    ("DELETE", "/api/agencies/{agency_id:uuid}"): Req(),
    ("PATCH", "/api/agencies/{agency_id:uuid}"): Req(
        json=versioned("agency:spare", name="National Research Foundation of Korea")
    ),
    ("GET", "/api/agencies/{agency_id:uuid}"): Req(),
    ("POST", "/api/exports/audit-pack"): Req(json=lambda w: {"call": "JV-2026"}),
    ("GET", "/api/exports/jobs/{job_id:uuid}"): Req(),
    ("GET", "/api/exports/jobs/{job_id:uuid}/download"): Req(),
    ("GET", "/api/audit/events"): Req(),
    ("GET", "/api/audit/verify"): Req(),
    ("GET", "/api/exports"): Req(),
    ("GET", "/api/exports/{file:str}"): Req(),
    ("GET", "/api/audit/checkpoint"): Req(),
    ("GET", "/api/audit/checkpoint/details"): Req(),
    ("POST", "/api/audit/checkpoints"): Req(),
    ("GET", "/api/audit/proofs/inclusion"): Req(query={"seq": "1", "size": "1"}),
    ("GET", "/api/audit/proofs/consistency"): Req(query={"from": "1", "to": "1"}),
    ("POST", "/api/audit/checkpoint/cosignatures"): Req(
        json=lambda w: {"size": 0, "cosignature": _COSIGNATURE}
    ),
    ("PUT", "/api/agencies/{agency_id:uuid}/witness-key"): Req(
        json=lambda w: {"vkey": str(_WITNESS.verifier())}
    ),
    ("GET", "/api/agencies/{agency_id:uuid}/witness-key"): Req(),
    ("GET", "/"): Req(),
    ("POST", "/login"): Req(form={"email": "pi@a.example", "password": "x", "csrf": "forged"}),
    ("GET", "/login"): Req(),
    ("POST", "/logout"): Req(form={"csrf": "forged"}),
    ("GET", "/audit"): Req(),
    ("GET", "/audit/events/{seq:int}"): Req(),
    ("GET", "/audit/checkpoint"): Req(),
    ("GET", "/audit/proofs/{seq:int}"): Req(),
    ("GET", "/audit/exports"): Req(),
    ("POST", "/audit/exports/pack"): Req(form={"csrf": "forged", "call": "JV-2026"}),
    ("GET", "/audit/exports/jobs/{job_id:uuid}"): Req(),
    ("GET", "/reviewer"): Req(),
    ("GET", "/reviewer/profile"): Req(),
    ("GET", "/reviewer/calls/{call_id:uuid}/bids"): Req(),
    ("GET", "/reviewer/assignments/{assignment_id:uuid}"): Req(),
    ("GET", "/reviewer/assignments/{assignment_id:uuid}/submit-state"): Req(),
    ("GET", "/checks/ror"): Req(query={"institution_ror": "057zh3y96"}),
    ("GET", "/checks/orcid"): Req(query={"orcid": "0000-0002-1825-0097"}),
    ("POST", "/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/budget/totals"): Req(
        form={"csrf": "forged"}
    ),
    ("POST", "/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/members/{member_id:uuid}"): Req(
        form={"csrf": "forged", "version": "1", "name": "A. Member"}
    ),
    (
        "POST",
        "/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/members/{member_id:uuid}/remove",
    ): Req(form={"csrf": "forged", "version": "1"}),
    ("POST", "/reviewer/services/{service_id:uuid}/{event:str}"): Req(
        form={"csrf": "forged", "version": "1"}
    ),
    ("POST", "/reviewer/assignments/{assignment_id:uuid}/events/{event:str}"): Req(
        form={"csrf": "forged", "version": "1"}
    ),
    ("POST", "/reviewer/profile"): Req(
        form={"csrf": "forged", "version": "1", "expertise": "Chiplets", "keywords": "chiplet"}
    ),
    ("POST", "/reviewer/conflicts"): Req(form={"csrf": "forged", "reason": "Former student."}),
    ("POST", "/reviewer/proposals/{proposal_id:uuid}/bid"): Req(
        form={"csrf": "forged", "level": "eager"}
    ),
    ("POST", "/reviewer/assignments/{assignment_id:uuid}/review"): Req(
        form={"csrf": "forged", "version": "1", "score.novelty": "3"}
    ),
    ("GET", "/grants/{grant_id:uuid}"): Req(),
    ("POST", "/grants/{grant_id:uuid}/tranches/{tranche_id:uuid}/{event:str}"): Req(
        form={"csrf": "forged", "version": "1"}
    ),
    ("POST", "/grants/{grant_id:uuid}/reports/{report_id:uuid}/answer"): Req(
        form={"csrf": "forged", "version": "1", "agency": "JST", "decision": "accept"}
    ),
    ("POST", "/grants/{grant_id:uuid}/midterm/{gate_id:uuid}/answer"): Req(
        form={"csrf": "forged", "version": "1", "agency": "JST", "decision": "continue"}
    ),
    ("POST", "/grants/{grant_id:uuid}/amendments"): Req(
        form={"csrf": "forged", "kind": "no_cost_extension", "reason": "Delays."}
    ),
    ("POST", "/grants/{grant_id:uuid}/amendments/{amendment_id:uuid}/decide"): Req(
        form={"csrf": "forged", "version": "1", "decision": "approve", "rationale": "Fine."}
    ),
    ("GET", "/officer/tranches"): Req(),
    ("GET", "/officer/calls/{call_id:uuid}/decisions"): Req(),
    ("POST", "/officer/calls/{call_id:uuid}/decisions/{proposal_id:uuid}"): Req(
        form={"csrf": "forged", "version": "1", "decision": "reject", "rationale": "No."}
    ),
    ("GET", "/officer/calls/{call_id:uuid}/money"): Req(),
    ("GET", "/officer/calls/{call_id:uuid}/assignment"): Req(),
    ("POST", "/officer/calls/{call_id:uuid}/assignment/run"): Req(form={"csrf": "forged"}),
    ("POST", "/officer/calls/{call_id:uuid}/assignment/refill"): Req(form={"csrf": "forged"}),
    ("POST", "/officer/calls/{call_id:uuid}/assignment/invite"): Req(form={"csrf": "forged"}),
    ("POST", "/officer/calls/{call_id:uuid}/assignment/check"): Req(form={"csrf": "forged"}),
    ("POST", "/officer/calls/{call_id:uuid}/assignment/swap"): Req(form={"csrf": "forged"}),
    (
        "POST",
        "/officer/calls/{call_id:uuid}/assignment/conflicts/{conflict_id:uuid}/{verb:str}",
    ): Req(form={"csrf": "forged", "reason": "A false positive."}),
    ("GET", "/officer/calls/{call_id:uuid}/scores"): Req(),
    ("GET", "/officer/calls/{call_id:uuid}/ranking"): Req(),
    ("POST", "/officer/calls/{call_id:uuid}/ranking/draft"): Req(form={"csrf": "forged"}),
    ("POST", "/officer/calls/{call_id:uuid}/ranking/move"): Req(
        form={"csrf": "forged", "version": "1", "direction": "up"}
    ),
    ("POST", "/officer/calls/{call_id:uuid}/ranking/events/{event:str}"): Req(
        form={"csrf": "forged", "version": "1"}
    ),
    ("POST", "/officer/calls/{call_id:uuid}/review-events/{event:str}"): Req(
        form={"csrf": "forged", "version": "1"}
    ),
    ("GET", "/officer/calls/{call_id:uuid}/joint"): Req(),
    ("POST", "/officer/calls/{call_id:uuid}/joint/record"): Req(form={"csrf": "forged"}),
    ("POST", "/officer/calls/{call_id:uuid}/joint/events/{event:str}"): Req(
        form={"csrf": "forged", "version": "1"}
    ),
    ("GET", "/officer"): Req(),
    ("GET", "/officer/calls/new"): Req(),
    ("POST", "/officer/calls/new"): Req(form={"csrf": "forged", "code": "JV-2099"}),
    ("GET", "/officer/calls/{call_id:uuid}"): Req(),
    ("POST", "/officer/calls/{call_id:uuid}"): Req(form={"csrf": "forged", "version": "1"}),
    ("POST", "/officer/calls/{call_id:uuid}/events/{event:str}"): Req(
        form={"csrf": "forged", "version": "1"}
    ),
    ("GET", "/officer/calls/{call_id:uuid}/eligibility"): Req(),
    ("POST", "/officer/proposals/{proposal_id:uuid}/eligibility/{event:str}"): Req(
        form={"csrf": "forged", "version": "1", "reason": "Within the caps."}
    ),
    ("GET", "/calls"): Req(),
    ("GET", "/calls/{call_id:uuid}"): Req(),
    ("POST", "/calls/{call_id:uuid}/proposals"): Req(form={"csrf": "forged"}),
    ("GET", "/proposals/{proposal_id:uuid}"): Req(),
    ("POST", "/proposals/{proposal_id:uuid}"): Req(form={"csrf": "forged", "version": "1"}),
    ("POST", "/proposals/{proposal_id:uuid}/events/{event:str}"): Req(
        form={"csrf": "forged", "version": "1"}
    ),
    ("POST", "/invitations/{invitation_id:uuid}/accept"): Req(form={"csrf": "forged"}),
    ("POST", "/proposals/{proposal_id:uuid}/invitations"): Req(form={"csrf": "forged"}),
    ("POST", "/proposals/{proposal_id:uuid}/parts/{part_id:uuid}"): Req(form={"csrf": "forged"}),
    ("POST", "/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/members"): Req(
        form={"csrf": "forged"}
    ),
    ("POST", "/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/budget"): Req(
        form={"csrf": "forged"}
    ),
    ("POST", "/api/calls"): Req(json=lambda w: call_body(code="JV-2031", agencies=_terms())),
    ("GET", "/api/calls"): Req(),
    ("GET", "/api/calls/{call_id:uuid}"): Req(),
    ("GET", "/api/calls/{call_id:uuid}/money"): Req(query={"reporting_currency": "USD"}),
    ("GET", "/api/grants/{grant_id:uuid}/money"): Req(),
    ("GET", "/api/open-data/360giving.json"): Req(),
    ("GET", "/api/open-data/360giving.csv"): Req(query={"call": "JV-2026"}),
    ("GET", "/api/open-data/iati.xml"): Req(),
    ("PATCH", "/api/calls/{call_id:uuid}"): Req(json=versioned("call", topics=["EDA"])),
    ("POST", "/api/proposals"): Req(
        json=lambda w: {
            "call_id": str(w.ids["call"]),
            "title": {"en": "Late idea"},
            "topic": "EDA",
            "duration_years": 3,
            "planned_start": "2027-04-01",
        }
    ),
    ("GET", "/api/proposals"): Req(),
    ("POST", "/api/proposals/{proposal_id:uuid}/invitations"): Req(
        json=lambda w: {"agency": "NAFOSTED", "email": "someone@vn.example"}
    ),
    ("GET", "/api/proposals/{proposal_id:uuid}"): Req(),
    ("PATCH", "/api/proposals/{proposal_id:uuid}"): Req(json=versioned("proposal", topic="EDA")),
    ("POST", "/api/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/members"): Req(
        json=lambda w: {"name": "Yuki Mori", "email": "yuki@a.example"}
    ),
    ("PUT", "/api/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/budget"): Req(
        json=versioned(
            "part",
            lines=[{"year": 1, "category": "personnel", "amount": 1_000_000, "currency": "JPY"}],
        )
    ),
    (
        "PATCH",
        "/api/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/members/{member_id:uuid}",
    ): Req(json=versioned("member", name="Kenji Itō")),
    (
        "DELETE",
        "/api/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/members/{member_id:uuid}",
    ): Req(query={"version": "1"}),
    ("PATCH", "/api/proposals/{proposal_id:uuid}/parts/{part_id:uuid}"): Req(
        json=versioned("part", institution_name="Kyoto University")
    ),
    ("GET", "/api/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/partners"): Req(),
    ("POST", "/api/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/partners"): Req(
        json=lambda w: partner_body()
    ),
    (
        "PATCH",
        "/api/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/partners/{partner_id:uuid}",
    ): Req(json=versioned("partner", size_class="large")),
    (
        "DELETE",
        "/api/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/partners/{partner_id:uuid}",
    ): Req(query={"version": "1"}),
    ("POST", "/api/invitations/{invitation_id:uuid}/accept"): Req(json=lambda w: {}),
    ("GET", "/api/invitations"): Req(),
    ("GET", "/api/proposals/{proposal_id:uuid}/documents/{document_id:uuid}/content"): Req(),
    ("GET", "/api/proposals/{proposal_id:uuid}/documents"): Req(),
    ("POST", "/api/proposals/{proposal_id:uuid}/documents"): Req(
        content=PDF,
        query={"kind": "cv"},
        headers={"X-Filename": "UTF-8''cv.pdf", "Content-Type": "application/pdf"},
    ),
    ("GET", "/api/proposals/{proposal_id:uuid}/documents/{document_id:uuid}"): Req(),
    ("POST", "/api/reviewers"): Req(
        json=lambda w: {
            "email": "pi@b.example",
            "expertise": "Power devices.",
            "country": "JP",
            "pools": ["JST"],
        }
    ),
    ("GET", "/api/fx-rates"): Req(),
    ("POST", "/api/fx-rates"): Req(
        json=lambda _: {
            "rate_date": "2027-03-31",
            "base": "JPY",
            "quote": "VND",
            "rate": "170.5",
            "source": "SBV",
        }
    ),
    ("POST", "/api/fx-rates/import"): Req(
        content="date,base,quote,rate,source\n2027-03-31,JPY,VND,170.5,SBV\n",
        headers={"Content-Type": "text/csv"},
    ),
    ("GET", "/api/reviewers"): Req(),
    ("POST", "/api/reviewers/import"): Req(
        content="email,name,expertise,keywords,institution_ror,institution_name,country,orcid,"
        "load_cap,pools\nimported@example.jp,Imported,GaN,gan,,Tohoku University,JP,,5,JST\n",
        headers={"Content-Type": "text/csv"},
    ),
    ("PATCH", "/api/reviewers/{user_id:uuid}"): Req(
        json=versioned("profile:bystander", load_cap=5), params={"user_id": "user:bystander"}
    ),
    ("GET", "/api/reviewers/{user_id:uuid}"): Req(params={"user_id": "user:bystander"}),
    ("GET", "/api/me/review-calls"): Req(),
    ("GET", "/api/me/reviewer-profile"): Req(),
    ("PATCH", "/api/me/reviewer-profile"): Req(json=lambda w: {"version": 1, "keywords": ["GaN"]}),
    ("GET", "/api/calls/{call_id:uuid}/biddable"): Req(),
    ("GET", "/api/calls/{call_id:uuid}/conflicts"): Req(),
    ("POST", "/api/calls/{call_id:uuid}/conflicts/detect"): Req(json=lambda w: {}),
    ("POST", "/api/calls/{call_id:uuid}/reviewers"): Req(
        json=lambda w: {"reviewer": str(w.ids["user:spare_reviewer"]), "agency": "JST"}
    ),
    ("GET", "/api/calls/{call_id:uuid}/reviewers"): Req(),
    ("POST", "/api/conflicts/{conflict_id:uuid}/dismiss"): Req(
        json=lambda w: {"reason": "Different departments."}
    ),
    ("POST", "/api/conflicts/{conflict_id:uuid}/waive"): Req(
        json=lambda w: {"reason": "Only expert available."}
    ),
    ("PUT", "/api/proposals/{proposal_id:uuid}/bid"): Req(json=lambda w: {"level": "eager"}),
    ("POST", "/api/proposals/{proposal_id:uuid}/conflict-declaration"): Req(
        json=lambda w: {"reason": "We co-authored a paper."}
    ),
    ("GET", "/api/proposals/{proposal_id:uuid}/exclusions"): Req(),
    ("PUT", "/api/proposals/{proposal_id:uuid}/exclusions"): Req(
        json=lambda w: [{"name": "A Rival", "reason": "Competing group."}]
    ),
    ("POST", "/api/calls/{call_id:uuid}/assignments"): Req(
        json=lambda w: {
            "proposal_id": str(w.ids["proposal:b"]),
            "reviewer_id": str(w.ids["user:reviewer"]),
            "agency": "JST",
        }
    ),
    ("GET", "/api/calls/{call_id:uuid}/assignments"): Req(),
    ("POST", "/api/calls/{call_id:uuid}/assignment/invite"): Req(json=lambda w: {}),
    ("POST", "/api/calls/{call_id:uuid}/assignment/refill"): Req(json=lambda w: {}),
    ("POST", "/api/calls/{call_id:uuid}/assignment/run"): Req(json=lambda w: {}),
    ("DELETE", "/api/calls/{call_id:uuid}/assignments/{assignment_id:uuid}"): Req(),
    ("GET", "/api/calls/{call_id:uuid}/assignments/{assignment_id:uuid}"): Req(),
    ("GET", "/api/me/review-assignments"): Req(),
    ("GET", "/api/assignments/{assignment_id:uuid}/review"): Req(),
    ("PUT", "/api/assignments/{assignment_id:uuid}/review"): Req(
        json=versioned("assignment", scores={c["key"]: 3 for c in RUBRIC})
    ),
    ("GET", "/api/proposals/{proposal_id:uuid}/reviews"): Req(),
    ("POST", "/api/calls/{call_id:uuid}/rankings/{code:str}/draft"): Req(json=lambda w: {}),
    ("GET", "/api/calls/{call_id:uuid}/joint-ranking"): Req(),
    ("POST", "/api/calls/{call_id:uuid}/joint-ranking"): Req(
        json=lambda w: {
            "entries": [
                {"proposal_id": str(w.ids["proposal"]), "position": 1, "recommendation": "fund"},
                {
                    "proposal_id": str(w.ids["proposal:b"]),
                    "position": 2,
                    "recommendation": "do_not_fund",
                },
            ],
            "minutes": "Joint panel, both agencies present.",
        }
    ),
    ("GET", "/api/calls/{call_id:uuid}/scores"): Req(),
    ("PUT", "/api/calls/{call_id:uuid}/rankings/{code:str}"): Req(
        json=versioned("ranking", entries=[])
    ),
    ("GET", "/api/calls/{call_id:uuid}/rankings/{code:str}"): Req(),
    # Workflow endpoints (generated per binding): the user, call, proposal … as built.
    ("GET", "/api/users/{user_id:uuid}/transitions"): Req(),
    ("POST", "/api/users/{user_id:uuid}/events/{event:str}"): event(entity="user:outsider"),
    ("POST", "/api/users/{user_id:uuid}/events/suspend"): event(
        {"reason": "Matrix"}, "user:outsider"
    ),
    ("POST", "/api/users/{user_id:uuid}/events/reactivate"): event(entity="user:outsider"),
    ("POST", "/api/users/{user_id:uuid}/events/deactivate"): event(entity="user:outsider"),
    ("GET", "/api/calls/{call_id:uuid}/transitions"): Req(),
    ("POST", "/api/calls/{call_id:uuid}/events/{event:str}"): event(entity="call"),
    **{
        ("POST", f"/api/calls/{{call_id:uuid}}/events/{name}"): event(entity="call")
        for name in (
            "approve",
            "publish",
            "close",
            "start_review",
            "start_ranking",
            "start_deciding",
            "finish",
            "cancel",
        )
    },
    ("GET", "/api/proposals/{proposal_id:uuid}/decisions"): Req(),
    ("POST", "/api/proposals/{proposal_id:uuid}/decisions"): Req(
        json=versioned(
            "proposal",
            agency="JST",
            decision="approve",
            rationale="Fund as ranked.",
            budget=[{"year": 1, "category": "personnel", "amount": 1, "currency": "JPY"}],
        )
    ),
    ("GET", "/api/grants"): Req(),
    ("GET", "/api/grants/{grant_id:uuid}"): Req(),
    ("GET", "/api/grants/{grant_id:uuid}/transitions"): Req(),
    ("POST", "/api/grants/{grant_id:uuid}/events/{event:str}"): event(entity="grant"),
    **{
        ("POST", f"/api/grants/{{grant_id:uuid}}/events/{name}"): event(entity="grant")
        for name in ("suspend", "resume", "complete", "terminate")
    },
    ("GET", "/api/grants/{grant_id:uuid}/tranches"): Req(),
    ("POST", "/api/grants/{grant_id:uuid}/sides/{agency:str}/agreement"): Req(
        content=PDF, headers={"X-Filename": "agreement.pdf", "Content-Type": "application/pdf"}
    ),
    ("GET", "/api/grants/{grant_id:uuid}/sides/{agency:str}/agreement"): Req(),
    (
        "GET",
        "/api/grants/{grant_id:uuid}/sides/{agency:str}/agreement/{agreement_id:uuid}/content",
    ): Req(),
    ("PUT", "/api/grants/{grant_id:uuid}/sides/{agency:str}/statements/{year:int}"): Req(
        json=lambda w: {"lines": [{"category": "personnel", "spent": 2}]}
    ),
    ("GET", "/api/grants/{grant_id:uuid}/sides/{agency:str}/statements/{year:int}"): Req(),
    ("GET", "/api/grants/{grant_id:uuid}/statements"): Req(),
    ("GET", "/api/tranches/{tranche_id:uuid}/transitions"): Req(),
    ("POST", "/api/tranches/{tranche_id:uuid}/events/{event:str}"): event(entity="tranche"),
    **{
        ("POST", f"/api/tranches/{{tranche_id:uuid}}/events/{name}"): event(entity="tranche")
        for name in ("request", "resubmit", "approve")
    },
    **{
        ("POST", f"/api/tranches/{{tranche_id:uuid}}/events/{name}"): event(
            {"comment": "See the agreement."}, "tranche"
        )
        for name in ("return", "withhold")
    },
    ("POST", "/api/tranches/{tranche_id:uuid}/events/disburse"): event(
        {"amount": 0, "payment_reference": "JST-PAY-1", "paid_on": "2027-04-10"}, "tranche"
    ),
    ("GET", "/api/grants/{grant_id:uuid}/amendments"): Req(),
    ("POST", "/api/grants/{grant_id:uuid}/amendments"): Req(
        json=lambda w: {"kind": "no_cost_extension", "reason": "Late.", "end_date": "2030-06-01"}
    ),
    ("GET", "/api/amendments/{amendment_id:uuid}"): Req(),
    ("GET", "/api/amendments/{amendment_id:uuid}/transitions"): Req(),
    ("POST", "/api/amendments/{amendment_id:uuid}/events/{event:str}"): event(entity="amendment"),
    ("POST", "/api/amendments/{amendment_id:uuid}/events/decide"): event(
        {"decision": "reject", "rationale": "Not needed."}, "amendment"
    ),
    **{
        ("POST", f"/api/amendments/{{amendment_id:uuid}}/events/{name}"): event(entity="amendment")
        for name in ("approve", "reject", "withdraw", "record")
    },
    ("GET", "/api/grants/{grant_id:uuid}/reports"): Req(),
    ("GET", "/api/reports/{report_id:uuid}"): Req(),
    ("GET", "/api/reports/{report_id:uuid}/transitions"): Req(),
    ("POST", "/api/reports/{report_id:uuid}/events/{event:str}"): event(entity="report"),
    **{
        ("POST", f"/api/reports/{{report_id:uuid}}/events/{name}"): Req(
            json=lambda w: {
                "version": w.versions["report"],
                "data": {"document_id": str(w.ids["narrative"]), "figures": FIGURES},
            }
        )
        for name in ("submit", "resubmit")
    },
    ("POST", "/api/reports/{report_id:uuid}/events/decide"): event(
        {"decision": "accept"}, "report"
    ),
    **{
        ("POST", f"/api/reports/{{report_id:uuid}}/events/{name}"): event(entity="report")
        for name in ("accept", "return", "stop")
    },
    ("POST", "/api/reports/{report_id:uuid}/decisions"): Req(
        json=versioned("report", agency="JST", decision="accept")
    ),
    ("POST", "/api/reports/{report_id:uuid}/reviewers"): Req(
        json=lambda w: {"reviewer": str(w.ids["user:spare_reviewer"])}
    ),
    ("GET", "/api/reports/{report_id:uuid}/reviews"): Req(),
    ("GET", "/api/grants/{grant_id:uuid}/midterm"): Req(),
    ("POST", "/api/grants/{grant_id:uuid}/midterm/decisions"): Req(
        json=versioned("gate", agency="JST", decision="continue", rationale="On track.")
    ),
    ("GET", "/api/midterm-gates/{gate_id:uuid}/transitions"): Req(),
    ("POST", "/api/midterm-gates/{gate_id:uuid}/events/{event:str}"): event(entity="gate"),
    ("POST", "/api/midterm-gates/{gate_id:uuid}/events/decide"): event(
        {"decision": "continue", "rationale": "On track."}, "gate"
    ),
    **{
        ("POST", f"/api/midterm-gates/{{gate_id:uuid}}/events/{name}"): event(entity="gate")
        for name in ("pass", "fail")
    },
    ("POST", "/api/proposals/{proposal_id:uuid}/events/decide"): event(
        {"decision": "reject", "rationale": "Below the line."}, "proposal"
    ),
    ("GET", "/api/proposals/{proposal_id:uuid}/transitions"): Req(),
    ("POST", "/api/proposals/{proposal_id:uuid}/events/{event:str}"): event(entity="proposal"),
    **{
        ("POST", f"/api/proposals/{{proposal_id:uuid}}/events/{name}"): event(entity="proposal")
        for name in (
            "submit",
            "reopen",
            "declare_eligible",
            "admit",
            "start_review",
            "complete_review",
            "award",
            "reject",
            "withdraw",
        )
    },
    ("POST", "/api/proposals/{proposal_id:uuid}/events/declare_ineligible"): event(
        {"reason": "Out of scope."}, "proposal"
    ),
    ("GET", "/api/assignments/{assignment_id:uuid}/transitions"): Req(),
    ("POST", "/api/assignments/{assignment_id:uuid}/events/{event:str}"): event(
        entity="assignment"
    ),
    **{
        ("POST", f"/api/assignments/{{assignment_id:uuid}}/events/{name}"): event(
            entity="assignment"
        )
        for name in ("invite", "accept", "submit", "reopen")
    },
    ("POST", "/api/assignments/{assignment_id:uuid}/events/decline"): event(
        {"reason": "Too busy."}, "assignment"
    ),
    ("GET", "/api/call-reviewers/{service_id:uuid}/transitions"): Req(),
    ("POST", "/api/call-reviewers/{service_id:uuid}/events/{event:str}"): event(entity="service"),
    ("POST", "/api/call-reviewers/{service_id:uuid}/events/accept"): event(entity="service"),
    ("POST", "/api/call-reviewers/{service_id:uuid}/events/decline"): event(
        {"reason": "Too busy."}, "service"
    ),
    ("GET", "/api/rankings/{ranking_id:uuid}/transitions"): Req(),
    ("POST", "/api/rankings/{ranking_id:uuid}/events/{event:str}"): event(entity="ranking"),
    **{
        ("POST", f"/api/rankings/{{ranking_id:uuid}}/events/{name}"): event(entity="ranking")
        for name in ("finalise", "approve", "record")
    },
}


def _terms() -> list[dict[str, Any]]:
    return [
        {"agency": "JST", "cap_per_year": 15_000_000, "cap_total": 45_000_000, "envelope": 1},
        {"agency": "NAFOSTED", "currency": "VND", "cap_per_year": 1, "cap_total": 3, "envelope": 9},
    ]


def url_of(path: str, req: Req, world: MatrixWorld) -> str:
    """The route's path template with each parameter replaced by the world's resource."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in LITERALS and name not in req.params:
            return LITERALS[name]
        return str(world.ids[req.params.get(name, PARAMS.get(name, ""))])

    return re.sub(r"\{(\w+):\w+\}", fill, path)
