"""Reading an XLSX workbook back without openpyxl: its sheets' cells from the zip's XML."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any
from xml.etree import ElementTree

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def read_sheets(content: bytes) -> dict[str, list[list[Any]]]:
    """Each sheet's rows by sheet name, in workbook order: numbers as int, text as str, an
    empty cell as None."""
    with zipfile.ZipFile(io.BytesIO(content)) as workbook:
        shared = _shared_strings(workbook)
        targets = _sheet_targets(workbook)
        return {name: _rows(workbook.read(path), shared) for name, path in targets}


def _shared_strings(workbook: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in workbook.namelist():
        return []
    root = ElementTree.fromstring(workbook.read("xl/sharedStrings.xml"))  # noqa: S314 - our own workbook
    return ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")) for si in root]


def _sheet_targets(workbook: zipfile.ZipFile) -> list[tuple[str, str]]:
    root = ElementTree.fromstring(workbook.read("xl/workbook.xml"))  # noqa: S314 - our own workbook
    rels = ElementTree.fromstring(workbook.read("xl/_rels/workbook.xml.rels"))  # noqa: S314 - our own workbook
    target = {r.get("Id"): r.get("Target") for r in rels}
    return [
        (sheet.get("name", ""), "xl/" + str(target[sheet.get(RELS)]))
        for sheet in root.iterfind("m:sheets/m:sheet", NS)
    ]


def _rows(xml: bytes, shared: list[str]) -> list[list[Any]]:
    rows = []
    for row in ElementTree.fromstring(xml).iterfind("m:sheetData/m:row", NS):  # noqa: S314
        cells: dict[int, Any] = {}
        for cell in row.iterfind("m:c", NS):
            cells[_column(cell.get("r", "A1"))] = _value(cell, shared)
        rows.append([cells.get(i) for i in range(max(cells, default=-1) + 1)])
    return rows


def _column(ref: str) -> int:
    letters = re.match(r"[A-Z]+", ref)
    number = 0
    for letter in letters.group(0) if letters else "A":
        number = number * 26 + ord(letter) - ord("A") + 1
    return number - 1


def _value(cell: ElementTree.Element, shared: list[str]) -> Any:
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{{{NS['m']}}}t"))
    value = cell.findtext("m:v", default=None, namespaces=NS)
    if kind == "s" and value is not None:
        return shared[int(value)]
    if value is not None and kind is None:
        return int(value) if re.fullmatch(r"-?\d+", value) else float(value)
    return value
