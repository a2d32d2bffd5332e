"""What an import does: plan it, apply what the user confirmed, and show the result in the atlas.

``plan_import`` reads and checks a file and, for footprints, proposes which zone each boundary
belongs to (by id, else by name), changing nothing. ``apply_import`` stores the confirmed part.
``with_imports`` puts the stored footprints into an Atlas, where they count as imported boundaries
(with their provenance; they replace an official boundary or an indicative circle) in the map, filters, KPIs and exports, like shipped data.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geodata.areas import km_to_polygon
from geodata.atlas import Atlas
from geodata.fieldmap import KIND_WORDS, as_text, normalise
from geodata.footprints import IMPORTED, boundary_record, footprint_frame, with_boundaries
from geodata.importer import ImportedLayer, read_upload
from geodata.measure import area_ha
from geodata.problems import Problem
from geodata.store import LayerInfo, Store, now_iso
from geodata.upload import ImportLimits, ImportRejected

FOOTPRINTS, OVERLAY = "footprints", "overlay"
MODES = (FOOTPRINTS, OVERLAY)
# Overlay colours, picked in turn; none is a sector colour, so an overlay never reads as a sector.
OVERLAY_COLOURS = ("#e7298a", "#1b9e77", "#7570b3", "#d95f02", "#66a61e", "#e6ab02", "#a6761d", "#666666")
FAR_KM = 25.0
# A footprint whose area is outside these multiples of the zone's official area, or that lies more
# than FAR_KM from the zone's point, or is smaller than MIN_AREA_HA, is doubtful: it is stored only
# when the user explicitly overrides (and the override is recorded with the numbers).
AREA_RATIO = (0.2, 5.0)
MIN_AREA_HA = 1.0
_KIND_TOKENS = {"kek", "ki", "kiht"}


@dataclass(frozen=True)
class Match:
    """A proposed footprint: which features (rows) would become which zone's boundary, and why."""

    zone_id: str
    zone_name: str
    rows: tuple[int, ...]
    by: str  # "id" or "name"
    imported_name: str | None
    area_ha: float
    official_area_ha: float | None
    distance_km: float  # from the zone's point to the boundary; 0 when the point is inside
    replaces: str  # the zone's footprint now: official, imported, indicative or none
    doubt: str | None = None  # why the boundary looks wrong for this zone, with the numbers


def _doubt(area: float, official: float | None, distance: float) -> str | None:
    """Why a boundary is implausible as a zone's footprint, or None when it is plausible."""
    reasons = []
    if area < MIN_AREA_HA:
        reasons.append(f"its area is {area:.4g} ha, too small to be a zone (at least {MIN_AREA_HA:g} ha)")
    elif official and not AREA_RATIO[0] <= area / official <= AREA_RATIO[1]:
        reasons.append(
            f"its area is {area:,.0f} ha, {area / official:.3g} times the official {official:,.0f} ha "
            f"(expected {AREA_RATIO[0]:g}x to {AREA_RATIO[1]:g}x)"
        )
    if distance > FAR_KM:
        reasons.append(f"it lies {distance:,.0f} km from the zone's point (at most {FAR_KM:g} km expected)")
    return "; ".join(reasons) or None


@dataclass(frozen=True)
class ImportPlan:
    """A checked file and what importing it would do; nothing is stored until apply_import."""

    layer: ImportedLayer
    mode: str
    matches: tuple[Match, ...]
    notes: tuple[Problem, ...]


def _name_keys(name: str) -> list[str]:
    """Ways to compare a zone name, strictest first: as written, without '(...)', without KEK/KI."""
    without = re.sub(r"\(.*?\)|\s-\s*(proposed|usulan)\s*$", " ", name)
    keys = []
    for text in (name, without):
        words = " ".join(normalise(text).split("_"))
        for long_form, kind in KIND_WORDS.items():
            words = words.replace(long_form, kind.lower())
        keys.append(words)
    tokens = keys[-1].split()
    keys.append(" ".join(tokens[1:]) if tokens and tokens[0] in _KIND_TOKENS else keys[-1])
    return [k for k in dict.fromkeys(keys) if k]


def _zone_keys(zones: pd.DataFrame) -> dict[str, set[str]]:
    """Name key -> the zones it could mean (a key naming two zones matches neither)."""
    index: dict[str, set[str]] = {}
    for zone_id, name in zip(zones.index, zones["name"], strict=True):
        aliases = [" ".join(normalise(p).split("_")) for p in re.findall(r"\((.*?)\)", name)]
        for key in [*_name_keys(name), *aliases]:
            index.setdefault(key, set()).add(zone_id)
    return index


def _match_row(row: pd.Series, zones: pd.DataFrame, keys: dict[str, set[str]]) -> tuple[str | None, str, str]:
    """(zone id or None, how it matched, why not) for one imported feature."""
    raw_id = as_text(row["id"])
    if raw_id and normalise(raw_id) in zones.index:
        return normalise(raw_id), "id", ""
    name = as_text(row["name"])
    if not name:
        return None, "", "has no id or name that matches a zone"
    for key in _name_keys(name):
        candidates = keys.get(key, set())
        if len(candidates) == 1:
            return next(iter(candidates)), "name", ""
        if len(candidates) > 1:
            return (
                None,
                "",
                f"'{name}' could be {', '.join(sorted(candidates))}; put the zone's id in an 'id' column",
            )
    return None, "", f"'{name}' matches no zone by id or name; put the zone's id in an 'id' column"


def _propose(layer: ImportedLayer, atlas: Atlas) -> tuple[list[Match], list[Problem]]:
    """The proposed footprints, one per matched zone (several features of one zone are its parcels)."""
    file = layer.source_file
    zones = atlas.zones
    keys = _zone_keys(zones)
    found: dict[str, list[tuple[int, str, str | None, shapely.Geometry]]] = {}
    notes: list[Problem] = []
    column = layer.fields.get("name") or layer.fields.get("id")
    for _, row in layer.frame.iterrows():
        zone_id, by, why = _match_row(row, zones, keys)
        if zone_id is None:
            notes.append(Problem(file, int(row["row"]), column, f"{why}; it will not be imported"))
            continue
        found.setdefault(zone_id, []).append((int(row["row"]), by, as_text(row["name"]), row.geometry))
    matches = []
    for zone_id, parts in found.items():
        zone = zones.loc[zone_id]
        boundary = shapely.union_all([geometry for *_, geometry in parts])
        rows = tuple(row for row, *_ in parts)
        if len(rows) > 1:
            listed = ", ".join(str(r) for r in rows)
            notes.append(
                Problem(
                    file, None, None, f"rows {listed} are parcels of {zone_id}; joined into one footprint"
                )
            )
        distance = km_to_polygon(float(zone["lon"]), float(zone["lat"]), boundary)
        if distance > FAR_KM:
            notes.append(
                Problem(
                    file,
                    rows[0],
                    column,
                    f"lies {distance:.0f} km from {zone['name']}'s point; check the match",
                )
            )
        official = None if pd.isna(zone["area_ha"]) else float(zone["area_ha"])
        area = area_ha(boundary)
        matches.append(
            Match(
                zone_id=zone_id,
                zone_name=str(zone["name"]),
                rows=rows,
                by="id" if any(by == "id" for _, by, *_ in parts) else "name",
                imported_name=parts[0][2],
                area_ha=area,
                official_area_ha=official,
                distance_km=distance,
                replaces=str(zone["boundary"]),
                doubt=_doubt(area, official, distance),
            )
        )
    return matches, notes


def plan_import(
    path: Path,
    atlas: Atlas,
    *,
    mode: str = OVERLAY,
    layer: str | None = None,
    crs: str | None = None,
    limits: ImportLimits | None = None,
) -> ImportPlan:
    """Check a file and say what importing it would do; raise ImportRejected if it cannot be imported.

    In footprints mode the plan's matches are for the user to confirm; nothing changes until
    apply_import. ``layer`` names the layer (and picks it from a file that holds several); ``crs``
    is the CRS of a file that declares none.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got '{mode}'")
    imported = read_upload(path, sectors=atlas.sectors, layer=layer, crs=crs, limits=limits)
    if mode == OVERLAY:
        return ImportPlan(imported, mode, (), imported.notes)
    file = imported.source_file
    if imported.geometry_kind != "polygon":
        raise ImportRejected(
            [
                Problem(
                    file,
                    None,
                    "geometry",
                    "holds points; footprints must be polygons (import it as an overlay)",
                )
            ]
        )
    if "id" not in imported.fields and "name" not in imported.fields:
        columns = ", ".join(c for c in imported.frame.columns if c not in ("row", "geometry")) or "none"
        raise ImportRejected(
            [
                Problem(
                    file,
                    None,
                    None,
                    f"has no id or name column to match zones by (other columns: {columns}); "
                    "add the zone's id ('id') or name ('nama')",
                )
            ]
        )
    matches, notes = _propose(imported, atlas)
    if not matches:
        raise ImportRejected(notes or [Problem(file, None, None, "matches no zone")])
    return ImportPlan(imported, mode, tuple(matches), imported.notes + tuple(notes))


def refuse_doubtful(plan: ImportPlan, chosen: Collection[str], override: Collection[str] = ()) -> None:
    """Raise ImportRejected naming, with its numbers, every chosen match that is doubtful (too big,
    too small or too far for its zone) and not in ``override``."""
    layer = plan.layer
    doubtful = [m for m in plan.matches if m.zone_id in chosen and m.doubt and m.zone_id not in override]
    if doubtful:
        raise ImportRejected(
            [
                Problem(
                    layer.source_file,
                    m.rows[0],
                    None,
                    f"does not look like {m.zone_name}'s footprint: {m.doubt}; nothing imported "
                    "(check the file, or confirm the override to import it anyway)",
                    "implausible",
                    (("zone", m.zone_name), ("doubt", m.doubt)),
                )
                for m in doubtful
            ]
        )


def apply_import(
    plan: ImportPlan,
    store: Store,
    *,
    confirmed: Collection[str] | None = None,
    colour: str | None = None,
    when: datetime | None = None,
    override: Collection[str] = (),
    actor: str | None = None,
) -> LayerInfo:
    """Store a planned import: an overlay as it is, or the footprints of the ``confirmed`` zone ids
    (all proposed matches when None), recording ``actor`` (the signed-in user; None without login)
    as who imported it. Returns the stored layer's catalogue row.

    A doubtful match (see Match.doubt) is refused with its numbers unless its zone id is in
    ``override``; an overridden footprint keeps the reason in its ``plausibility_override`` column."""
    layer = plan.layer
    frame = layer.frame
    if plan.mode == FOOTPRINTS:
        chosen = {m.zone_id for m in plan.matches} if confirmed is None else set(confirmed)
        unknown = chosen - {m.zone_id for m in plan.matches}
        if unknown:
            raise ValueError(f"not among the proposed matches: {', '.join(sorted(unknown))}")
        if not chosen:
            raise ImportRejected(
                [Problem(layer.source_file, None, None, "no match was confirmed; nothing imported")]
            )
        refuse_doubtful(plan, chosen, override)
        zone_of_row = {row: m.zone_id for m in plan.matches if m.zone_id in chosen for row in m.rows}
        overridden = {m.zone_id: m.doubt for m in plan.matches if m.zone_id in chosen and m.doubt}
        frame = frame[frame["row"].isin(list(zone_of_row))].copy()
        frame.insert(0, "zone_id", [zone_of_row[row] for row in frame["row"]])
        frame["plausibility_override"] = [
            f"imported by explicit override despite: {overridden[z]}" if z in overridden else None
            for z in frame["zone_id"]
        ]
    if colour is not None and not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        raise ValueError(f"colour must be #rrggbb, got '{colour}'")
    info = LayerInfo(
        id=layer.name,
        name=layer.name,
        kind=plan.mode,
        colour=colour or OVERLAY_COLOURS[len(store.layers(include_removed=True)) % len(OVERLAY_COLOURS)],
        source_file=layer.source_file,
        imported_at=now_iso(when),
        features=len(frame),
        repaired=layer.repaired,
        geometry_kind=layer.geometry_kind,
    )
    return store.add(info, frame, actor=actor)


def merge_footprints(atlas: Atlas, imported: gpd.GeoDataFrame) -> Atlas:
    """A new Atlas whose zones use the ``imported`` boundaries (zone_id, note, geometry; the last
    row of a zone wins) as imported footprints. Zones the atlas no longer has are skipped."""
    records = {zone_id: row for zone_id, row in atlas.footprints.iterrows()}
    for zone_id, note, geometry in zip(imported["zone_id"], imported["note"], imported.geometry, strict=True):
        if zone_id in atlas.zones.index:
            records[zone_id] = pd.Series(boundary_record(zone_id, IMPORTED, note, geometry))
    ordered = [records[z] for z in atlas.zones.index if z in records]
    footprints = footprint_frame(ordered, crs=atlas.footprints.crs)
    zones = with_boundaries(atlas.zones.copy(), footprints)
    return dataclasses.replace(atlas, zones=zones, footprints=footprints)


def with_imports(atlas: Atlas, store: Store) -> Atlas:
    """The atlas with every active imported footprint layer merged in, later imports winning."""
    parts = []
    for info in store.layers():
        if info.kind != FOOTPRINTS:
            continue
        frame = store.read(info.id)
        note = f"imported from {info.source_file} on {info.imported_at[:10]} (layer '{info.name}')"
        for zone_id, group in frame.groupby("zone_id", sort=False):
            sources = sorted({s for s in (as_text(v) for v in group["source"]) if s})
            overrides = sorted({s for s in (as_text(v) for v in group.get("plausibility_override", [])) if s})
            parts.append(
                {
                    "zone_id": zone_id,
                    "note": note
                    + (f"; source: {'; '.join(sources)}" if sources else "")
                    + (f"; {overrides[0]}" if overrides else ""),
                    "geometry": shapely.union_all(list(group.geometry)),
                }
            )
    if not parts:
        return atlas
    return merge_footprints(
        atlas, gpd.GeoDataFrame(pd.DataFrame(parts), geometry="geometry", crs="EPSG:4326")
    )
