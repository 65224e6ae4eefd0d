"""Enterprise partners and their commitments as export datasets (both backends)."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import persist
from tests.factories_exports import make_export_world
from tests.factories_partners import EnterprisePartnerFactory, contributions, jp_number, vn_code

Client = httpx.AsyncClient


async def test_partners_and_contributions_export_exactly(client: Client, db: AsyncSession) -> None:
    world = await make_export_world(db)
    jst_part, vn_part = world.proposal.parts
    sakura = EnterprisePartnerFactory(
        part_id=jst_part.id,
        legal_name="株式会社サクラ",
        legal_name_en="Sakura K.K.",
        identifier=jp_number(11),
        contact_email="k@sakura.example.jp",
        contributions=contributions("JPY", (1, "cash", 2_000_000), (2, "in_kind", 500_000)),
    )
    song_hong = EnterprisePartnerFactory(
        part_id=vn_part.id,
        legal_name="Công ty Sông Hồng",
        legal_name_en="Song Hong JSC",
        country="VN",
        identifier=vn_code(12),
        currency="VND",
        contact_email="lan@songhong.example.vn",
        contributions=contributions("VND", (1, "cash", 300_000_000)),
    )
    await persist(db, sakura)
    await persist(db, song_hong)

    committed = await client.get("/api/exports/partner_contributions.csv", headers=world.auditor)
    vn = await client.get("/api/exports/partners.csv?agency=NAFOSTED", headers=world.auditor)

    rows = sorted(
        [
            f"{sakura.id},JV-2026-0001,JST,1,cash,2000000,JPY\n",
            f"{sakura.id},JV-2026-0001,JST,2,in_kind,500000,JPY\n",
            f"{song_hong.id},JV-2026-0001,NAFOSTED,1,cash,300000000,VND\n",
        ],
        key=lambda r: r.split(",")[0],
    )
    assert committed.text == (
        "partner_id,proposal_reference,agency_code,year,kind,amount,currency\n" + "".join(rows)
    )
    assert vn.text == (
        "id,part_id,proposal_reference,agency_code,legal_name,legal_name_en,country,identifier,"
        "size_class,contact_name,contact_email,role,currency,letter_document_id\n"
        f"{song_hong.id},{vn_part.id},JV-2026-0001,NAFOSTED,Công ty Sông Hồng,Song Hong JSC,VN,"
        f"{vn_code(12)},small,Taro Yamada,lan@songhong.example.vn,Supplies test wafers.,VND,\n"
    )
