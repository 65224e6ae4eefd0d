"""The pure half of conflict detection: who matches whom, on plain objects, no database.

Reviewers are indexed once (by ROR id, normalized institution name, email, user id, ORCID iD),
so a call is checked in time proportional to proposals × team size, not proposals × reviewers.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from grants.common.emails import normalise
from messages import Message, define

_NOISE_WORDS = frozenset({"the", "of", "and", "at", "in", "for", "university", "univ"})


def normalize_institution(name: str | None) -> str:
    """A comparable form of an institution name: accents and punctuation removed, casefolded,
    the words "the", "of", "and", "at", "in", "for", "university", "univ" dropped and the rest
    sorted, so "The University of Tokyo" equals "Tokyo University" and "Hanoi University of
    Science and Technology" equals "Science & Technology, Hanoi University". Empty for no name.
    """
    if not name:
        return ""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    words = re.sub(r"[^\w]+", " ", plain.casefold()).split()
    return " ".join(sorted(w for w in words if w not in _NOISE_WORDS))


@dataclass(frozen=True, slots=True)
class Candidate:
    """A reviewer as detection sees them (`email` normalised, `institution` normalized)."""

    user_id: uuid.UUID
    email: str
    orcid: str | None
    ror: str | None
    institution: str
    # (country, identifier, relation) of each enterprise the reviewer declared.
    enterprises: tuple[tuple[str, str, str], ...] = ()


# Each detected conflict's reason; stored with the conflict (code and parameters, plain text
# only) and shown in the reader's language.
SAME_ROR = define(
    "conflict.same_institution.ror",
    "Same institution as the {agency} part ({institution}): ROR {ror}.",
)
SAME_NAME = define(
    "conflict.same_institution.name",
    "Same institution as the {agency} part ({institution}): same normalized name.",
)
ENTERPRISE = {
    "employee": define(
        "conflict.enterprise.employee",
        "The reviewer works for {partner}, an enterprise partner of the {agency} part.",
    ),
    "interest": define(
        "conflict.enterprise.interest",
        "The reviewer declared an interest in {partner}, an enterprise partner of the {agency} "
        "part.",
    ),
}
IS_PI = define("conflict.consortium.pi", "The reviewer is the PI of the {agency} part.")
ON_TEAM = define("conflict.consortium.member", "The reviewer is on the {agency} team ({role}).")
_EXCLUDED = {
    ("email", False): define(
        "conflict.excluded.email", "Excluded by the applicants ({name}, matched by email)."
    ),
    ("email", True): define(
        "conflict.excluded.email_with_reason",
        "Excluded by the applicants ({name}, matched by email): {reason}",
    ),
    ("orcid", False): define(
        "conflict.excluded.orcid", "Excluded by the applicants ({name}, matched by ORCID iD)."
    ),
    ("orcid", True): define(
        "conflict.excluded.orcid_with_reason",
        "Excluded by the applicants ({name}, matched by ORCID iD): {reason}",
    ),
}


@dataclass(frozen=True, slots=True)
class Finding:
    proposal_id: uuid.UUID
    reviewer_id: uuid.UUID
    source: str
    reason: Message


class ReviewerIndex:
    """Reviewers looked up by each key a conflict rule compares."""

    def __init__(self, reviewers: list[Candidate]) -> None:
        self.by_ror: dict[str, list[Candidate]] = defaultdict(list)
        self.by_name: dict[str, list[Candidate]] = defaultdict(list)
        self.by_email: dict[str, list[Candidate]] = defaultdict(list)
        self.by_orcid: dict[str, list[Candidate]] = defaultdict(list)
        self.by_enterprise: dict[tuple[str, str], list[tuple[Candidate, str]]] = defaultdict(list)
        self.by_id = {r.user_id: r for r in reviewers}
        for r in reviewers:
            if r.ror:
                self.by_ror[r.ror].append(r)
            if r.institution:
                self.by_name[r.institution].append(r)
            self.by_email[r.email].append(r)
            if r.orcid:
                self.by_orcid[r.orcid].append(r)
            for country, identifier, relation in r.enterprises:
                self.by_enterprise[(country, identifier)].append((r, relation))

    def same_institution(self, ror: str | None, name: str | None) -> list[Candidate]:
        """ROR equality when both sides have one; otherwise normalized name equality."""
        found = list(self.by_ror.get(ror, [])) if ror else []
        normalized = normalize_institution(name)
        if normalized:
            found += [r for r in self.by_name.get(normalized, []) if not (ror and r.ror)]
        return found


def find_conflicts(
    proposals: list[Any], reviewers: list[Candidate], exclusions: dict[uuid.UUID, list[Any]]
) -> Iterator[Finding]:
    """Every detected (pair, source) with its reason, at most one per pair and source.

    `proposals` carry `parts` (with `agency.code`, `institution_ror`, `institution_name`,
    `pi_user_id`, `members` and `partners`); `exclusions` maps a proposal id to its
    ProposalExclusion rows.
    """
    index = ReviewerIndex(reviewers)
    for proposal in proposals:
        seen: dict[tuple[uuid.UUID, str], Message] = {}
        for reviewer, source, reason in _matches(proposal, exclusions.get(proposal.id, []), index):
            seen.setdefault((reviewer.user_id, source), reason)
        for (reviewer_id, source), reason in seen.items():
            yield Finding(proposal.id, reviewer_id, source, reason)


def _matches(
    proposal: Any, exclusions: list[Any], index: ReviewerIndex
) -> Iterator[tuple[Candidate, str, Message]]:
    for part in proposal.parts:
        code = part.agency.code
        institution = part.institution_name or part.institution_ror
        for r in index.same_institution(part.institution_ror, part.institution_name):
            if part.institution_ror and r.ror:
                reason = SAME_ROR(agency=code, institution=institution, ror=r.ror)
            else:
                reason = SAME_NAME(agency=code, institution=institution)
            yield r, "same_institution", reason
        if part.pi_user_id in index.by_id:
            yield index.by_id[part.pi_user_id], "consortium_member", IS_PI(agency=code)
        for member in part.members:
            # Only people who accepted count (linked accounts): listing an e-mail on a team
            # must not be a way to exclude a feared reviewer (exclusions are explicit).
            if member.user_id in index.by_id:
                reason = ON_TEAM(agency=code, role=member.role)
                yield index.by_id[member.user_id], "consortium_member", reason
        for partner in part.partners:
            for r, relation in index.by_enterprise.get((partner.country, partner.identifier), []):
                reason = ENTERPRISE[relation](partner=partner.legal_name_en, agency=code)
                yield r, "enterprise_partner", reason
    for row in exclusions:
        for how, found in (
            ("email", index.by_email.get(normalise(row.email), []) if row.email else []),
            ("orcid", index.by_orcid.get(row.orcid, []) if row.orcid else []),
        ):
            for r in found:
                yield r, "excluded_by_applicants", _excluded(row, how)


def _excluded(row: Any, how: str) -> Message:
    if row.reason:
        return _EXCLUDED[(how, True)](name=row.name, reason=row.reason)
    return _EXCLUDED[(how, False)](name=row.name)
