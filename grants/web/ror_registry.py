"""A small local copy of the Research Organization Registry (https://ror.org): Japanese and
Vietnamese research institutions with their real ROR ids, for showing a host institution's name
as its id is typed. CoFund runs without internet access, so it cannot ask ror.org; an id that
is well formed (its check digits verify) but not listed here is accepted with the name the
researcher types, and shown as not verified.

Each entry is one ROR record's id, its name as ROR gives it, its country, and the names the
institution uses in Japanese or Vietnamese. Every id was checked against published ROR records
(affiliations that cite them) and its check digits verify (`grants.common.codes.ror`; a test
checks them all). Add an institution only from its ROR record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from grants.common.codes import ror


@dataclass(frozen=True, slots=True)
class Institution:
    ror_id: str
    name: str
    country: str
    names: dict[str, str] = field(default_factory=dict)

    def name_in(self, locale: str) -> str:
        """Its name in the reader's language when it has one, else the registry's."""
        return self.names.get(locale, self.name)


_ENTRIES = (
    Institution("057zh3y96", "The University of Tokyo", "JP", {"ja": "東京大学"}),
    Institution("02kpeqv85", "Kyoto University", "JP", {"ja": "京都大学"}),
    Institution("035t8zc32", "Osaka University", "JP", {"ja": "大阪大学"}),
    Institution("01dq60k83", "Tohoku University", "JP", {"ja": "東北大学"}),
    Institution("04chrp450", "Nagoya University", "JP", {"ja": "名古屋大学"}),
    Institution("02e16g702", "Hokkaido University", "JP", {"ja": "北海道大学"}),
    Institution("00p4k0j84", "Kyushu University", "JP", {"ja": "九州大学"}),
    Institution("02956yf07", "University of Tsukuba", "JP", {"ja": "筑波大学"}),
    Institution("03tgsfw79", "Kobe University", "JP", {"ja": "神戸大学"}),
    Institution("03t78wx29", "Hiroshima University", "JP", {"ja": "広島大学"}),
    Institution("01hjzeq58", "Chiba University", "JP", {"ja": "千葉大学"}),
    Institution("02pc6pc55", "Okayama University", "JP", {"ja": "岡山大学"}),
    Institution("02hwp6a56", "Kanazawa University", "JP", {"ja": "金沢大学"}),
    Institution("02kn6nx58", "Keio University", "JP", {"ja": "慶應義塾大学"}),
    Institution("00ntfnx83", "Waseda University", "JP", {"ja": "早稲田大学"}),
    Institution("01sjwvz98", "RIKEN", "JP", {"ja": "理化学研究所"}),
    Institution(
        "01703db54",
        "National Institute of Advanced Industrial Science and Technology",
        "JP",
        {"ja": "産業技術総合研究所"},
    ),
    Institution(
        "026v1ze26", "National Institute for Materials Science", "JP", {"ja": "物質・材料研究機構"}
    ),
    Institution(
        "00097mb19", "Japan Science and Technology Agency", "JP", {"ja": "科学技術振興機構"}
    ),
    Institution(
        "02jmfj006", "Vietnam National University, Hanoi", "VN", {"vi": "Đại học Quốc gia Hà Nội"}
    ),
    Institution(
        "04nyv3z04",
        "Hanoi University of Science and Technology",
        "VN",
        {"vi": "Đại học Bách khoa Hà Nội"},
    ),
    Institution(
        "02wsd5p50",
        "Vietnam Academy of Science and Technology",
        "VN",
        {"vi": "Viện Hàn lâm Khoa học và Công nghệ Việt Nam"},
    ),
    Institution(
        "025kb2624",
        "University of Medicine and Pharmacy at Ho Chi Minh City",
        "VN",
        {"vi": "Đại học Y Dược Thành phố Hồ Chí Minh"},
    ),
    Institution("05rehad94", "Oxford University Clinical Research Unit", "VN"),
)

REGISTRY: dict[str, Institution] = {entry.ror_id: entry for entry in _ENTRIES}


def lookup(value: str) -> Institution | None:
    """The listed institution with this ROR id (typed bare or as `https://ror.org/…`), or None
    when the id is not listed. Raises MessageError (a ValueError) when it is not a ROR id."""
    return REGISTRY.get(ror(value))
