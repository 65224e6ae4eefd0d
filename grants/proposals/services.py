"""Business verbs on a proposal's shared fields: draft one in an open call, edit it, show it."""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import append
from grants.calls.deadline import accepting_submissions
from grants.calls.zones import call_zones
from grants.common.actors import Actor
from grants.common.edits import CANNOT_CLEAR, apply_patch, check_version, merge_patch
from grants.common.texts import MultilingualTextPatch, english_missing
from grants.db.models import Call, CallAgency, PartMember, Proposal, ProposalPart, User
from grants.errors import Conflict, FieldError, Invalid
from grants.proposals import access, queries, schemas, views
from grants.security import policy
from grants.security.enforce import require
from grants.security.principal import Principal
from grants.times import utcnow
from messages import Instant, Message, define
from workflows.machines.call import CallState
from workflows.machines.proposal import ProposalContext, ProposalState

SHARED_FIELDS = ("title", "abstract", "keywords", "topic", "duration_years", "planned_start")
REQUIRED_FIELDS = ("title", "topic", "duration_years", "planned_start")

CALL_OPENS_LATER = define("proposal.submission.call_opens_later", "The call opens at {opens_at}.")
NO_SUCH_CALL = define("proposal.create.no_such_call", "No such call.")
NO_SUCH_CALL_FIELD = define("proposal.create.no_such_call_field", "no such call")
TOPIC_NOT_OFFERED = define("proposal.topic_not_offered", "not a topic of this call ({topics})")
DURATION_NOT_OFFERED = define(
    "proposal.duration_not_offered", "this call offers durations of {durations} years"
)
COUNTRY_NOT_COFUNDING = define(
    "proposal.create.country_not_cofunding",
    "your account's country ({country}) is not the country of a co-funding agency of this call "
    "({countries})",
)
COUNTRY_NOT_SET = define(
    "proposal.create.country_not_set",
    "your account has no country: a proposal is drafted from the country of a co-funding agency "
    "of this call ({countries})",
)
HOST_NOT_COFUNDING = define(
    "proposal.create.host_not_cofunding",
    "your host institution's country ({country}) is not the country of a co-funding agency of "
    "this call ({countries})",
)
CANNOT_DRAFT = define("proposal.create.refused", "The proposal cannot be drafted in this call.")
CALL_NOT_ACCEPTING = define(
    "proposal.create.call_not_accepting", "The call does not accept proposals now."
)
UPDATE_REFUSED = define(
    "proposal.update.refused", "Some fields are invalid or do not fit the call."
)


def zones(call: Call) -> tuple[str, ...]:
    """The co-funding agencies' time zones, in which the call's moments are shown."""
    return tuple(t.agency.time_zone for t in call.agencies)


def facts(call: Call, *, problems: tuple[Message, ...] = ()) -> ProposalContext:
    """The proposal machine's context for `call` now; review and decision facts are empty.
    A call that is open but has not reached `opens_at` yet adds that to the problems."""
    now = utcnow()
    if now < call.opens_at:
        problems = (CALL_OPENS_LATER(opens_at=Instant(call.opens_at, zones(call))), *problems)
    return ProposalContext(
        now=now,
        closes_at=call.closes_at,
        call_state=CallState(call.state),
        problems=problems,
        reviews_outstanding=0,
        reviews_submitted=0,
        decisions_recorded=0,
        undecided_agencies=(),
        rejecting_agencies=(),
    )


def touch(proposal: Proposal) -> None:
    """Mark the proposal changed (its version goes up) when one of its parts changes."""
    proposal.updated_at = datetime.datetime.now(datetime.UTC)


def _call_field_errors(call: Call, topic: str | None, duration: int | None) -> list[FieldError]:
    errors = []
    if topic is not None and topic not in call.topics:
        errors.append(FieldError("topic", TOPIC_NOT_OFFERED(topics=list(call.topics))))
    if duration is not None and duration not in call.durations:
        durations = list(call.durations)
        errors.append(FieldError("duration_years", DURATION_NOT_OFFERED(durations=durations)))
    return errors


def _own_terms(
    call: Call, user: User, errors: list[FieldError], host_country: str | None = None
) -> CallAgency | None:
    """The call's terms for the agency of the country of the user's host institution (their
    account's country unless `host_country` is given): a side follows where a scientist works,
    not their nationality. Else a `host_country` (or `call_id`) error."""
    country = host_country or user.country
    own = next((t for t in call.agencies if t.agency.country == country), None)
    if own is None:
        countries = [t.agency.country for t in call.agencies]
        if host_country:
            reason = HOST_NOT_COFUNDING(country=host_country, countries=countries)
            errors.insert(0, FieldError("host_country", reason))
            return None
        reason = (
            COUNTRY_NOT_COFUNDING(country=user.country, countries=countries)
            if user.country
            else COUNTRY_NOT_SET(countries=countries)
        )
        errors.insert(0, FieldError("call_id", reason))
    return own


async def _creatable(
    session: AsyncSession, principal: Principal, data: schemas.ProposalCreate
) -> tuple[Call, User, CallAgency]:
    require(policy.create_decision(principal))
    call = await session.scalar(select(Call).where(Call.id == data.call_id))
    if call is None:
        raise Invalid(NO_SUCH_CALL(), errors=[FieldError("call_id", NO_SUCH_CALL_FIELD())])
    user = await session.get(User, principal.user_id)
    assert user is not None  # the authenticated principal's account exists
    errors = _call_field_errors(call, data.topic, data.duration_years)
    own = _own_terms(call, user, errors, data.host_country)
    if errors or own is None:
        raise Invalid(CANNOT_DRAFT(), errors=errors)
    reasons = accepting_submissions(call, utcnow(), call_zones(call))
    if reasons:
        raise Conflict(CALL_NOT_ACCEPTING(), reasons=reasons)
    return call, user, own


async def create(
    session: AsyncSession, principal: Principal, data: schemas.ProposalCreate
) -> tuple[Proposal, Call]:
    """Draft a proposal with one part per co-funding agency; the creator is PI of the part of
    their own country. Raises Forbidden (not a researcher), Invalid (no such call, a topic or
    duration the call does not offer, no agency of the creator's country) and Conflict (the
    call does not accept submissions now)."""
    call, user, own = await _creatable(session, principal, data)
    proposal = Proposal(
        call_id=call.id,
        created_by=user.id,
        title=data.title.stored(),
        abstract=data.abstract.stored() if data.abstract else {},
        keywords=list(data.keywords),
        topic=data.topic,
        duration_years=data.duration_years,
        planned_start=data.planned_start,
        state=ProposalState.DRAFT,
        parts=[_part(t, i, user if t is own else None) for i, t in enumerate(call.agencies)],
    )
    session.add(proposal)
    await session.flush()
    changes = {name: [None, getattr(proposal, name)] for name in SHARED_FIELDS}
    changes["parts"] = [None, [t.agency.code for t in call.agencies]]
    await append(
        session,
        actor=principal.actor,
        action="proposal.create",
        entity_type="proposal",
        entity_id=proposal.id,
        changes={"call_id": [None, call.id], **changes},
    )
    return proposal, call


def _part(terms: CallAgency, position: int, pi: User | None) -> ProposalPart:
    members = (
        [PartMember(user_id=pi.id, role="pi", name=pi.display_name, email=pi.email)] if pi else []
    )
    return ProposalPart(
        agency_id=terms.agency_id,
        agency=terms.agency,
        position=position,
        pi_user_id=pi.id if pi else None,
        members=members,
        budget=[],
    )


async def update(
    session: AsyncSession,
    proposal: Proposal,
    call: Call,
    roles: frozenset[str],
    data: schemas.ProposalUpdate,
    *,
    actor: Actor,
) -> Proposal:
    """Change the shared fields of a draft (any consortium member); audits what changed.
    Raises Forbidden, Conflict (not a draft), StaleVersion and Invalid (topic, duration)."""
    access.require_editable(proposal, roles)
    check_version(proposal, data.version)
    sent = merge_patch(data, SHARED_FIELDS, required=REQUIRED_FIELDS)
    new: dict[str, Any] = {name: _stored(proposal, name, value) for name, value in sent.items()}
    errors = _english_errors(new) + _call_field_errors(call, data.topic, data.duration_years)
    if errors:
        raise Invalid(UPDATE_REFUSED(), errors=errors)
    changes = apply_patch(proposal, new)
    if changes:
        await session.flush()
        await append(
            session,
            actor=actor,
            action="proposal.update",
            entity_type="proposal",
            entity_id=proposal.id,
            changes=changes,
        )
    return proposal


def _english_errors(new: dict[str, Any]) -> list[FieldError]:
    """English stays in the title, and in the abstract unless it is cleared as a whole."""
    errors = english_missing("title", new["title"], CANNOT_CLEAR) if "title" in new else []
    if new.get("abstract"):
        errors += english_missing("abstract", new["abstract"], CANNOT_CLEAR)
    return errors


def _stored(proposal: Proposal, name: str, value: Any) -> Any:
    """A sent value as stored: texts merge per language (RFC 7396 on the nested object, `null`
    removes a language), `null` keywords are none."""
    if isinstance(value, MultilingualTextPatch):
        return value.merged(getattr(proposal, name))
    if name == "abstract" and value is None:
        return {}
    if name == "keywords":
        return list(value or [])
    return value


async def detail(
    session: AsyncSession,
    principal: Principal,
    proposal: Proposal,
    call: Call,
    roles: frozenset[str],
) -> schemas.ProposalDetail:
    """The detail view, without the fields `policy.hidden_fields` hides from the caller."""
    hidden = policy.hidden_fields(roles)
    await queries.load_budgets(session, proposal)
    flags = "duplicate_funding" not in hidden
    view = views.detail_view(
        proposal,
        call,
        locale=principal.locale,
        documents=await queries.documents(session, proposal.id),
        duplicate_funding=await queries.duplicate_funding(session, proposal) if flags else None,
    )
    return view.model_copy(update=dict.fromkeys(hidden))
