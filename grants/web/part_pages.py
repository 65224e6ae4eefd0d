"""The proposal page's forms for a side of the consortium: inviting the counterpart PI, the
part's host institution, a team member, and the budget table. Each calls the service the API's
`PartController` and `ProposalController.invite` call, after the same access check
(`visible_proposal`); a refusal re-renders the proposal page with each message at its field.

Form field names carry the part's agency (`JST-institution_ror`) so the two sides' forms on one
page never share an id; errors come back under the same names.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Annotated, Any

from litestar import Controller, Request, Response, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from grants.errors import DomainError
from grants.proposals import invitations, members, queries, schemas, team
from grants.proposals.access import visible_proposal
from grants.proposals.checks import terms_for
from grants.security.guards import authenticated
from grants.security.principal import Principal
from grants.settings import Settings
from grants.web import live
from grants.web.forms import FormErrors, refused, whole
from grants.web.i18n import page_locale
from grants.web.layout import flash
from grants.web.live import budget_field, budget_lines
from grants.web.researcher import proposal_page
from grants.web.views import check_form_csrf
from messages import Message, define

INVITED = define("web.proposal.invited", "The invitation was sent to {email}.")
PART_SAVED = define("web.part.saved", "The {agency} part was saved.")
MEMBER_ADDED = define("web.part.member_added", "{name} is on the {agency} team.")
MEMBER_SAVED = define("web.part.member_saved", "{name}'s details were saved.")
MEMBER_REMOVED = define("web.part.member_removed", "{name} is no longer on the team.")
BUDGET_SAVED = define("web.part.budget_saved", "The {agency} budget was saved.")
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
Ctx = Request[Any, Any, Any]


def _prefixed(errors: FormErrors, agency: str) -> FormErrors:
    return {k if k == "form" else f"{agency}-{k}": v for k, v in errors.items()}


class PartPages(Controller):
    include_in_schema = False
    guards = [authenticated]  # noqa: RUF012
    path = "/proposals/{proposal_id:uuid}"

    @post("/invitations", name="web:proposal-invite")
    async def invite(
        self,
        request: Ctx,
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        proposal_id: uuid.UUID,
        data: Form,
    ) -> Response[Any]:
        check_form_csrf(principal, data.get("csrf", ""))
        proposal, call, roles = await visible_proposal(db_session, principal, proposal_id)

        async def run() -> Message:
            body = schemas.InvitationCreate.model_validate(
                {
                    "agency": data.get("invite-agency", ""),
                    "email": data.get("invite-email", "").strip(),
                }
            )
            await invitations.invite(
                db_session, principal, proposal, call, roles, body, base_url=settings.base_url
            )
            return INVITED(email=str(body.email))

        return await _attempt(
            request, principal, db_session, settings, proposal_id, data, "invite", run
        )

    @post("/parts/{part_id:uuid}", name="web:part-update")
    async def update_part(
        self,
        request: Ctx,
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        proposal_id: uuid.UUID,
        part_id: uuid.UUID,
        data: Form,
    ) -> Response[Any]:
        check_form_csrf(principal, data.get("csrf", ""))
        proposal, _, _ = await visible_proposal(db_session, principal, proposal_id)
        part = team.find_part(proposal, part_id)
        code = part.agency.code

        async def run() -> Message:
            ror = data.get(f"{code}-institution_ror", "").strip()
            name = data.get(f"{code}-institution_name", "").strip()
            # A listed ROR id brings its institution's name when none is typed.
            listed = live.ror_check(ror, "en").institution
            name = name or (listed.name if listed else "")
            body = schemas.PartUpdate.model_validate(
                {
                    "version": whole(data.get(f"{code}-version")),
                    "institution_ror": ror or None,
                    "institution_name": name or None,
                }
            )
            await team.update_part(db_session, principal, proposal, part, body)
            return PART_SAVED(agency=code)

        return await _attempt(
            request, principal, db_session, settings, proposal_id, data, code, run
        )

    @post("/parts/{part_id:uuid}/members", name="web:member-add")
    async def add_member(
        self,
        request: Ctx,
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        proposal_id: uuid.UUID,
        part_id: uuid.UUID,
        data: Form,
    ) -> Response[Any]:
        check_form_csrf(principal, data.get("csrf", ""))
        proposal, _, _ = await visible_proposal(db_session, principal, proposal_id)
        part = team.find_part(proposal, part_id)
        code = part.agency.code

        async def run() -> Message:
            fields = ("name", "email", "orcid", "erad_number", "role")
            sent = {f: data.get(f"{code}-member-{f}", "").strip() or None for f in fields}
            body = schemas.MemberCreate.model_validate({k: v for k, v in sent.items() if v})
            await members.add_member(
                db_session, principal, proposal, part, body, base_url=settings.base_url
            )
            return MEMBER_ADDED(name=body.name, agency=code)

        prefix = f"{code}-member"
        return await _attempt(
            request, principal, db_session, settings, proposal_id, data, prefix, run
        )

    @post("/parts/{part_id:uuid}/members/{member_id:uuid}", name="web:member-update")
    async def update_member(
        self,
        request: Ctx,
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        proposal_id: uuid.UUID,
        part_id: uuid.UUID,
        member_id: uuid.UUID,
        data: Form,
    ) -> Response[Any]:
        """A team member's row saved: the same merge patch as `PATCH …/members/{id}`, with
        every field the row shows (an emptied ORCID iD or e-Rad number is cleared)."""
        check_form_csrf(principal, data.get("csrf", ""))
        proposal, _, _ = await visible_proposal(db_session, principal, proposal_id)
        part, member = members.find_member(proposal, part_id, member_id)
        prefix = f"member-{member_id}"

        async def run() -> Message:
            sent: dict[str, Any] = {"version": whole(data.get(f"{prefix}-version"))}
            for name in ("name", "email", "orcid", "erad_number", "role"):
                if f"{prefix}-{name}" in data:
                    sent[name] = data[f"{prefix}-{name}"].strip() or None
            if member.role == "pi":  # the PI's role and e-mail are their account's
                sent.pop("role", None)
                sent.pop("email", None)
            body = schemas.MemberUpdate.model_validate(sent)
            await members.update_member(
                db_session, principal, proposal, part, member, body, base_url=settings.base_url
            )
            return MEMBER_SAVED(name=member.name)

        return await _attempt(
            request, principal, db_session, settings, proposal_id, data, prefix, run
        )

    @post("/parts/{part_id:uuid}/members/{member_id:uuid}/remove", name="web:member-remove")
    async def remove_member(
        self,
        request: Ctx,
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        proposal_id: uuid.UUID,
        part_id: uuid.UUID,
        member_id: uuid.UUID,
        data: Form,
    ) -> Response[Any]:
        """Take a member off the team: the same service as `DELETE …/members/{id}`."""
        check_form_csrf(principal, data.get("csrf", ""))
        proposal, _, _ = await visible_proposal(db_session, principal, proposal_id)
        part, member = members.find_member(proposal, part_id, member_id)
        prefix = f"member-{member_id}"
        name = member.name

        async def run() -> Message:
            version = whole(data.get(f"{prefix}-version"))
            await members.remove_member(
                db_session,
                principal,
                proposal,
                part,
                member,
                version if isinstance(version, int) else 0,
            )
            return MEMBER_REMOVED(name=name)

        return await _attempt(
            request, principal, db_session, settings, proposal_id, data, prefix, run
        )

    @post("/parts/{part_id:uuid}/budget/totals", name="web:budget-totals")
    async def budget_totals(
        self,
        request: Ctx,
        principal: Principal,
        db_session: AsyncSession,
        proposal_id: uuid.UUID,
        part_id: uuid.UUID,
        data: Form,
    ) -> Template:
        """htmx, as the budget table is typed: its totals against the agency's caps, computed
        here in the agency's currency and the page's language. Saves nothing."""
        check_form_csrf(principal, data.get("csrf", ""))
        proposal, call, _ = await visible_proposal(db_session, principal, proposal_id)
        part = team.find_part(proposal, part_id)
        code, terms = part.agency.code, terms_for(call, part)
        years = proposal.duration_years
        sent = list(budget_lines(data, code, terms.currency, years))
        locale = page_locale(request)
        return Template(
            "researcher/_budget_totals.html",
            context={
                "code": code,
                "currency": terms.currency,
                "years": list(range(1, years + 1)),
                "totals": live.budget_totals(sent, terms, code, years, locale),
                "oob": True,
                "locale": locale,
            },
            headers={"Content-Language": locale},
        )

    @post("/parts/{part_id:uuid}/budget", name="web:budget-replace")
    async def replace_budget(
        self,
        request: Ctx,
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        proposal_id: uuid.UUID,
        part_id: uuid.UUID,
        data: Form,
    ) -> Response[Any]:
        check_form_csrf(principal, data.get("csrf", ""))
        proposal, call, _ = await visible_proposal(db_session, principal, proposal_id)
        part = team.find_part(proposal, part_id)
        code = part.agency.code
        await queries.load_budgets(db_session, proposal)
        currency = part.agency.currency
        sent = list(budget_lines(data, code, currency, proposal.duration_years))

        async def run() -> Message:
            body = schemas.BudgetReplace.model_validate(
                {"version": whole(data.get(f"{code}-version")), "lines": sent}
            )
            await team.replace_budget(db_session, principal, proposal, call, part, body)
            return BUDGET_SAVED(agency=code)

        def cell(errors: FormErrors) -> FormErrors:
            # `lines-3_amount` names the 4th line sent: point it at that line's cell.
            named: FormErrors = {}
            for key, text in errors.items():
                index, _, _rest = key.removeprefix("lines-").partition("_")
                if key.startswith("lines-") and index.isdigit() and int(index) < len(sent):
                    line = sent[int(index)]
                    named[budget_field(code, line["year"], line["category"])] = text
                elif key == "lines":
                    named[f"{code}-budget"] = text
                else:
                    named[f"{code}-{key}"] = text
            return named

        return await _attempt(
            request, principal, db_session, settings, proposal_id, data, None, run, cell
        )


async def _attempt(
    request: Ctx,
    principal: Principal,
    session: AsyncSession,
    settings: Settings,
    proposal_id: uuid.UUID,
    form: dict[str, str],
    prefix: str | None,
    run: Callable[[], Any],
    name_errors: Callable[[FormErrors], FormErrors] | None = None,
) -> Response[Any]:
    """Run a form's service call; refused, roll back and show the page again with the errors
    at their fields (named by `name_errors`, or prefixed with `prefix`) and what was typed."""
    try:
        done = await run()
    except (ValidationError, DomainError) as exc:
        refusal = await refused(exc, request, session)
        found = refusal.errors
        errors = name_errors(found) if name_errors else _prefixed(found, prefix or "")
        return await proposal_page(
            request,
            settings,
            principal,
            session,
            proposal_id,
            form=form,
            refusal=replace(refusal, errors=errors),
        )
    target = request.app.route_reverse("web:proposal", proposal_id=proposal_id)
    return flash(Redirect(path=target), done, settings)
