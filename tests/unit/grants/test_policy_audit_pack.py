"""Who builds an audit pack of what, and who reaches an export job (pure policy)."""

from __future__ import annotations

import pytest

from grants.security.policy.audit_pack import (
    PackScope,
    decide_exporter,
    decide_job_read,
    decide_pack,
)
from grants.security.policy.exports import ExportScope
from tests.unit.grants.people import FWO, JST, NAFOSTED, person

CALL = [JST, NAFOSTED]


@pytest.mark.parametrize("role", ["auditor", "admin"])
@pytest.mark.parametrize("agencies", [None, CALL])
def test_oversight_packs_anything_with_full_events(role: str, agencies: list | None) -> None:
    decision, scope = decide_pack(person(role), agencies)

    assert (decision.allowed, scope) == (True, PackScope(full_events=True))


@pytest.mark.parametrize(
    ("agency", "agencies", "status", "code"),
    [
        (JST, CALL, 200, None),
        (NAFOSTED, CALL, 200, None),
        (JST, None, 403, "policy.audit_pack.call_required"),
        (FWO, CALL, 403, "policy.audit_pack.not_cofunded"),
    ],
)
def test_an_officer_packs_only_a_call_their_agency_cofunds_with_hashed_events(
    agency: object, agencies: list | None, status: int, code: str | None
) -> None:
    decision, scope = decide_pack(person("officer", agency=agency), agencies)  # type: ignore[arg-type]

    assert decision.status == status
    assert (decision.detail.code if decision.detail else None) == code
    datasets = ExportScope(agency_id=agency, identities=False, oversight=False)  # type: ignore[arg-type]
    # A refused officer's scope is never used; a permitted one's datasets are their export view.
    expected = PackScope(False, datasets) if status == 200 else PackScope(full_events=False)
    assert scope == expected


@pytest.mark.parametrize("role", ["researcher", "reviewer"])
def test_researchers_and_reviewers_cannot_export(role: str) -> None:
    assert decide_exporter(person(role)).status == 403
    assert decide_pack(person(role), CALL)[0].status == 403


def test_a_job_is_the_requesters_and_oversights_only() -> None:
    requester, other = person("officer", agency=JST), person("officer", agency=JST)

    assert decide_job_read(requester, requester.user_id).allowed
    assert decide_job_read(person("auditor"), requester.user_id).allowed
    assert decide_job_read(person("admin"), requester.user_id).allowed
    assert decide_job_read(other, requester.user_id).status == 404
