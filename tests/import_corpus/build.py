"""Builds the binary cases of the import corpus (zips, shapefiles, a GeoPackage) into a directory.

The text cases are committed next to this file; these are built at test time because GDAL stamps
dates into what it writes. ``python -m tests.import_corpus.build DIR`` writes them for a look.
"""

from __future__ import annotations

import sqlite3
import stat
import struct
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely
from shapely.geometry import Polygon

# KI Kariangau (Balikpapan), in UTM zone 50S metres: the shape a surveyor's shapefile has.
KARIANGAU = Polygon([(116.80, -1.17), (116.83, -1.17), (116.83, -1.14), (116.80, -1.14)])
FIXED_TIME = (2025, 1, 1, 0, 0, 0)


def shapefile_zip(
    target: Path, frame: gpd.GeoDataFrame, *, drop: tuple[str, ...] = (), encoding: str | None = None
) -> Path:
    """Zip a shapefile written from ``frame``, leaving out the parts whose suffix is in ``drop``."""
    with tempfile.TemporaryDirectory() as tmp:
        shp = Path(tmp) / f"{target.stem}.shp"
        pyogrio.write_dataframe(frame, shp, encoding=encoding)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for part in sorted(Path(tmp).iterdir()):
                if part.suffix not in drop:
                    archive.writestr(zipfile.ZipInfo(part.name, FIXED_TIME), part.read_bytes())
    return target


def kariangau_utm(target: Path, drop: tuple[str, ...] = ()) -> Path:
    """A surveyed Kariangau boundary in EPSG:32750, as a zipped shapefile."""
    frame = gpd.GeoDataFrame({"NAMA": ["Kawasan Industri Kariangau"]}, geometry=[KARIANGAU], crs=4326)
    return shapefile_zip(target, frame.to_crs(32750), drop=drop)


def utm_no_prj(target: Path) -> Path:
    return kariangau_utm(target, drop=(".prj",))


def utm_wrong_hemisphere(target: Path) -> Path:
    """Southern-hemisphere UTM metres labelled as zone 50N: lands north of the equator, outside Indonesia."""
    frame = gpd.GeoDataFrame({"NAMA": ["Kariangau"]}, geometry=[KARIANGAU], crs=4326).to_crs(32750)
    return shapefile_zip(target, frame.set_crs(32650, allow_override=True))


def no_shx(target: Path) -> Path:
    return kariangau_utm(target, drop=(".shx",))


def dbf_cp1252(target: Path) -> Path:
    """A shapefile whose .dbf is Windows-1252 with no .cpg saying so, as older ArcGIS writes it."""
    frame = gpd.GeoDataFrame({"NAMA": ["Kawasan Industri Café"]}, geometry=[KARIANGAU], crs=4326)
    return shapefile_zip(target, frame, drop=(".cpg",), encoding="cp1252")


def measured(target: Path) -> Path:
    """A GeoPackage polygon with M values (pyogrio cannot write them, so the blob is set directly)."""
    frame = gpd.GeoDataFrame(
        {"nama": ["KEK Kendal"]},
        geometry=[Polygon([(110.19, -6.93), (110.22, -6.93), (110.22, -6.9)])],
        crs=4326,
    )
    pyogrio.write_dataframe(frame, target, layer="measured")
    wkt = "POLYGON M ((110.19 -6.93 1, 110.22 -6.93 2, 110.22 -6.9 3, 110.19 -6.93 1))"
    blob = (
        b"GP\x00\x01"
        + struct.pack("<i", 4326)
        + shapely.to_wkb(shapely.from_wkt(wkt), flavor="iso", byte_order=1)
    )
    with sqlite3.connect(target) as db:
        for function in ("ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"):  # the R-tree triggers
            db.create_function(function, 1, lambda _: 0)
        db.execute("UPDATE measured SET geom = ?", (blob,))
        db.execute("UPDATE gpkg_geometry_columns SET m = 1")
    return target


def _zip_with(target: Path, members: dict[str, bytes], symlink: str | None = None) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, FIXED_TIME), data)
        if symlink:
            link = zipfile.ZipInfo(symlink, FIXED_TIME)
            link.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(link, "/etc/passwd")
    return target


POINT = b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"nama": "Gerbang"}, "geometry": {"type": "Point", "coordinates": [110.2, -6.92]}}]}'

BUILDERS: dict[str, Callable[[Path], Path]] = {
    "utm_no_prj.zip": utm_no_prj,
    "utm_wrong_hemisphere.zip": utm_wrong_hemisphere,
    "no_shx.zip": no_shx,
    "dbf_cp1252.zip": dbf_cp1252,
    "measured.gpkg": measured,
    "traversal.zip": lambda t: _zip_with(t, {"../escape.geojson": POINT}),
    "absolute.zip": lambda t: _zip_with(t, {"/tmp/absolute.geojson": POINT}),
    "symlink.zip": lambda t: _zip_with(t, {"gate.geojson": POINT}, symlink="passwd.geojson"),
    "two_datasets.zip": lambda t: _zip_with(t, {"a.geojson": POINT, "b.geojson": POINT}),
    "no_dataset.zip": lambda t: _zip_with(t, {"readme.txt": b"nothing here"}),
    "not_a_zip.zip": lambda t: (t.write_bytes(b"PK\x03\x04 this is not really a zip"), t)[1],
}


def build(directory: Path) -> None:
    """Write every built case into ``directory``."""
    for name, make in BUILDERS.items():
        make(Path(directory) / name)


if __name__ == "__main__":
    build(Path(sys.argv[1]))
