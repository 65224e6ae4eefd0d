"""The pinned 360Giving schemas and IATI XSD, loaded offline (`tests.support.standards`)."""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from lxml import etree
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from tests.support.standards import standards_dir

THREESIXTY = standards_dir("360giving")
IATI = standards_dir("iati")


DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _formats() -> FormatChecker:
    """Formats asserted, as 360Giving's tool asserts them: the schema's dates are `oneOf` a
    date pattern or a `date-time`, so a plain date matches both unless `date-time` is checked
    (jsonschema checks it only with an optional package: an RFC 3339 check is enough here)."""
    checker = FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        if not isinstance(value, str) or not DATE_TIME.match(value):
            return False
        datetime.datetime.fromisoformat(value.replace("z", "Z"))
        return True

    return checker


@cache
def package_validator() -> Draft202012Validator:
    """The package schema, its remote `$ref` to the grant schema answered by the local file
    (the package names 1.4.2's URL, the file is 1.4.3's: the registry maps both). Both name
    their dialect by its http:// URI, which `referencing` does not detect: draft 2020-12 is
    given explicitly."""
    package = json.loads((THREESIXTY / "360-giving-package-schema.json").read_text())
    grant = DRAFT202012.create_resource(
        json.loads((THREESIXTY / "360-giving-schema.json").read_text())
    )
    remote = package["properties"]["grants"]["items"]["$ref"]
    registry = Registry().with_resources([(remote, grant), (grant.id() or remote, grant)])
    return Draft202012Validator(package, registry=registry, format_checker=_formats())


def schema_errors(document: bytes) -> list[str]:
    """Every schema error of a package JSON document (numbers read exactly)."""
    data: Any = json.loads(document, parse_float=Decimal)
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in package_validator().iter_errors(data)
    ]


@cache
def iati_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(IATI / "iati-activities-schema.xsd")))


def xsd_errors(document: bytes) -> list[str]:
    schema = iati_schema()
    schema.validate(etree.fromstring(document))
    return [f"{e.line}: {e.message}" for e in schema.error_log]
