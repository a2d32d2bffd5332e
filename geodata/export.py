"""Exports of a zone selection: the same rows and columns as the zone table on screen, with sources.

CSV, Excel, GeoJSON and GeoPackage are plain functions from data to bytes; every file carries each
zone's sources, as-of dates, coordinate precision and boundary (official, imported, indicative or none).
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from shapely.geometry import mapping

from geodata.atlas import Atlas
from geodata.footprints import COLUMNS

TABLE_COLUMNS = (
    "id", "name", "kind", "status", "province", "regency", "sectors", "area_ha", "measured_area_ha",
    "investment_idr_trillion", "investment_as_of", "workforce", "workforce_as_of", "coord_precision", "boundary",
    "lon", "lat", "as_of", "sources",
)  # fmt: skip


def zone_table(atlas: Atlas, mask: pd.Series) -> pd.DataFrame:
    """The selected zones as a flat table (lists joined with ';'), in the atlas's order."""
    zones = atlas.zones[mask]
    table = pd.DataFrame(
        {
            column: zones[column].map(lambda v: ";".join(v) if isinstance(v, tuple) else v)
            for column in TABLE_COLUMNS
        }
    )
    table["workforce"] = table["workforce"].astype("Int64")
    table["measured_area_ha"] = table["measured_area_ha"].round(1)  # a geodesic area to 0.1 ha
    return table.reset_index(drop=True)


# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets (OWASP).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, prefixed with ' so it shows as text;
    numbers and everything else unchanged (a zone named '=HYPERLINK(...)' stays a name)."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def _inert(table: pd.DataFrame) -> pd.DataFrame:
    """The table with every text cell neutralised; numeric columns keep their numbers."""
    text = [c for c in table.columns if not pd.api.types.is_numeric_dtype(table[c])]
    return table.assign(**{str(c): table[c].map(neutralise) for c in text})


def to_csv(table: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark, so that Excel shows Indonesian names correctly; no cell
    is a live formula."""
    return _inert(table).to_csv(index=False).encode("utf-8-sig")


def to_xlsx(table: pd.DataFrame, about: Mapping[str, str]) -> bytes:
    """An Excel workbook: the zones sheet, and an 'about' sheet with filters, date and data notes;
    no cell is a live formula (openpyxl writes any text starting with '=' as one)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _inert(table).to_excel(writer, sheet_name="zones", index=False)
        _inert(pd.DataFrame({"field": list(about), "value": list(about.values())})).to_excel(
            writer, sheet_name="about", index=False
        )
    return buffer.getvalue()


def _geometry_of(atlas: Atlas, zone_id: str):
    if zone_id in atlas.footprints.index:
        return atlas.footprints.at[zone_id, "geometry"]
    return atlas.zones.at[zone_id, "geometry"]


def to_geojson(
    atlas: Atlas, table: pd.DataFrame, about: Mapping[str, str], extra: Sequence[dict] = ()
) -> bytes:
    """Zones as GeoJSON features: the footprint where there is one, else the point; all table columns.
    ``extra`` features (the shown facilities) follow the zones."""
    features = []
    for record in json.loads(table.to_json(orient="records", force_ascii=False)):
        features.append(
            {"type": "Feature", "properties": record, "geometry": mapping(_geometry_of(atlas, record["id"]))}
        )
    document = {"type": "FeatureCollection", "metadata": dict(about), "features": features + list(extra)}
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def to_gpkg(atlas: Atlas, table: pd.DataFrame, about: Mapping[str, str]) -> bytes:
    """A GeoPackage with a 'zones' point layer (all table columns), a 'footprints' polygon layer and 'about'."""
    points = gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(table["lon"], table["lat"]), crs="EPSG:4326")
    ids = [z for z in table["id"] if z in atlas.footprints.index]
    footprints = atlas.footprints.loc[ids, COLUMNS]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "zones.gpkg"
        points.to_file(path, layer="zones", driver="GPKG")
        if len(footprints):
            gpd.GeoDataFrame(footprints.reset_index(drop=True), crs="EPSG:4326").to_file(
                path, layer="footprints", driver="GPKG"
            )
        about_table = pd.DataFrame({"field": list(about), "value": list(about.values())})
        pyogrio.write_dataframe(about_table, path, layer="about", driver="GPKG")
        return path.read_bytes()
