"""The authorization matrix: for every route of the application, the answer each persona gets.

This is the policy's companion table (`grants.security.policy` holds the rules; this module
holds what they mean per endpoint), kept as data: `tests/integration/test_authorization_matrix.py`
builds the route list from the app (`app_routes`), requests every route as every persona
against one world, and compares. A route of the app without a row here fails that test, and so
does a row naming no route.

Personas (one world, see `tests/factories_matrix.py`): a joint call JV-2026 of JST and NAFOSTED
in `reviewing`, consortium A's proposal JV-2026-0001 (under review, both agencies' approvals and
an active grant standing on it) and consortium B's JV-2026-0002; FWO co-funds only its own draft
call.

- `anonymous`: no credentials.
- `researcher`: the JST PI of consortium A — the owner of every proposal, part, member and
  document a path names.
- `outsider`: the JST PI of consortium B (another consortium); the invitee of A's draft.
- `reviewer`: in the JST pool, serving on the call, with an accepted assignment on A.
- `bystander`: in the JST pool, invited (not yet serving) on the call, not assigned, with a
  declared conflict on A.
- `jst`, `nafosted`: officers of the two co-funding agencies (the paths name JST's pool,
  ranking and part: NAFOSTED is "the other agency" on them).
- `fwo`: an officer of an agency outside the call.
- `auditor`, `admin`.

Notation: `row(default, **cells)` gives every persona `default` except those named (anonymous
is 401 unless named). A cell is a status, or `(200, n)` for a list: 200 with `n` items (the
page's `items`, or the array). Requests carry valid bodies (a 422 raised before authorization
would hide a 403), so an authorized persona meets only the entity's state (409) or succeeds.

Workflow events (`…/events/<event>`) answer in the engine's documented order (see
`workflows.engine.Machine.decide`): unknown event 404, then not allowed from the state 409,
then role 403, then guards 409. So a persona without the role meets 409 where the state
refuses the event anyway; a persona who may not see the entity meets 404 first.

`KNOWN_GAPS` lists cells where the application answers otherwise today: the row keeps the
correct answer, the gap says what the app does, and the test reports a gap that closes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

PERSONAS = (
    "anonymous",
    "researcher",
    "outsider",
    "reviewer",
    "bystander",
    "jst",
    "nafosted",
    "fwo",
    "auditor",
    "admin",
)

Expected = int | tuple[int, int]
Route = tuple[str, str]

SKIPPED_PREFIXES = ("/schema", "/static")
SKIPPED_METHODS = frozenset({"HEAD", "OPTIONS"})


def row(default: Expected, **cells: Expected) -> dict[str, Expected]:
    """Every persona's answer: `default` unless named; anonymous 401 unless named."""
    unknown = set(cells) - set(PERSONAS)
    if unknown:
        raise ValueError(f"unknown personas {sorted(unknown)}")
    return {"anonymous": 401, **dict.fromkeys(PERSONAS[1:], default), **cells}


def app_routes(routes: Iterable[Any]) -> list[Route]:
    """(method, path template) of every route as Litestar names them, without the OpenAPI
    and static files routes, HEAD and OPTIONS."""
    found = []
    for route in routes:
        if route.path.startswith(SKIPPED_PREFIXES):
            continue
        for method in getattr(route, "route_handler_map", {}):
            if method not in SKIPPED_METHODS:
                found.append((method, route.path))
    return found


MATRIX: dict[Route, dict[str, Expected]] = {
    # Accounts: everyone manages their own session, tokens and password; admins manage users.
    ("GET", "/health"): row(200, anonymous=200),
    ("POST", "/api/auth/login"): row(200, anonymous=200),
    ("POST", "/api/auth/logout"): row(200),
    ("POST", "/api/me/tokens"): row(201),
    ("GET", "/api/me/tokens"): row((200, 1)),
    ("POST", "/api/me/password"): row(200),
    ("POST", "/api/me/tokens/{token_id:uuid}/revoke"): row(404, researcher=200),
    ("PATCH", "/api/me"): row(200),
    ("GET", "/api/me"): row(200),
    ("GET", "/api/users"): row(403, auditor=(200, 12), admin=(200, 12)),
    ("POST", "/api/users"): row(403, admin=201),
    ("PUT", "/api/users/{user_id:uuid}/roles"): row(403, admin=200),
    ("PATCH", "/api/users/{user_id:uuid}"): row(403, admin=200),
    ("GET", "/api/users/{user_id:uuid}"): row(403, auditor=200, admin=200),
    # Agencies are public reference data for every signed-in user; only admins change them.
    ("GET", "/api/agencies"): row((200, 4)),
    ("POST", "/api/agencies"): row(403, admin=201),
    ("GET", "/api/agencies/{agency_id:uuid}"): row(200),
    ("DELETE", "/api/agencies/{agency_id:uuid}"): row(403, admin=204),
    ("PATCH", "/api/agencies/{agency_id:uuid}"): row(403, admin=200),
    # Exchange rates are reference data every signed-in user reads; officers of any agency
    # (even one outside the call) record them, auditors and admins do not.
    ("GET", "/api/fx-rates"): row((200, 0)),
    ("POST", "/api/fx-rates"): row(403, jst=201, nafosted=201, fwo=201),
    ("POST", "/api/fx-rates/import"): row(403, jst=201, nafosted=201, fwo=201),
    # The audit log (the world is built by factories, so it holds no event yet).
    ("GET", "/api/audit/events"): row(403, auditor=(200, 0), admin=(200, 0)),
    ("GET", "/api/audit/verify"): row(403, auditor=200, admin=200),
    # Exports: officers every dataset but the audit log (rows of the calls their agency
    # co-funds, FWO's included: its own draft call), auditors and admins all 19.
    ("GET", "/api/exports"): row(
        403, jst=(200, 20), nafosted=(200, 20), fwo=(200, 20), auditor=(200, 21), admin=(200, 21)
    ),
    ("GET", "/api/exports/{file:str}"): row(
        403, jst=200, nafosted=200, fwo=200, auditor=200, admin=200
    ),
    # The transparency log: no checkpoint yet (404), no event to prove (422), no witness key
    # registered, so an officer's cosignature names an unknown key (422).
    ("GET", "/api/audit/checkpoint"): row(
        403, jst=404, nafosted=404, fwo=404, auditor=404, admin=404
    ),
    ("GET", "/api/audit/checkpoint/details"): row(
        403, jst=404, nafosted=404, fwo=404, auditor=404, admin=404
    ),
    ("POST", "/api/audit/checkpoints"): row(403, admin=201),
    ("GET", "/api/audit/proofs/inclusion"): row(
        403, jst=422, nafosted=422, fwo=422, auditor=422, admin=422
    ),
    ("GET", "/api/audit/proofs/consistency"): row(
        403, jst=422, nafosted=422, fwo=422, auditor=422, admin=422
    ),
    ("POST", "/api/audit/checkpoint/cosignatures"): row(403, jst=422, nafosted=422, fwo=422),
    # Audit packs (grants.security.policy.audit_pack): auditors, admins and the call's co-funding
    # officers request one; the world's job is the JST officer's, still queued.
    ("POST", "/api/exports/audit-pack"): row(403, jst=202, nafosted=202, auditor=202, admin=202),
    ("GET", "/api/exports/jobs/{job_id:uuid}"): row(404, jst=200, auditor=200, admin=200),
    ("GET", "/api/exports/jobs/{job_id:uuid}/download"): row(404, jst=409, auditor=409, admin=409),
    ("PUT", "/api/agencies/{agency_id:uuid}/witness-key"): row(403, admin=200),
    ("GET", "/api/agencies/{agency_id:uuid}/witness-key"): row(404),
    # Web pages: no Accept: text/html, so the API answer (401) rather than the redirect; the
    # forms carry a forged CSRF token, so a signed-in persona meets 403.
    ("GET", "/"): row(200),
    ("POST", "/login"): row(403, anonymous=403),
    ("GET", "/login"): row(200, anonymous=200),
    ("POST", "/logout"): row(403),
    # The reviewers' pages: reviewers only; a call's bids for those serving on it and an
    # assignment for its reviewer (the bystander is only invited, and not assigned).
    # The auditors' pages: the log's content for auditors and admins (the world holds no event:
    # event 1 is 404); the checkpoint and proofs for every log reader (the page says there is
    # no checkpoint yet); the export page for exporters; the pack form's forged token 403; the
    # world's job for its requester (the JST officer), auditors and admins, else 404.
    ("GET", "/audit"): row(403, auditor=200, admin=200),
    ("GET", "/audit/events/{seq:int}"): row(403, auditor=404, admin=404),
    ("GET", "/audit/checkpoint"): row(403, jst=200, nafosted=200, fwo=200, auditor=200, admin=200),
    ("GET", "/audit/proofs/{seq:int}"): row(
        403, jst=200, nafosted=200, fwo=200, auditor=200, admin=200
    ),
    ("GET", "/audit/exports"): row(403, jst=200, nafosted=200, fwo=200, auditor=200, admin=200),
    ("POST", "/audit/exports/pack"): row(403),
    ("GET", "/audit/exports/jobs/{job_id:uuid}"): row(404, jst=200, auditor=200, admin=200),
    ("GET", "/reviewer"): row(403, reviewer=200, bystander=200),
    ("GET", "/reviewer/profile"): row(403, reviewer=200, bystander=200),
    ("GET", "/reviewer/calls/{call_id:uuid}/bids"): row(403, reviewer=200, bystander=404),
    ("GET", "/reviewer/assignments/{assignment_id:uuid}"): row(403, reviewer=200, bystander=404),
    ("GET", "/reviewer/assignments/{assignment_id:uuid}/submit-state"): row(
        403, reviewer=200, bystander=404
    ),
    ("POST", "/reviewer/services/{service_id:uuid}/{event:str}"): row(403),
    ("POST", "/reviewer/assignments/{assignment_id:uuid}/events/{event:str}"): row(403),
    ("POST", "/reviewer/profile"): row(403),
    ("POST", "/reviewer/conflicts"): row(403),
    ("POST", "/reviewer/proposals/{proposal_id:uuid}/bid"): row(403),
    ("POST", "/reviewer/assignments/{assignment_id:uuid}/review"): row(403),
    # Decisions, money and a grant's life (grants.web.officer_decisions, money_pages,
    # grant_pages, grant_queue): the pages read like their API twins; every form meets the
    # CSRF check first; the tranche queue is for agencies' officers.
    ("GET", "/grants/{grant_id:uuid}"): row(
        404, researcher=200, jst=200, nafosted=200, auditor=200, admin=200
    ),
    ("POST", "/grants/{grant_id:uuid}/tranches/{tranche_id:uuid}/{event:str}"): row(403),
    ("POST", "/grants/{grant_id:uuid}/reports/{report_id:uuid}/answer"): row(403),
    ("POST", "/grants/{grant_id:uuid}/midterm/{gate_id:uuid}/answer"): row(403),
    ("POST", "/grants/{grant_id:uuid}/amendments"): row(403),
    ("POST", "/grants/{grant_id:uuid}/amendments/{amendment_id:uuid}/decide"): row(403),
    ("GET", "/officer/tranches"): row(403, jst=200, nafosted=200, fwo=200),
    ("GET", "/officer/calls/{call_id:uuid}/decisions"): row(
        403, jst=200, nafosted=200, auditor=200, admin=200
    ),
    ("POST", "/officer/calls/{call_id:uuid}/decisions/{proposal_id:uuid}"): row(403),
    ("GET", "/officer/calls/{call_id:uuid}/money"): row(
        403, jst=200, nafosted=200, auditor=200, admin=200
    ),
    # The officers' review pages (assignment board, scores, ranking, joint panel): officers
    # only (their role guard), through the same policy as the API; forms meet the CSRF check.
    ("GET", "/officer/calls/{call_id:uuid}/assignment"): row(403, jst=200, nafosted=200, fwo=404),
    ("POST", "/officer/calls/{call_id:uuid}/assignment/run"): row(403),
    ("POST", "/officer/calls/{call_id:uuid}/assignment/refill"): row(403),
    ("POST", "/officer/calls/{call_id:uuid}/assignment/invite"): row(403),
    ("POST", "/officer/calls/{call_id:uuid}/assignment/check"): row(403),
    ("POST", "/officer/calls/{call_id:uuid}/assignment/swap"): row(403),
    (
        "POST",
        "/officer/calls/{call_id:uuid}/assignment/conflicts/{conflict_id:uuid}/{verb:str}",
    ): row(403),
    ("GET", "/officer/calls/{call_id:uuid}/scores"): row(403, jst=200, nafosted=200),
    ("GET", "/officer/calls/{call_id:uuid}/ranking"): row(403, jst=200, nafosted=200),
    ("POST", "/officer/calls/{call_id:uuid}/ranking/draft"): row(403),
    ("POST", "/officer/calls/{call_id:uuid}/ranking/move"): row(403),
    ("POST", "/officer/calls/{call_id:uuid}/ranking/events/{event:str}"): row(403),
    ("POST", "/officer/calls/{call_id:uuid}/review-events/{event:str}"): row(403),
    ("GET", "/officer/calls/{call_id:uuid}/joint"): row(403, jst=200, nafosted=200),
    ("POST", "/officer/calls/{call_id:uuid}/joint/record"): row(403),
    ("POST", "/officer/calls/{call_id:uuid}/joint/events/{event:str}"): row(403),
    # The officers' set-up and eligibility pages: officers only (a call past its draft reads for
    # every officer, its proposals only for its co-funders'); their forms meet the CSRF check.
    ("GET", "/officer"): row(403, jst=200, nafosted=200, fwo=200),
    ("GET", "/officer/calls/new"): row(403, jst=200, nafosted=200, fwo=200),
    ("POST", "/officer/calls/new"): row(403),
    ("GET", "/officer/calls/{call_id:uuid}"): row(403, jst=200, nafosted=200, fwo=200),
    ("POST", "/officer/calls/{call_id:uuid}"): row(403),
    ("POST", "/officer/calls/{call_id:uuid}/events/{event:str}"): row(403),
    ("GET", "/officer/calls/{call_id:uuid}/eligibility"): row(403, jst=200, nafosted=200, fwo=200),
    ("POST", "/officer/proposals/{proposal_id:uuid}/eligibility/{event:str}"): row(403),
    # The researchers' pages read like their API twins; their forms meet the CSRF check first.
    ("GET", "/calls"): row(200),
    ("GET", "/calls/{call_id:uuid}"): row(200),
    ("POST", "/calls/{call_id:uuid}/proposals"): row(403),
    ("GET", "/proposals/{proposal_id:uuid}"): row(200, outsider=404, bystander=404, fwo=404),
    ("POST", "/proposals/{proposal_id:uuid}"): row(403),
    ("POST", "/proposals/{proposal_id:uuid}/events/{event:str}"): row(403),
    ("POST", "/invitations/{invitation_id:uuid}/accept"): row(403),
    ("POST", "/proposals/{proposal_id:uuid}/invitations"): row(403),
    ("POST", "/proposals/{proposal_id:uuid}/parts/{part_id:uuid}"): row(403),
    ("POST", "/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/members"): row(403),
    ("POST", "/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/budget"): row(403),
    ("POST", "/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/budget/totals"): row(403),
    ("POST", "/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/members/{member_id:uuid}"): row(
        403
    ),
    (
        "POST",
        "/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/members/{member_id:uuid}/remove",
    ): row(403),
    # The checks as an identifier is typed read nothing stored: every signed-in reader.
    ("GET", "/checks/ror"): row(200),
    ("GET", "/checks/orcid"): row(200),
    # Calls: the body makes JST and NAFOSTED co-fund the new call, so FWO's officer is refused
    # as invalid input (their own agency must co-fund the call they create, see the policy).
    # FWO sees its own draft call besides the joint one; drafts of others stay hidden.
    ("POST", "/api/calls"): row(403, jst=201, nafosted=201, fwo=422),
    ("GET", "/api/calls"): row((200, 1), fwo=(200, 2), auditor=(200, 2), admin=(200, 2)),
    ("GET", "/api/calls/{call_id:uuid}"): row(200),
    ("PATCH", "/api/calls/{call_id:uuid}"): row(403, jst=409, nafosted=409),
    # Proposals: the call is closed (409 for applicants); consortium A's resources answer 404
    # to whoever may not see them; officers, auditors and admins read, never edit them.
    ("POST", "/api/proposals"): row(403, researcher=409, outsider=409),
    ("GET", "/api/proposals"): row(
        (200, 2), outsider=(200, 1), reviewer=(200, 1), bystander=(200, 0), fwo=(200, 0)
    ),
    ("POST", "/api/proposals/{proposal_id:uuid}/invitations"): row(
        404, researcher=409, jst=403, nafosted=403, auditor=403, admin=403
    ),
    ("GET", "/api/proposals/{proposal_id:uuid}"): row(200, outsider=404, bystander=404, fwo=404),
    ("PATCH", "/api/proposals/{proposal_id:uuid}"): row(
        404, researcher=409, jst=403, nafosted=403, auditor=403, admin=403
    ),
    ("POST", "/api/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/members"): row(
        404, researcher=409, jst=403, nafosted=403, auditor=403, admin=403
    ),
    ("PUT", "/api/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/budget"): row(
        404, researcher=409, jst=403, nafosted=403, auditor=403, admin=403
    ),
    (
        "PATCH",
        "/api/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/members/{member_id:uuid}",
    ): row(404, researcher=409, jst=403, nafosted=403, auditor=403, admin=403),
    (
        "DELETE",
        "/api/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/members/{member_id:uuid}",
    ): row(404, researcher=409, jst=403, nafosted=403, auditor=403, admin=403),
    ("PATCH", "/api/proposals/{proposal_id:uuid}/parts/{part_id:uuid}"): row(
        404, researcher=409, jst=403, nafosted=403, auditor=403, admin=403
    ),
    # Enterprise partners: read with the proposal, edited as its part (the part's own side).
    ("GET", "/api/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/partners"): row(
        200, outsider=404, bystander=404, fwo=404
    ),
    ("POST", "/api/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/partners"): row(
        404, researcher=409, jst=403, nafosted=403, auditor=403, admin=403
    ),
    (
        "PATCH",
        "/api/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/partners/{partner_id:uuid}",
    ): row(404, researcher=409, jst=403, nafosted=403, auditor=403, admin=403),
    (
        "DELETE",
        "/api/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/partners/{partner_id:uuid}",
    ): row(404, researcher=409, jst=403, nafosted=403, auditor=403, admin=403),
    # Invitations: only the invitee (the outsider, as a co-investigator of A's draft).
    ("POST", "/api/invitations/{invitation_id:uuid}/accept"): row(404, outsider=200),
    ("GET", "/api/invitations"): row((200, 0), outsider=(200, 1)),
    ("GET", "/api/proposals/{proposal_id:uuid}/documents/{document_id:uuid}/content"): row(
        200, outsider=404, bystander=404, fwo=404
    ),
    # A's description and the narrative of its grant's year-1 progress report.
    ("GET", "/api/proposals/{proposal_id:uuid}/documents"): row(
        (200, 2), outsider=404, bystander=404, fwo=404
    ),
    ("POST", "/api/proposals/{proposal_id:uuid}/documents"): row(
        404, researcher=409, jst=403, nafosted=403, auditor=403, admin=403
    ),
    ("GET", "/api/proposals/{proposal_id:uuid}/documents/{document_id:uuid}"): row(
        200, outsider=404, bystander=404, fwo=404
    ),
    # Reviewer pools: the paths name the bystander, in JST's pool only; each agency sees its own
    # pool (NAFOSTED and FWO see 0 reviewers and get 404 on JST's).
    ("POST", "/api/reviewers"): row(403, jst=201, admin=201),
    ("GET", "/api/reviewers"): row(
        403, jst=(200, 3), nafosted=(200, 0), fwo=(200, 0), auditor=(200, 3), admin=(200, 3)
    ),
    ("POST", "/api/reviewers/import"): row(403, jst=201, admin=201),
    ("PATCH", "/api/reviewers/{user_id:uuid}"): row(403, jst=200, nafosted=404, fwo=404, admin=200),
    ("GET", "/api/reviewers/{user_id:uuid}"): row(
        403, jst=200, nafosted=404, fwo=404, auditor=200, admin=200
    ),
    ("GET", "/api/me/review-calls"): row(403, reviewer=(200, 1), bystander=(200, 1)),
    ("PATCH", "/api/me/reviewer-profile"): row(403, reviewer=200, bystander=200),
    ("GET", "/api/me/reviewer-profile"): row(403, reviewer=200, bystander=200),
    # Serving on a call: the bystander is only invited, so it neither bids nor sees proposals.
    ("GET", "/api/calls/{call_id:uuid}/biddable"): row(403, reviewer=(200, 2), bystander=404),
    ("GET", "/api/calls/{call_id:uuid}/conflicts"): row(
        403, jst=(200, 1), nafosted=(200, 0), auditor=(200, 1), admin=(200, 1)
    ),
    ("POST", "/api/calls/{call_id:uuid}/conflicts/detect"): row(403, jst=200, nafosted=200),
    ("POST", "/api/calls/{call_id:uuid}/reviewers"): row(403, jst=201),
    ("GET", "/api/calls/{call_id:uuid}/reviewers"): row(
        403, jst=(200, 2), nafosted=(200, 0), auditor=(200, 2), admin=(200, 2)
    ),
    ("POST", "/api/conflicts/{conflict_id:uuid}/dismiss"): row(403, jst=200),
    ("POST", "/api/conflicts/{conflict_id:uuid}/waive"): row(403, jst=200),
    ("PUT", "/api/proposals/{proposal_id:uuid}/bid"): row(403, reviewer=200, bystander=404),
    ("POST", "/api/proposals/{proposal_id:uuid}/conflict-declaration"): row(
        403, reviewer=201, bystander=201
    ),
    ("PUT", "/api/proposals/{proposal_id:uuid}/exclusions"): row(
        404, researcher=409, jst=403, nafosted=403, auditor=403, admin=403
    ),
    ("GET", "/api/proposals/{proposal_id:uuid}/exclusions"): row(
        (200, 0), outsider=404, reviewer=404, bystander=404, fwo=404
    ),
    # Assignments: each agency's officers oversee their own pool (parallel review); a solver
    # run or refill and an invitation round cover the caller's pool only.
    ("POST", "/api/calls/{call_id:uuid}/assignments"): row(
        404, jst=201, nafosted=403, auditor=403, admin=403
    ),
    ("GET", "/api/calls/{call_id:uuid}/assignments"): row(
        404, jst=(200, 1), nafosted=(200, 0), auditor=(200, 1), admin=(200, 1)
    ),
    ("POST", "/api/calls/{call_id:uuid}/assignment/invite"): row(
        404, jst=200, nafosted=200, auditor=403, admin=403
    ),
    ("POST", "/api/calls/{call_id:uuid}/assignment/refill"): row(
        404, jst=200, nafosted=200, auditor=403, admin=403
    ),
    ("POST", "/api/calls/{call_id:uuid}/assignment/run"): row(
        404, jst=200, nafosted=200, auditor=403, admin=403
    ),
    ("DELETE", "/api/calls/{call_id:uuid}/assignments/{assignment_id:uuid}"): row(
        404, jst=409, auditor=403, admin=403
    ),
    ("GET", "/api/calls/{call_id:uuid}/assignments/{assignment_id:uuid}"): row(
        200, researcher=404, outsider=404, bystander=404, nafosted=404, fwo=404
    ),
    # Reviews: the assigned reviewer's own form; the others' reviews only after submitting.
    # Applicants get an empty list before the decision.
    ("GET", "/api/me/review-assignments"): row((200, 0), reviewer=(200, 1)),
    ("GET", "/api/assignments/{assignment_id:uuid}/review"): row(404, reviewer=200),
    ("PUT", "/api/assignments/{assignment_id:uuid}/review"): row(404, reviewer=200),
    ("GET", "/api/proposals/{proposal_id:uuid}/reviews"): row(
        (200, 0), outsider=404, reviewer=409, bystander=404, fwo=404
    ),
    # Decisions: each officer reads their own agency's decision until A is settled (A is under
    # review), the consortium nothing yet, an assigned reviewer none (403). The body decides
    # for JST: NAFOSTED's officer is refused (403, JST's side), JST's meets A's state (409).
    ("GET", "/api/proposals/{proposal_id:uuid}/decisions"): row(
        404,
        researcher=(200, 0),
        reviewer=403,
        jst=(200, 1),
        nafosted=(200, 1),
        auditor=(200, 2),
        admin=(200, 2),
    ),
    ("POST", "/api/proposals/{proposal_id:uuid}/decisions"): row(
        404, researcher=403, jst=409, nafosted=403, auditor=403, admin=403
    ),
    # Grants: A's grant is its consortium's and the co-funding officers' (auditors, admins read).
    ("GET", "/api/grants"): row(
        (200, 0),
        researcher=(200, 1),
        jst=(200, 1),
        nafosted=(200, 1),
        auditor=(200, 1),
        admin=(200, 1),
    ),
    ("GET", "/api/grants/{grant_id:uuid}"): row(
        404, researcher=200, jst=200, nafosted=200, auditor=200, admin=200
    ),
    # Money: a call's for its co-funders' officers and the oversight roles (403 to others who
    # see it), a grant's for whoever sees the grant.
    ("GET", "/api/calls/{call_id:uuid}/money"): row(
        403, jst=200, nafosted=200, auditor=200, admin=200
    ),
    ("GET", "/api/grants/{grant_id:uuid}/money"): row(
        404, researcher=200, jst=200, nafosted=200, auditor=200, admin=200
    ),
    # Open data: officers export their own agency's grant records (FWO's: none, still 200;
    # the CSV is asked for the call JV-2026, which FWO does not co-fund: 403), auditors and
    # admins every agency's; researchers and reviewers 403.
    ("GET", "/api/open-data/360giving.json"): row(
        403, jst=200, nafosted=200, fwo=200, auditor=200, admin=200
    ),
    ("GET", "/api/open-data/360giving.csv"): row(
        403, jst=200, nafosted=200, auditor=200, admin=200
    ),
    ("GET", "/api/open-data/iati.xml"): row(
        403, jst=200, nafosted=200, fwo=200, auditor=200, admin=200
    ),
    # Rankings: JST's ranking is behind JST's wall until the joint panel.
    ("POST", "/api/calls/{call_id:uuid}/rankings/{code:str}/draft"): row(403, jst=409),
    ("GET", "/api/calls/{call_id:uuid}/joint-ranking"): row(
        403, jst=404, nafosted=404, auditor=404, admin=404
    ),
    ("POST", "/api/calls/{call_id:uuid}/joint-ranking"): row(403, jst=409, nafosted=409),
    ("GET", "/api/calls/{call_id:uuid}/scores"): row(
        403, jst=200, nafosted=200, auditor=200, admin=200
    ),
    ("GET", "/api/calls/{call_id:uuid}/rankings/{code:str}"): row(
        403, jst=200, auditor=200, admin=200
    ),
    ("PUT", "/api/calls/{call_id:uuid}/rankings/{code:str}"): row(403, jst=200),
    # Workflow endpoints: the user is the outsider; the call is reviewing; proposal A is under
    # review; the assignment is accepted; the call-reviewer service is the bystander's
    # invitation; the ranking is JST's draft.
    ("GET", "/api/users/{user_id:uuid}/transitions"): row(403, auditor=(200, 0), admin=(200, 2)),
    ("POST", "/api/users/{user_id:uuid}/events/{event:str}"): row(404),
    ("POST", "/api/users/{user_id:uuid}/events/suspend"): row(403, admin=200),
    ("POST", "/api/users/{user_id:uuid}/events/reactivate"): row(403, auditor=409, admin=409),
    ("POST", "/api/users/{user_id:uuid}/events/deactivate"): row(403, admin=200),
    ("GET", "/api/calls/{call_id:uuid}/transitions"): row(
        (200, 0), jst=(200, 1), nafosted=(200, 1)
    ),
    ("POST", "/api/calls/{call_id:uuid}/events/{event:str}"): row(404),
    ("POST", "/api/calls/{call_id:uuid}/events/approve"): row(409),
    ("POST", "/api/calls/{call_id:uuid}/events/publish"): row(409),
    ("POST", "/api/calls/{call_id:uuid}/events/close"): row(409),
    ("POST", "/api/calls/{call_id:uuid}/events/start_review"): row(409),
    ("POST", "/api/calls/{call_id:uuid}/events/start_ranking"): row(403, jst=409, nafosted=409),
    ("POST", "/api/calls/{call_id:uuid}/events/start_deciding"): row(409),
    ("POST", "/api/calls/{call_id:uuid}/events/finish"): row(409),
    ("POST", "/api/calls/{call_id:uuid}/events/cancel"): row(409),
    ("GET", "/api/proposals/{proposal_id:uuid}/transitions"): row(
        404,
        researcher=(200, 1),
        reviewer=(200, 0),
        jst=(200, 1),
        nafosted=(200, 1),
        auditor=(200, 0),
        admin=(200, 0),
    ),
    ("POST", "/api/proposals/{proposal_id:uuid}/events/{event:str}"): row(404),
    ("POST", "/api/proposals/{proposal_id:uuid}/events/submit"): row(
        409, outsider=404, bystander=404, fwo=404
    ),
    ("POST", "/api/proposals/{proposal_id:uuid}/events/reopen"): row(
        409, outsider=404, bystander=404, fwo=404
    ),
    ("POST", "/api/proposals/{proposal_id:uuid}/events/declare_eligible"): row(
        409, outsider=404, bystander=404, fwo=404
    ),
    ("POST", "/api/proposals/{proposal_id:uuid}/events/admit"): row(
        409, outsider=404, bystander=404, fwo=404
    ),
    ("POST", "/api/proposals/{proposal_id:uuid}/events/declare_ineligible"): row(
        409, outsider=404, bystander=404, fwo=404
    ),
    ("POST", "/api/proposals/{proposal_id:uuid}/events/start_review"): row(
        409, outsider=404, bystander=404, fwo=404
    ),
    ("POST", "/api/proposals/{proposal_id:uuid}/events/complete_review"): row(
        404, researcher=403, reviewer=403, jst=409, nafosted=409, auditor=403, admin=403
    ),
    ("POST", "/api/proposals/{proposal_id:uuid}/events/decide"): row(
        409, outsider=404, bystander=404, fwo=404
    ),
    ("POST", "/api/proposals/{proposal_id:uuid}/events/award"): row(
        409, outsider=404, bystander=404, fwo=404
    ),
    ("POST", "/api/proposals/{proposal_id:uuid}/events/reject"): row(
        409, outsider=404, bystander=404, fwo=404
    ),
    ("POST", "/api/proposals/{proposal_id:uuid}/events/withdraw"): row(
        404, researcher=200, reviewer=403, jst=403, nafosted=403, auditor=403, admin=403
    ),
    # The grant is active and runs until 2030: officers suspend or terminate it, not complete it.
    ("GET", "/api/grants/{grant_id:uuid}/transitions"): row(
        404,
        researcher=(200, 0),
        jst=(200, 3),
        nafosted=(200, 3),
        auditor=(200, 0),
        admin=(200, 0),
    ),
    ("POST", "/api/grants/{grant_id:uuid}/events/{event:str}"): row(404),
    ("POST", "/api/grants/{grant_id:uuid}/events/suspend"): row(
        404, researcher=403, jst=200, nafosted=200, auditor=403, admin=403
    ),
    ("POST", "/api/grants/{grant_id:uuid}/events/resume"): row(
        404, researcher=409, jst=409, nafosted=409, auditor=409, admin=409
    ),
    ("POST", "/api/grants/{grant_id:uuid}/events/complete"): row(
        404, researcher=403, jst=409, nafosted=409, auditor=403, admin=403
    ),
    ("POST", "/api/grants/{grant_id:uuid}/events/terminate"): row(
        404, researcher=403, jst=200, nafosted=200, auditor=403, admin=403
    ),
    # Tranches: the JST side's first is requested by the researcher (its PI): only JST's
    # officers act on it now; NAFOSTED's officer sees it and meets 403.
    ("GET", "/api/grants/{grant_id:uuid}/tranches"): row(
        404,
        researcher=(200, 1),
        jst=(200, 1),
        nafosted=(200, 1),
        auditor=(200, 1),
        admin=(200, 1),
    ),
    # The JST side's papers: its signed agreement (one version) and its year 1 statement.
    ("POST", "/api/grants/{grant_id:uuid}/sides/{agency:str}/agreement"): row(
        404, researcher=201, jst=201, nafosted=403, auditor=403, admin=403
    ),
    ("GET", "/api/grants/{grant_id:uuid}/sides/{agency:str}/agreement"): row(
        404,
        researcher=(200, 1),
        jst=(200, 1),
        nafosted=(200, 1),
        auditor=(200, 1),
        admin=(200, 1),
    ),
    (
        "GET",
        "/api/grants/{grant_id:uuid}/sides/{agency:str}/agreement/{agreement_id:uuid}/content",
    ): row(404, researcher=200, jst=200, nafosted=200, auditor=200, admin=200),
    ("PUT", "/api/grants/{grant_id:uuid}/sides/{agency:str}/statements/{year:int}"): row(
        404, researcher=200, jst=403, nafosted=403, auditor=403, admin=403
    ),
    ("GET", "/api/grants/{grant_id:uuid}/sides/{agency:str}/statements/{year:int}"): row(
        404, researcher=200, jst=200, nafosted=200, auditor=200, admin=200
    ),
    ("GET", "/api/grants/{grant_id:uuid}/statements"): row(
        404,
        researcher=(200, 1),
        jst=(200, 1),
        nafosted=(200, 1),
        auditor=(200, 1),
        admin=(200, 1),
    ),
    ("GET", "/api/tranches/{tranche_id:uuid}/transitions"): row(
        404,
        researcher=(200, 0),
        jst=(200, 3),
        nafosted=(200, 0),
        auditor=(200, 0),
        admin=(200, 0),
    ),
    ("POST", "/api/tranches/{tranche_id:uuid}/events/{event:str}"): row(404),
    **{
        ("POST", f"/api/tranches/{{tranche_id:uuid}}/events/{name}"): row(
            404, researcher=409, jst=409, nafosted=409, auditor=409, admin=409
        )
        for name in ("request", "resubmit", "disburse")
    },
    **{
        ("POST", f"/api/tranches/{{tranche_id:uuid}}/events/{name}"): row(
            404, researcher=403, jst=200, nafosted=403, auditor=403, admin=403
        )
        for name in ("return", "approve", "withhold")
    },
    # Progress reports: year 1's is submitted (round 1, unanswered), so only the co-funding
    # officers act on it, each for their own agency (the body of `/decisions` names JST:
    # NAFOSTED's officer meets 403); the consortium reads it, never answers (403).
    ("GET", "/api/grants/{grant_id:uuid}/reports"): row(
        404,
        researcher=(200, 1),
        jst=(200, 1),
        nafosted=(200, 1),
        auditor=(200, 1),
        admin=(200, 1),
    ),
    ("GET", "/api/reports/{report_id:uuid}"): row(
        404, researcher=200, jst=200, nafosted=200, auditor=200, admin=200
    ),
    ("GET", "/api/reports/{report_id:uuid}/transitions"): row(
        404,
        researcher=(200, 0),
        jst=(200, 4),
        nafosted=(200, 4),
        auditor=(200, 0),
        admin=(200, 0),
    ),
    ("POST", "/api/reports/{report_id:uuid}/events/{event:str}"): row(404),
    **{
        ("POST", f"/api/reports/{{report_id:uuid}}/events/{name}"): row(
            404, researcher=409, jst=409, nafosted=409, auditor=409, admin=409
        )
        for name in ("submit", "resubmit")
    },
    ("POST", "/api/reports/{report_id:uuid}/events/decide"): row(
        404, researcher=403, jst=200, nafosted=200, auditor=403, admin=403
    ),
    **{
        ("POST", f"/api/reports/{{report_id:uuid}}/events/{name}"): row(
            404, researcher=403, jst=409, nafosted=409, auditor=403, admin=403
        )
        for name in ("accept", "return", "stop")
    },
    ("POST", "/api/reports/{report_id:uuid}/decisions"): row(
        404, researcher=403, jst=201, nafosted=403, auditor=403, admin=403
    ),
    # Its review round: each agency's officer invites from its own pool (JST's spare reviewer:
    # NAFOSTED's officer meets 403); nobody reviewed yet, so every reader gets an empty list.
    ("POST", "/api/reports/{report_id:uuid}/reviewers"): row(
        404, researcher=403, jst=201, nafosted=403, auditor=403, admin=403
    ),
    ("GET", "/api/reports/{report_id:uuid}/reviews"): row(
        404,
        researcher=(200, 0),
        jst=(200, 0),
        nafosted=(200, 0),
        auditor=(200, 0),
        admin=(200, 0),
    ),
    # The mid-term gate after year 1 waits for that report's acceptance: officers meet 409.
    ("GET", "/api/grants/{grant_id:uuid}/midterm"): row(
        404, researcher=200, jst=200, nafosted=200, auditor=200, admin=200
    ),
    ("POST", "/api/grants/{grant_id:uuid}/midterm/decisions"): row(
        404, researcher=403, jst=409, nafosted=403, auditor=403, admin=403
    ),
    ("GET", "/api/midterm-gates/{gate_id:uuid}/transitions"): row(
        404,
        researcher=(200, 0),
        jst=(200, 3),
        nafosted=(200, 3),
        auditor=(200, 0),
        admin=(200, 0),
    ),
    ("POST", "/api/midterm-gates/{gate_id:uuid}/events/{event:str}"): row(404),
    **{
        ("POST", f"/api/midterm-gates/{{gate_id:uuid}}/events/{name}"): row(
            404, researcher=403, jst=409, nafosted=409, auditor=403, admin=403
        )
        for name in ("decide", "pass", "fail")
    },
    # Amendments: the researcher (the JST PI) requested an extension; both agencies decide it.
    ("GET", "/api/grants/{grant_id:uuid}/amendments"): row(
        404,
        researcher=(200, 1),
        jst=(200, 1),
        nafosted=(200, 1),
        auditor=(200, 1),
        admin=(200, 1),
    ),
    ("POST", "/api/grants/{grant_id:uuid}/amendments"): row(
        404, researcher=409, jst=403, nafosted=403, auditor=403, admin=403
    ),
    ("GET", "/api/amendments/{amendment_id:uuid}"): row(
        404, researcher=200, jst=200, nafosted=200, auditor=200, admin=200
    ),
    ("GET", "/api/amendments/{amendment_id:uuid}/transitions"): row(
        404,
        researcher=(200, 2),
        jst=(200, 3),
        nafosted=(200, 3),
        auditor=(200, 0),
        admin=(200, 0),
    ),
    ("POST", "/api/amendments/{amendment_id:uuid}/events/{event:str}"): row(404),
    ("POST", "/api/amendments/{amendment_id:uuid}/events/decide"): row(
        404, researcher=403, jst=200, nafosted=200, auditor=403, admin=403
    ),
    **{
        ("POST", f"/api/amendments/{{amendment_id:uuid}}/events/{name}"): row(
            404, researcher=403, jst=409, nafosted=409, auditor=403, admin=403
        )
        for name in ("approve", "reject")
    },
    ("POST", "/api/amendments/{amendment_id:uuid}/events/withdraw"): row(
        404, researcher=200, jst=403, nafosted=403, auditor=403, admin=403
    ),
    ("POST", "/api/amendments/{amendment_id:uuid}/events/record"): row(
        404, researcher=409, jst=403, nafosted=403, auditor=403, admin=403
    ),
    ("GET", "/api/assignments/{assignment_id:uuid}/transitions"): row(
        404, reviewer=(200, 1), jst=(200, 0), auditor=(200, 0), admin=(200, 0)
    ),
    ("POST", "/api/assignments/{assignment_id:uuid}/events/{event:str}"): row(404),
    ("POST", "/api/assignments/{assignment_id:uuid}/events/invite"): row(
        404, reviewer=409, jst=409, auditor=409, admin=409
    ),
    ("POST", "/api/assignments/{assignment_id:uuid}/events/accept"): row(
        404, reviewer=409, jst=409, auditor=409, admin=409
    ),
    ("POST", "/api/assignments/{assignment_id:uuid}/events/decline"): row(
        404, reviewer=409, jst=409, auditor=409, admin=409
    ),
    ("POST", "/api/assignments/{assignment_id:uuid}/events/submit"): row(
        404, reviewer=409, jst=403, auditor=403, admin=403
    ),
    ("POST", "/api/assignments/{assignment_id:uuid}/events/reopen"): row(
        404, reviewer=409, jst=409, auditor=409, admin=409
    ),
    ("GET", "/api/call-reviewers/{service_id:uuid}/transitions"): row(
        404, bystander=(200, 2), jst=(200, 0), auditor=(200, 0), admin=(200, 0)
    ),
    ("POST", "/api/call-reviewers/{service_id:uuid}/events/{event:str}"): row(404),
    ("POST", "/api/call-reviewers/{service_id:uuid}/events/accept"): row(
        404, bystander=200, jst=403, auditor=403, admin=403
    ),
    ("POST", "/api/call-reviewers/{service_id:uuid}/events/decline"): row(
        404, bystander=200, jst=403, auditor=403, admin=403
    ),
    ("GET", "/api/rankings/{ranking_id:uuid}/transitions"): row(
        404, jst=(200, 1), auditor=(200, 0), admin=(200, 0)
    ),
    ("POST", "/api/rankings/{ranking_id:uuid}/events/{event:str}"): row(404),
    ("POST", "/api/rankings/{ranking_id:uuid}/events/finalise"): row(
        404, jst=200, auditor=403, admin=403
    ),
    ("POST", "/api/rankings/{ranking_id:uuid}/events/approve"): row(
        404, jst=403, auditor=403, admin=403
    ),
    ("POST", "/api/rankings/{ranking_id:uuid}/events/record"): row(
        404, jst=403, auditor=403, admin=403
    ),
}

KNOWN_GAPS: dict[tuple[Route, str], str] = {}
