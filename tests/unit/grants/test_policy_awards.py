"""Who records and reads funding decisions, who sees grants (`grants.security.policy`)."""

from __future__ import annotations

import pytest

from grants.security import policy
from tests.unit.grants.people import JST, NAFOSTED, person

OFFICER_ROLES = frozenset({"officer", "cofunding_officer"})


def test_an_officer_records_their_own_agencys_decision_only() -> None:
    jst = person("officer", agency=JST)

    own = policy.decision_record_decision(jst, OFFICER_ROLES, JST, "JST")
    other = policy.decision_record_decision(jst, OFFICER_ROLES, NAFOSTED, "NAFOSTED")

    assert (own.allowed, own.roles) == (True, OFFICER_ROLES)
    assert (other.allowed, other.status, str(other.detail)) == (
        False,
        403,
        "Only NAFOSTED's officers record NAFOSTED's decision: each agency decides on its own side.",
    )


@pytest.mark.parametrize("roles", [{"researcher", "pi"}, {"auditor"}, {"admin"}])
def test_nobody_else_records_a_decision(roles: set[str]) -> None:
    refused = policy.decision_record_decision(person(*roles), frozenset(roles), JST, "JST")

    assert (refused.allowed, refused.status) == (False, 403)


@pytest.mark.parametrize(
    ("who", "roles", "state", "shown"),
    [
        ("jst", OFFICER_ROLES, "reviewed", (False, JST, True)),
        ("jst", OFFICER_ROLES, "awarded", (True, JST, True)),
        ("jst", OFFICER_ROLES, "rejected", (True, JST, True)),
        ("pi", frozenset({"researcher", "pi"}), "reviewed", (False, None, False)),
        ("pi", frozenset({"researcher", "pi"}), "awarded", (True, None, False)),
        ("auditor", frozenset({"auditor"}), "reviewed", (True, None, True)),
    ],
)
def test_decisions_shown_to_each_reader(
    who: str,
    roles: frozenset[str],
    state: str,
    shown: tuple[bool, object, bool],
) -> None:
    caller = {
        "jst": person("officer", agency=JST),
        "pi": person("researcher"),
        "auditor": person("auditor"),
    }[who]

    got = policy.decisions_shown(caller, roles, state)

    assert (got.every_agency, got.own_agency, got.officers) == shown


def test_an_assigned_reviewer_reads_no_decision() -> None:
    refused = policy.decisions_read_decision(frozenset({"reviewer", "assigned_reviewer"}))

    assert (refused.allowed, refused.status) == (False, 403)


@pytest.mark.parametrize(
    ("roles", "status"),
    [
        ({"researcher", "pi"}, 200),
        ({"researcher", "coapplicant"}, 200),
        ({"officer", "cofunding_officer"}, 200),
        ({"auditor"}, 200),
        ({"officer"}, 404),
        ({"researcher"}, 404),
        ({"reviewer"}, 404),
    ],
)
def test_a_grant_is_seen_by_its_consortium_and_oversight(roles: set[str], status: int) -> None:
    decision = policy.decide(
        person(*roles), policy.Action.READ, policy.GrantFacts(frozenset(roles))
    )

    assert (200 if decision.allowed else decision.status) == status


def test_grant_lists_are_scoped_like_the_reads() -> None:
    jst = person("officer", agency=JST)
    admin = person("admin")
    researcher = person("researcher")

    assert policy.list_scope(jst, "grants") == policy.GrantListScope(False, jst.user_id, JST)
    assert policy.list_scope(admin, "grants").everything
    assert policy.list_scope(researcher, "grants") == policy.GrantListScope(
        False, researcher.user_id, None
    )
