"""Awarded grants as open data: the 360Giving Data Standard (package JSON and flattened CSV),
IATI activity XML 2.03, and the data-quality checks 360Giving's tools run that apply to us.

Pure: the standard library and Babel only; `grants` loads the records (`grants.opendata`) and
imports this package, never the reverse. Amounts enter as integers in minor units and leave as
exact decimals in major units (`amounts.major`), never through a float.
"""

from __future__ import annotations

from opendata.amounts import major
from opendata.flat import FLAT_COLUMNS, flat_csv
from opendata.iati import iati_xml
from opendata.quality import Problem, quality_problems
from opendata.records import Org, Partner, Payment, Project, Share, TranchePlan
from opendata.threesixty import grant_records, package, package_json

__all__ = [
    "FLAT_COLUMNS",
    "Org",
    "Partner",
    "Payment",
    "Problem",
    "Project",
    "Share",
    "TranchePlan",
    "flat_csv",
    "grant_records",
    "iati_xml",
    "major",
    "package",
    "package_json",
    "quality_problems",
]
