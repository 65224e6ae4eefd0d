"""The proposal checks as messages, without a database: codes with money and agency codes as
parameters, one message per breach, each rendering in every language."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from grants.db.models import Agency, BudgetLine, Call, CallAgency, Proposal, ProposalPart
from grants.money import Money
from grants.proposals.checks import (
    PiElsewhere,
    budget_warnings,
    cap_breaches,
    submission_problems,
)
from grants.proposals.invitation_mail import country_locale
from messages import LOCALES, Message, params_json, render

CAP_YEAR, CAP_TOTAL = 10_000_000, 45_000_000


def _terms(currency: str = "JPY", agency_id: int | None = None) -> CallAgency:
    return CallAgency(
        agency_id=agency_id,
        currency=currency,
        cap_per_year=CAP_YEAR,
        cap_total=CAP_TOTAL,
        max_indirect_percent=30,
    )


def _line(year: int, amount: int, category: str = "personnel") -> BudgetLine:
    return BudgetLine(year=year, category=category, amount=amount, currency="JPY")


def _coded(messages: list[Message] | tuple[Message, ...]) -> list[tuple[str, dict[str, object]]]:
    return [(m.code, dict(m.params)) for m in messages]


def test_cap_breaches_carry_money_and_the_agency_code() -> None:
    lines = [_line(1, 12_000_000), *(_line(y, 9_000_000) for y in (2, 3, 4, 5))]

    breaches = cap_breaches(lines, _terms(), "JST")

    assert _coded(breaches) == [
        (
            "budget.caps.year_over_cap",
            {
                "agency": "JST",
                "year": 1,
                "amount": Money(12_000_000, "JPY"),
                "cap": Money(CAP_YEAR, "JPY"),
            },
        ),
        (
            "budget.caps.total_over_cap",
            {"agency": "JST", "total": Money(48_000_000, "JPY"), "cap": Money(CAP_TOTAL, "JPY")},
        ),
    ]
    assert [render(b, "en") for b in breaches] == [
        "The JST part's budget for year 1 is ¥12,000,000, over JST's cap of ¥10,000,000 per year.",
        "The JST part's total budget ¥48,000,000 is over JST's cap of ¥45,000,000 per project.",
    ]


def test_budget_warnings_name_years_beyond_the_project_in_its_own_grammar() -> None:
    part = ProposalPart(agency=Agency(code="JST"), budget=[_line(2, 100), _line(3, 100)])

    one_year = budget_warnings(part, _terms(), 1)
    two_years = budget_warnings(part, _terms(), 2)

    assert [render(w, "en") for w in one_year] == [
        "The JST part has budget lines for year 2, but the project lasts 1 year.",
        "The JST part has budget lines for year 3, but the project lasts 1 year.",
    ]
    assert [render(w, "en") for w in two_years] == [
        "The JST part has budget lines for year 3, but the project lasts 2 years."
    ]


def test_submission_problems_list_every_missing_item_as_a_message() -> None:
    jst = ProposalPart(agency=Agency(code="JST"), agency_id=1, pi_user_id=None, budget=[])
    call = Call(
        agencies=[_terms(agency_id=1)],
        document_kinds=[
            {"kind": "cv", "required": True},
            {"kind": "plan", "label": "Plan", "required": True},
            {"kind": "letter", "required": False},
        ],
    )
    proposal = Proposal(title={"ja": "題"}, abstract={"en": "Chiplets."}, duration_years=3)
    proposal.parts = [jst]

    problems = submission_problems(
        proposal,
        call,
        present_kinds={"plan"},
        pis_elsewhere=[PiElsewhere("a@example.jp", 1, "JV-2026-0001")],
    )

    assert _coded(problems) == [
        ("proposal.submission.title_not_in_english", {}),
        ("part.submission.no_pi", {"agency": "JST"}),
        ("part.submission.no_institution", {"agency": "JST"}),
        ("part.submission.no_budget", {"agency": "JST"}),
        ("document.submission.required_missing", {"label": "cv", "kind": "cv"}),
        (
            "proposal.submission.pi_elsewhere",
            {"email": "a@example.jp", "reference": "JV-2026-0001"},
        ),
    ]


@given(
    st.lists(st.tuples(st.integers(1, 5), st.integers(0, 3 * CAP_YEAR)), min_size=0, max_size=12),
    st.sampled_from(["JPY", "VND", "EUR"]),
)
def test_a_year_breach_is_named_exactly_when_its_total_is_over_the_cap(
    amounts: list[tuple[int, int]], currency: str
) -> None:
    lines = [_line(year, amount) for year, amount in amounts]
    totals: dict[int, int] = {}
    for year, amount in amounts:
        totals[year] = totals.get(year, 0) + amount

    breaches = cap_breaches(lines, _terms(currency), "NAFOSTED")

    years = [b.params["year"] for b in breaches if b.code == "budget.caps.year_over_cap"]
    assert years == sorted(y for y, total in totals.items() if total > CAP_YEAR)
    over_total = sum(totals.values()) > CAP_TOTAL
    assert [b.code for b in breaches].count("budget.caps.total_over_cap") == int(over_total)
    for breach in breaches:  # complete parameters: every language renders, JSON carries them
        assert all(render(breach, locale) for locale in LOCALES)
        json.dumps(params_json(breach.params))


def test_an_invitee_without_account_reads_their_agency_countrys_language() -> None:
    assert [country_locale(c) for c in ("JP", "VN", "BE", "US")] == ["ja", "vi", "en", "en"]
