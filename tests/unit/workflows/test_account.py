from __future__ import annotations

from dataclasses import replace

import pytest

from workflows.errors import GuardsFailed, NotAllowedFromState, RoleNotAllowed
from workflows.machines.account import ACCOUNT, ONESELF, AccountContext
from workflows.machines.account import LAST_ADMIN as LAST_ADMIN_LEFT
from workflows.roles import ADMIN, OFFICER

ADMINS = {ADMIN}
OTHER_USER = AccountContext(actor_is_subject=False, subject_is_admin=False, other_active_admins=0)
LAST_ADMIN = AccountContext(actor_is_subject=False, subject_is_admin=True, other_active_admins=0)


def test_account_suspend_by_admin_suspends() -> None:
    assert ACCOUNT.apply("active", "suspend", ADMINS, OTHER_USER) == "suspended"


def test_account_reactivate_by_admin_reactivates() -> None:
    assert ACCOUNT.apply("suspended", "reactivate", ADMINS, OTHER_USER) == "active"


@pytest.mark.parametrize("state", ["active", "suspended"])
def test_account_deactivate_from_active_or_suspended_deactivates(state: str) -> None:
    assert ACCOUNT.apply(state, "deactivate", ADMINS, OTHER_USER) == "deactivated"


def test_account_admin_with_other_admins_can_be_suspended() -> None:
    ctx = replace(LAST_ADMIN, other_active_admins=1)

    assert ACCOUNT.apply("active", "suspend", ADMINS, ctx) == "suspended"


@pytest.mark.parametrize("event", ["suspend", "deactivate"])
def test_account_admin_acting_on_themself_is_refused(event: str) -> None:
    ctx = replace(OTHER_USER, actor_is_subject=True, subject_is_admin=True, other_active_admins=2)

    with pytest.raises(GuardsFailed) as caught:
        ACCOUNT.decide("active", event, ADMINS, ctx)

    assert caught.value.reasons == (ONESELF(),)
    assert str(caught.value) == "An admin cannot suspend or deactivate their own account."


@pytest.mark.parametrize("event", ["suspend", "deactivate"])
def test_account_last_active_admin_is_refused(event: str) -> None:
    with pytest.raises(GuardsFailed) as caught:
        ACCOUNT.decide("active", event, ADMINS, LAST_ADMIN)

    assert caught.value.reasons == (LAST_ADMIN_LEFT(),)


def test_account_last_admin_suspending_themself_gets_both_reasons() -> None:
    ctx = replace(LAST_ADMIN, actor_is_subject=True)

    with pytest.raises(GuardsFailed) as caught:
        ACCOUNT.decide("active", "suspend", ADMINS, ctx)

    assert caught.value.reasons == (ONESELF(), LAST_ADMIN_LEFT())


def test_account_non_admin_is_refused() -> None:
    with pytest.raises(RoleNotAllowed):
        ACCOUNT.decide("active", "suspend", {OFFICER}, OTHER_USER)


def test_account_deactivated_cannot_be_reactivated() -> None:
    with pytest.raises(NotAllowedFromState) as caught:
        ACCOUNT.decide("deactivated", "reactivate", ADMINS, OTHER_USER)

    assert caught.value.allowed_from == ("suspended",)


def test_account_available_for_admin_on_active_user() -> None:
    events = [t.event for t in ACCOUNT.available("active", ADMINS, OTHER_USER)]

    assert events == ["suspend", "deactivate"]


def test_account_available_for_admin_on_themself_is_empty() -> None:
    ctx = replace(OTHER_USER, actor_is_subject=True)

    assert ACCOUNT.available("active", ADMINS, ctx) == []
