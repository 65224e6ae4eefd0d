"""The sovereignty rules as pure functions: no database, plain agency ids."""

from __future__ import annotations

from grants.security import policy
from tests.unit.grants.people import FWO, JST, NAFOSTED, person

JST_OFFICER = person("officer", agency=JST)
FWO_OFFICER = person("officer", agency=FWO)
AUDITOR = person("auditor")
ADMIN = person("admin")
REVIEWER = person("reviewer")


def test_agency_entry_is_its_own_officers_only() -> None:
    assert policy.can_edit_agency_entry(JST_OFFICER, JST)
    assert not policy.can_edit_agency_entry(JST_OFFICER, NAFOSTED)
    assert not policy.can_edit_agency_entry(ADMIN, JST)
    assert not policy.can_edit_agency_entry(person("researcher", agency=JST), JST)


def test_cofunder_removed_by_nobody_else() -> None:
    assert not policy.can_remove_cofunder(JST_OFFICER, NAFOSTED)
    assert not policy.can_remove_cofunder(ADMIN, NAFOSTED)


def test_shared_call_fields_any_cofunding_officer() -> None:
    assert policy.can_edit_shared_call_fields(JST_OFFICER, [NAFOSTED, JST])
    assert not policy.can_edit_shared_call_fields(FWO_OFFICER, [NAFOSTED, JST])
    assert not policy.can_edit_shared_call_fields(AUDITOR, [NAFOSTED, JST])


def test_pools_visible_own_for_officers_all_for_oversight() -> None:
    assert policy.pool_agencies_visible(JST_OFFICER) == frozenset({JST})
    assert policy.pool_agencies_visible(AUDITOR) is None
    assert policy.pool_agencies_visible(ADMIN) is None
    assert policy.pool_agencies_visible(REVIEWER) == frozenset()
    assert policy.pool_agencies_visible(person("officer")) == frozenset()


def test_reviewer_seen_when_in_a_visible_pool() -> None:
    assert policy.can_see_reviewer(JST_OFFICER, {JST, NAFOSTED})
    assert not policy.can_see_reviewer(JST_OFFICER, {NAFOSTED})
    assert policy.can_see_reviewer(AUDITOR, {NAFOSTED})


def test_pool_membership_own_agency_or_admin() -> None:
    assert policy.can_change_pool_membership(JST_OFFICER, JST)
    assert not policy.can_change_pool_membership(JST_OFFICER, NAFOSTED)
    assert policy.can_change_pool_membership(ADMIN, NAFOSTED)
    assert not policy.can_change_pool_membership(AUDITOR, JST)


def test_profile_edited_by_sole_pool_officer_or_admin() -> None:
    assert policy.can_edit_profile(JST_OFFICER, [JST])
    assert not policy.can_edit_profile(JST_OFFICER, [JST, NAFOSTED])
    assert not policy.can_edit_profile(JST_OFFICER, [NAFOSTED])
    assert not policy.can_edit_profile(JST_OFFICER, [])
    assert policy.can_edit_profile(ADMIN, [JST, NAFOSTED])


def test_invite_own_agency_to_a_call_it_cofunds() -> None:
    assert policy.can_invite_for(JST_OFFICER, JST, {JST, NAFOSTED})
    assert not policy.can_invite_for(JST_OFFICER, NAFOSTED, {JST, NAFOSTED})
    assert not policy.can_invite_for(FWO_OFFICER, FWO, {JST, NAFOSTED})


def test_conflict_decided_by_serving_agency_officer() -> None:
    assert policy.can_decide_conflict(JST_OFFICER, {JST})
    assert not policy.can_decide_conflict(JST_OFFICER, {NAFOSTED})
    assert not policy.can_decide_conflict(JST_OFFICER, set())
    assert not policy.can_decide_conflict(ADMIN, {JST})


def test_auditor_reaches_reads_only() -> None:
    writers = ("officer", "admin")
    assert policy.may_reach(AUDITOR, "GET", writers)
    assert policy.may_reach(AUDITOR, "head", writers)
    assert not policy.may_reach(AUDITOR, "PATCH", writers)
    assert policy.may_reach(JST_OFFICER, "POST", writers)
    assert not policy.may_reach(REVIEWER, "GET", writers)
