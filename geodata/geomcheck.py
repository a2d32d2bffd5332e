"""Whether imported geometries can go on the map: lon/lat, in Indonesia, one kind, valid or safely repaired.

Every check names the feature and says what to do. A self-intersecting polygon is repaired only
when the repair is unambiguous: the two standard repairs (GEOS make_valid 'structure' and
'linework') agree on its area within REPAIR_AREA_TOLERANCE; otherwise the planner fixes it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry import MultiPoint, MultiPolygon
from shapely.geometry.base import BaseGeometry

from geodata.measure import area_ha
from geodata.problems import Problem
from geodata.schema import LAT_RANGE, LON_RANGE
from geodata.upload import ImportRejected

WGS84 = "EPSG:4326"
REPAIR_AREA_TOLERANCE = 0.01
FLATNESS = 1e-10  # area / perimeter^2 below this is a polygon drawn on a line (a square has 1/16)
FAMILIES = {
    "Polygon": "polygon",
    "MultiPolygon": "polygon",
    "Point": "point",
    "MultiPoint": "point",
}
PLURAL = {"polygon": "polygons", "point": "points"}
LAYER_KINDS = "an imported layer holds polygons (boundaries) or points (sites)"


@dataclass(frozen=True)
class CheckedGeometries:
    """Geometries in EPSG:4326, one per feature, with what was wrong and what was repaired."""

    geometries: list[BaseGeometry | None]
    family: str | None  # "polygon" or "point"
    errors: list[Problem]
    notes: list[Problem]
    repaired: int


def _span(bounds: np.ndarray) -> str:
    return f"x {bounds[0]:.6g} to {bounds[2]:.6g}, y {bounds[1]:.6g} to {bounds[3]:.6g}"


def _in_box(bounds: np.ndarray, xs: tuple[float, float], ys: tuple[float, float]) -> bool:
    """Whether a bounding box (minx, miny, maxx, maxy) meets the box xs x ys."""
    return bool(bounds[0] <= xs[1] and bounds[2] >= xs[0] and bounds[1] <= ys[1] and bounds[3] >= ys[0])


def _in_indonesia(bounds: np.ndarray) -> bool:
    return _in_box(bounds, LON_RANGE, LAT_RANGE)


def _swapped(bounds: np.ndarray) -> bool:
    return _in_box(bounds, LAT_RANGE, LON_RANGE) and not _in_indonesia(bounds)


def _lonlat_hint(bounds: np.ndarray) -> str:
    if _swapped(bounds):
        return "its coordinates look swapped (latitude first); longitude must come first"
    if max(abs(bounds[0]), abs(bounds[2])) > 180 or max(abs(bounds[1]), abs(bounds[3])) > 90:
        return (
            "its coordinates look projected (metres, e.g. UTM), not longitude/latitude; add the .prj file "
            "that came with it, or give its EPSG code (e.g. EPSG:32750 for UTM zone 50S)"
        )
    return "its coordinates are longitude/latitude outside Indonesia"


def _bounds(geometries: gpd.GeoSeries) -> np.ndarray | None:
    """(minx, miny, maxx, maxy) of the non-empty geometries, or None when there are none."""
    present = [g for g in geometries if g is not None and not g.is_empty]
    return np.asarray(shapely.total_bounds(present)) if present else None


def _rejected(file: str, message: str) -> ImportRejected:
    return ImportRejected([Problem(file, None, None, message)])


def to_wgs84(
    frame: gpd.GeoDataFrame, file: str, assume_crs: str | None = None
) -> tuple[gpd.GeoSeries, list[Problem]]:
    """The geometries in EPSG:4326 and notes, or ImportRejected when the file's CRS cannot be trusted.

    A declared CRS (or ``assume_crs``) is converted from; a file with none is read as lon/lat only
    when its coordinates lie in Indonesia.
    """
    geometries = frame.geometry
    bounds = _bounds(geometries)
    known = bounds is not None and bool(np.isfinite(bounds).all())
    declared = assume_crs or frame.crs
    if declared is None:
        if known and not _in_indonesia(bounds):
            raise _rejected(file, f"declares no CRS and {_lonlat_hint(bounds)} ({_span(bounds)})")
        note = (
            "declares no CRS; its coordinates fit Indonesia in lon/lat, so it was read as WGS84 (EPSG:4326)"
        )
        return geometries.set_crs(WGS84), [Problem(file, None, None, note)]
    try:
        crs = CRS.from_user_input(declared)
    except (CRSError, ValueError, TypeError) as exc:
        raise _rejected(file, f"has a CRS that is not understood ({exc})") from None
    if crs.is_geographic and known and not _in_indonesia(bounds):
        raise _rejected(file, f"{_lonlat_hint(bounds)} ({_span(bounds)})")
    try:
        converted = geometries.set_crs(crs, allow_override=True).to_crs(WGS84)
    except (CRSError, ValueError, TypeError) as exc:
        raise _rejected(file, f"cannot be converted from {crs.to_string()} to WGS84 ({exc})") from None
    new_bounds = _bounds(converted)
    if new_bounds is not None and np.isfinite(new_bounds).all() and not _in_indonesia(new_bounds):
        raise _rejected(
            file,
            f"lies outside Indonesia once converted from {crs.to_string()} ({_span(new_bounds)}); check its "
            "CRS (.prj): UTM zones south of the equator are EPSG:327xx, north of it EPSG:326xx",
        )
    return converted, []


def _as_family(geometry: BaseGeometry) -> BaseGeometry:
    """A collection made only of polygons (or only of points), as KML's MultiGeometry gives, as a multi-part."""
    if geometry.geom_type != "GeometryCollection":
        return geometry
    parts = list(geometry.geoms)
    if parts and all(p.geom_type in ("Polygon", "MultiPolygon") for p in parts):
        return MultiPolygon([q for p in parts for q in getattr(p, "geoms", [p])])
    if parts and all(p.geom_type in ("Point", "MultiPoint") for p in parts):
        return MultiPoint([q for p in parts for q in getattr(p, "geoms", [p])])
    return geometry


def _polygonal(geometry: BaseGeometry) -> BaseGeometry | None:
    polygons = [g for g in shapely.get_parts(geometry) if g.geom_type == "Polygon" and not g.is_empty]
    if not polygons:
        return None
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)


def _flat(polygon: BaseGeometry) -> bool:
    """Whether a polygon has no real area: its points (nearly) lie on a line."""
    return bool(polygon.area <= FLATNESS * polygon.length**2)


def _reason(geometry: BaseGeometry) -> str:
    reason = shapely.is_valid_reason(geometry)
    return re.sub(r"\[([-\d.e]+) ([-\d.e]+)\]", r" near \1, \2", reason).lower()


def repair(geometry: BaseGeometry) -> tuple[BaseGeometry | None, str]:
    """(repaired polygon, what was done) or (None, why it cannot be repaired safely)."""
    reason = _reason(geometry)
    structure = _polygonal(shapely.make_valid(geometry, method="structure", keep_collapsed=False))
    linework = _polygonal(shapely.make_valid(geometry, method="linework"))
    if structure is None or _flat(structure):
        return None, f"is not a valid polygon ({reason}) and has no area once fixed; redraw it"
    other = linework.area if linework is not None else 0.0
    difference = abs(other - structure.area) / structure.area
    if difference > REPAIR_AREA_TOLERANCE:
        return None, (
            f"is not a valid polygon ({reason}) and cannot be repaired safely (the standard repairs differ "
            f"by {difference:.0%} in area); fix it in QGIS (Vector > Geometry Tools > Fix Geometries)"
        )
    parts = len(getattr(structure, "geoms", [structure]))
    return structure, (
        f"was not a valid polygon ({reason}); repaired into {parts} polygon{'s' if parts > 1 else ''} "
        f"of {area_ha(structure):.1f} ha"
    )


def _feature(
    geometry: BaseGeometry | None, family: str | None
) -> tuple[BaseGeometry | None, str | None, str | None]:
    """(geometry to keep, error, repair note) for one feature of a layer of ``family``."""
    if geometry is None or geometry.is_empty:
        return None, "has no geometry, or one that cannot be read (a ring needs 4 points, first = last)", None
    found = FAMILIES.get(geometry.geom_type)
    if found is None:
        return None, f"is a {geometry.geom_type}; {LAYER_KINDS}", None
    if found != family:
        error = f"is a {geometry.geom_type} but the layer's other features are {PLURAL[str(family)]}"
        return None, f"{error}; import points and polygons as separate files", None
    coordinates = shapely.get_coordinates(geometry)
    if not np.isfinite(coordinates).all():
        return None, "has coordinates that are not finite numbers", None
    bounds = np.asarray(geometry.bounds)
    if not _in_indonesia(bounds):
        lon, lat = coordinates[0]
        return None, f"lies outside Indonesia ({lon:.6g}, {lat:.6g}); {_lonlat_hint(bounds)}", None
    if (np.abs(coordinates) > (180.0, 90.0)).any():
        return None, "has a point beyond longitude -180..180 or latitude -90..90", None
    if family == "point":
        return geometry, None, None
    if geometry.is_valid:
        if _flat(geometry):
            return None, "has no area (its points lie on a line); redraw it", None
        return geometry, None, None
    repaired, message = repair(geometry)
    return (repaired, None, message) if repaired is not None else (None, message, None)


def check_geometries(geometries: gpd.GeoSeries, rows: list[int], file: str) -> CheckedGeometries:
    """Check every feature of a layer already in EPSG:4326; the layer's kind is its commonest one.

    ``family`` is None, with an error for every feature, when no feature is a polygon or a point.
    """
    errors: list[Problem] = []
    notes: list[Problem] = []
    shapes = [None if g is None else _as_family(g) for g in geometries]
    if any(g is not None and shapely.has_z(g) for g in shapes):
        heights = [shapely.get_coordinates(g, include_z=True)[:, 2] for g in shapes if g is not None]
        if any(np.nan_to_num(z).any() for z in heights):
            notes.append(
                Problem(file, None, None, "has heights (Z values); they were dropped, the atlas is 2D")
            )
        shapes = [None if g is None else shapely.force_2d(g) for g in shapes]
    families = Counter(FAMILIES[g.geom_type] for g in shapes if g is not None and g.geom_type in FAMILIES)
    family = families.most_common(1)[0][0] if families else None
    kept: list[BaseGeometry | None] = []
    repaired = 0
    for row, geometry in zip(rows, shapes, strict=True):
        shape, error, note = _feature(geometry, family)
        kept.append(shape)
        if error:
            errors.append(Problem(file, row, "geometry", error))
        if note:
            repaired += 1
            notes.append(Problem(file, row, "geometry", note))
    return CheckedGeometries(kept, family, errors, notes, repaired)
