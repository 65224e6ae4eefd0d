"""HTTP API of reviewer profiles: officers' and admins' pool management, the CSV import, and
a reviewer's own profile and calls."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, get, patch, post
from litestar.di import Provide
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from grants.common.pagination import Window, provide_window
from grants.common.schemas import Page
from grants.errors import FieldError, Invalid
from grants.reviews.pool import csv_import, profiles, schemas, serving, sovereignty
from grants.security.guards import requires, requires_or_audits
from grants.security.principal import Principal, Role
from messages import define

NOT_UTF8 = define("reviewer.import.not_utf8", "Not UTF-8.")
FILE_NOT_UTF8 = define("reviewer.import.file_not_utf8", "the file is not UTF-8")


@dataclass
class CsvOperation(Operation):
    """OpenAPI for the import: the body is a CSV file."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            content={"text/csv": OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))},
            description=f"UTF-8 CSV with the header {','.join(csv_import.HEADER)}.",
            required=True,
        )


async def csv_text(request: Request[Any, Any, Any]) -> str:
    """The request body as UTF-8 text; raises Invalid otherwise."""
    try:
        return (await request.body()).decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid(NOT_UTF8(), errors=[FieldError("body", FILE_NOT_UTF8())]) from None


class ReviewerController(Controller):
    path = "/api/reviewers"
    tags = ["reviewers"]  # noqa: RUF012
    guards = [requires_or_audits(Role.OFFICER, Role.ADMIN)]  # noqa: RUF012 - auditors read
    dependencies = {"window": Provide(provide_window, sync_to_thread=False)}  # noqa: RUF012

    @get("/", name="reviewers:list")
    async def list_profiles(
        self,
        principal: Principal,
        db_session: AsyncSession,
        window: Window,
        pool: str | None = Parameter(query="pool", default=None, max_length=20),
        country: str | None = Parameter(query="country", default=None, max_length=2),
        q: str | None = Parameter(query="q", default=None, max_length=100),
    ) -> Page[schemas.ReviewerProfile]:
        """Profiles of the pools the caller sees (an officer: their agency's), filtered by pool
        (agency code), country or a text fragment.

        Officers (their own agency's pool only; filtering by another pool is 403), auditors and
        admins. A page (`limit`, `offset`). Changes nothing.
        """
        await sovereignty.require_pool_filter(db_session, principal, pool)
        query = profiles.profiles_query(pool=pool, country=country, q=q)
        query = query.where(sovereignty.in_visible_pools(principal))
        items, total = await profiles.list_profiles(db_session, query, window)
        return Page.of(items, total, window)

    @post("/", name="reviewers:create")
    async def create(
        self, principal: Principal, data: schemas.ReviewerProfileCreate, db_session: AsyncSession
    ) -> schemas.ReviewerProfile:
        """Give an existing account a reviewer profile (in the caller's own pool) and the
        reviewer role.

        Officers (into their own agency's pool) and admins; everyone else 403. 409 when the account
        already has a profile. Audited as `reviewer_profile.create`.
        """
        await sovereignty.require_pools(db_session, principal, data.pools)
        profile, user = await profiles.create_profile(db_session, data, actor=principal.actor)
        return profiles.profile_view(profile, user)

    @post("/import", name="reviewers:import", operation_class=CsvOperation)
    async def import_csv(
        self, request: Request[Any, Any, Any], principal: Principal, db_session: AsyncSession
    ) -> schemas.ImportResult:
        """Import reviewers from CSV: all rows or none; every bad row named by its line.

        Officers (into their own agency's pool) and admins. The body is CSV (UTF-8); every row is
        imported, or none and each bad row is named by its line (422). Audited row by row.
        """
        text = await csv_text(request)
        await sovereignty.require_import_pools(db_session, principal, text)
        return await csv_import.import_reviewers(db_session, text, actor=principal.actor)

    @get("/{user_id:uuid}", name="reviewers:show")
    async def show(
        self, principal: Principal, user_id: uuid.UUID, db_session: AsyncSession
    ) -> schemas.ReviewerProfile:
        """One reviewer's profile, when in a pool the caller sees.

        Officers whose agency's pool holds the reviewer (404 otherwise), auditors and admins.
        Changes nothing.
        """
        return profiles.profile_view(
            *await sovereignty.visible_profile(db_session, principal, user_id)
        )

    @patch("/{user_id:uuid}", name="reviewers:update")
    async def update(
        self,
        principal: Principal,
        user_id: uuid.UUID,
        data: schemas.ReviewerProfileUpdate,
        db_session: AsyncSession,
    ) -> schemas.ReviewerProfile:
        """Edit a reviewer's profile; `pools` replaces their pools (each agency its own).

        Officers whose agency's pool holds the reviewer (404 otherwise): `pools` adds or removes
        only their own agency's membership, and other fields change only when the reviewer is in no
        other agency's pool (403); admins change everything. Audited as `reviewer_profile.update`.
        """
        profile, user = await sovereignty.visible_profile(db_session, principal, user_id)
        await sovereignty.require_profile_change(db_session, principal, profile, data)
        await profiles.update_profile(db_session, profile, data, actor=principal.actor)
        return profiles.profile_view(profile, user)


class OwnReviewerController(Controller):
    path = "/api/me"
    tags = ["me"]  # noqa: RUF012
    guards = [requires(Role.REVIEWER)]  # noqa: RUF012

    @get("/reviewer-profile", name="me:reviewer-profile")
    async def show(self, principal: Principal, db_session: AsyncSession) -> schemas.ReviewerProfile:
        """The caller's own reviewer profile.

        Reviewers only, their own profile (403 for other roles). Changes nothing.
        """
        return profiles.profile_view(*await profiles.get_profile(db_session, principal.user_id))

    @patch("/reviewer-profile", name="me:reviewer-profile-update")
    async def update(
        self, principal: Principal, data: schemas.OwnProfileUpdate, db_session: AsyncSession
    ) -> schemas.ReviewerProfile:
        """Change one's own expertise, keywords, host institution (ROR id, name), ORCID iD and
        country; each is checked (the ROR id's and ORCID iD's check digits, an ISO 3166 code).

        Reviewers only, for their own profile (403 for other roles); load cap and pools stay
        with the officers (422 naming the field). Audited as `reviewer_profile.update`.
        """
        profile, user = await profiles.get_profile(db_session, principal.user_id)
        await profiles.update_profile(db_session, profile, data, actor=principal.actor)
        return profiles.profile_view(profile, user)

    @get("/review-calls", name="me:review-calls")
    async def review_calls(
        self, principal: Principal, db_session: AsyncSession
    ) -> list[schemas.CallService]:
        """The calls the caller was asked to serve on, with the state of each.

        Reviewers only (403 for other roles). Changes nothing.
        """
        return await serving.my_services(db_session, principal.user_id)
