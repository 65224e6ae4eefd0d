"""The demo's third party: the funded proposal of the finished call has an enterprise partner on
each side (fictional companies whose identifiers have valid check digits), each with its letter
of commitment and commitments per year, and a Vietnamese scientist based in Japan on the
Vietnamese part (the call's NAFOSTED terms allow members abroad). Everything goes through the
same services as the API, as the parts' own researchers."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Call, EnterprisePartner, Proposal, User
from grants.demo.acting import principal
from grants.documents.services import (
    LETTER_KIND,
    LETTER_TERMS,
    UploadRequest,
    record_document,
    store_upload,
)
from grants.partners import schemas, services
from grants.partners.actuals import partners_of
from grants.proposals import members
from grants.proposals import schemas as proposal_schemas
from grants.settings import get_settings
from storage.base import DocumentStore

# Fictional enterprises; the identifiers' check digits are valid (stdnum.jp.cn, stdnum.vn.mst).
PARTNERS: dict[str, dict[str, Any]] = {
    "JST": {
        "legal_name": "株式会社ホッカイ積層テクノロジー",
        "legal_name_en": "Hokkai Stacking Technologies K.K.",
        "country": "JP",
        "identifier": "6-4300-0100-0000",
        "size_class": "medium",
        "contact_name": "Daichi Fujita",
        "contact_email": "d.fujita@hokkai-stack.example.jp",
        "role": "Hybrid-bonding line time and test wafers for the stacked prototypes.",
        "kinds": (("cash", 1_500_000), ("in_kind", 2_000_000)),
    },
    "NAFOSTED": {
        "legal_name": "Công ty Cổ phần Vi mạch Mê Kông",
        "legal_name_en": "Mekong Microsystems JSC",
        "country": "VN",
        "identifier": "0312345673",
        "size_class": "small",
        "contact_name": "Trương Thị Mai",
        "contact_email": "mai.truong@mekong-micro.example.vn",
        "role": "Edge-AI inference boards and field trials in its Ho Chi Minh City plant.",
        "kinds": (("in_kind", 150_000_000),),
    },
}
ABROAD = {
    "name": "Đỗ Thị Hạnh",
    "email": "hanh.do@hokudai.demo.cofund.example",
    "role": "member",
    "based_in": "JP",
}
"""A Vietnamese scientist working at a Japanese university, on the Vietnamese part."""


async def _letter(
    session: AsyncSession, store: DocumentStore, user: User, call: Call, proposal: Proposal
) -> str:
    body = b"%PDF-1.4\n% Letter of commitment\n%%EOF\n"

    async def chunks() -> AsyncIterator[bytes]:
        yield body

    stored = await store_upload(store, chunks(), LETTER_TERMS)
    upload = UploadRequest(proposal.id, LETTER_KIND, None, None, stored.size)
    document = await record_document(
        session, principal(user), call, upload, "letter-of-commitment.pdf", stored
    )
    return str(document.id)


async def add_demo_partners(
    session: AsyncSession,
    store: DocumentStore,
    call: Call,
    proposal: Proposal,
    pis: dict[str, User],
    years: int,
) -> list[EnterprisePartner]:
    """Each side's PI uploads its partner's letter and lists the partner with its commitments
    for every project year; the Vietnamese PI adds the scientist based in Japan."""
    added = []
    for part in proposal.parts:
        code, pi = part.agency.code, pis[part.agency.code]
        spec = dict(PARTNERS[code])
        kinds = spec.pop("kinds")
        currency = "JPY" if spec["country"] == "JP" else "VND"
        spec["contributions"] = [
            {"year": y, "kind": kind, "amount": amount, "currency": currency}
            for y in range(1, years + 1)
            for kind, amount in kinds
        ]
        spec["letter_document_id"] = await _letter(session, store, pi, call, proposal)
        data = schemas.PartnerCreate.model_validate(spec)
        added.append(await services.add_partner(session, principal(pi), proposal, part, data))
    vn_part = proposal.parts[1]
    await members.add_member(
        session,
        principal(pis["NAFOSTED"]),
        proposal,
        vn_part,
        proposal_schemas.MemberCreate.model_validate(ABROAD),
        base_url=get_settings().base_url,
        call=call,
    )
    return added


async def actual_contributions(
    session: AsyncSession, part_id: uuid.UUID, *, year: int
) -> list[dict[str, Any]]:
    """What the part's partners actually gave in `year`, for its financial statement: the
    cash as committed, the contributions in kind nine tenths of it (a late delivery)."""
    partners = (await partners_of(session, [part_id]))[part_id]
    return [
        {
            "partner_id": str(p.id),
            "kind": c.kind,
            "amount": c.amount if c.kind == "cash" else c.amount * 9 // 10,
            "currency": c.currency,
        }
        for p in partners
        for c in p.contributions
        if c.year == year
    ]
