"""Build the official KEK layers from the kek.go.id copy in the reference folder.

Run from the repository root as ``python tools/build_kek.py [--reference DIR] [--data DIR]``.

Why: the 25 KEKs' official boundaries, marker points and infrastructure are published per KEK on
kek.go.id (Dewan Nasional KEK). This tool turns the reference copy (``kek_go_id/``) into the atlas's
shipped files, reproducibly and offline:

- ``footprints.geojson``: one feature per KEK, its parcels dissolved into one (Multi)Polygon, with
  the BIG attributes (legal basis, official area, metadata year, map sources) and how each parcel
  was matched to its KEK (by its attributes, or by location for the parcels that carry none);
- ``zones.csv``: only the KEK rows' ``lon``, ``lat``, ``coord_precision`` and ``coord_method`` are
  patched, by id (every other row and column stays byte for byte), so that it can run after other
  tools that patch other columns;
- ``infrastructure.csv``: the ports, airports, gates, utilities... of the KEK profiles, classified;
- ``KEK_PROVENANCE.md``: source, commit, licence, the matches and what was dropped and why.

Running it twice gives identical bytes.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import dataclasses
import io
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run as a script from anywhere: geodata is the repository's package

from geodata.areas import km_to_polygon  # noqa: E402
from geodata.measure import area_ha  # noqa: E402

DEFAULT_REFERENCE = REPO.parent / "shared" / "reference"
DEFAULT_DATA = REPO / "geodata" / "data"
SOURCE_REPO = "https://github.com/shaanbarca/sez-renewable-energy-dashboard"
KEK_SITE = "https://kek.go.id/"
LICENCE = (
    "government publication of Dewan Nasional KEK (kek.go.id); shipped with attribution to Dewan "
    "Nasional KEK / kek.go.id and to the map sources named in each boundary's REMARK"
)
# Geometry is kept at 1e-7 degree (about 1 cm): the published parcels, not a simplification.
GRID = 1e-7
COORD_DECIMALS = 6
# An unattributed parcel further than this from every kek.go.id marker is not matched but refused.
MAX_MATCH_KM = 25.0
# A profile item this far from its KEK's boundary belongs to another place (a copy-paste slip).
MAX_ITEM_KM = 500.0
# An item labelled inside the SEZ but further than this outside its boundary is noted as such.
INSIDE_TOLERANCE_KM = 0.5
_STOPWORDS = {"kek", "and", "dan", "the", "of", "ex", "kawasan", "ekonomi", "khusus", "proposed"}
FOOTPRINT_KEYS = (
    "zone_id", "boundary", "source", "as_of", "official_area_ha", "legal_basis", "metadata_year",
    "map_sources", "match", "parts", "notes",
)  # fmt: skip
INFRASTRUCTURE_HEADER = (
    "id",
    "name",
    "kind",
    "zone_id",
    "inside_sez",
    "lon",
    "lat",
    "as_of",
    "sources",
    "notes",
)
PATCHED_COLUMNS = ("lon", "lat", "coord_precision", "coord_method")

# (kind, words in the lower-cased title and description), tried in order: the first that matches wins,
# so that "Fire Station" is not a station, "Substation" is power and "Airport" is not a port.
KIND_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("other", ("fire station", "firestation", "dryport", "dry port", "hangar", "apron", "main gate")),
    ("airport", ("airport", "air strip", "airstrip", "bandara", "bandar udara")),
    ("toll_gate", ("toll gate", "gerbang tol")),
    ("power", ("substation", "power", "electric", "pln", "gas engine", "solar", "gardu")),
    ("water", ("water", "wtp", "wwtp", "reverse osmosis", "sewage", "air limbah", "flood control", "canal")),
    ("telecom", ("telecom", "communication", "internet", "tower")),
    ("port", ("port", "pier", "ferry", "harbour", "harbor", "marina", "jetty", "dermaga", "pelabuhan",
              "terminal for own-interest")),
    ("station", ("station", "bus terminal", "stasiun")),
    ("road", ("road", "flyover", "jalan", "jalur")),
)  # fmt: skip


def classify(title: str, description: str = "") -> str:
    """The infrastructure kind of a profile item, from its title and description."""
    text = f"{title} {description}".lower()
    for kind, words in KIND_RULES:
        if any(word in text for word in words):
            return kind
    return "other"


def tokens(*texts: str) -> set[str]:
    """The distinctive words of names, slugs and ids, for matching a profile to a zone."""
    words: set[str] = set()
    for text in texts:
        plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
        words |= {w for w in re.findall(r"[a-z0-9]+", plain) if len(w) > 1 and w not in _STOPWORDS}
    return words


def _text(value: object) -> str:
    """A property as text; the copy writes missing values as None or the string 'None'."""
    text = "" if value is None else " ".join(str(value).split())
    return "" if text == "None" else text


def parse_indonesian_number(text: str) -> float | None:
    """'840,67 ha' -> 840.67, '2.886,7 ha' -> 2886.7, '668.3' -> 668.3; None when there is no number."""
    match = re.search(r"\d[\d.,]*", text or "")
    if not match:
        return None
    number = match.group(0).rstrip(".,")
    if "," in number:
        number = number.replace(".", "").replace(",", ".")
    elif number.count(".") > 1 or re.fullmatch(r"\d{1,3}\.\d{3}", number):
        number = number.replace(".", "")
    return float(number)


def metadata_year(metadata: str) -> int | None:
    """The year inside BIG's METADATA code: KEK500002025INDONESIA -> 2025."""
    match = re.search(r"(\d{4})INDONESIA$", metadata or "")
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class Profile:
    """A KEK's kek.go.id profile: its slug, title, marker point and infrastructure list."""

    slug: str
    title: str
    marker: Point
    legal_basis: str
    area: str
    infrastructures: list[dict]


@dataclass(frozen=True)
class Parcel:
    """One feature of kek_polygons.geojson and the KEK it was matched to."""

    position: int  # 1-based, as in the file
    properties: dict[str, str]
    geometry: BaseGeometry
    attributed: bool
    slug: str = ""
    match: str = ""
    km: float = 0.0  # a parcel matched by location: from the marker of its KEK, and from the next nearest
    next_km: float = 0.0


@dataclass(frozen=True)
class Reference:
    """The files read from the reference folder, and the commit and date of their copy."""

    profiles: dict[str, Profile]
    parcels: list[Parcel]
    commit: str
    as_of: str


def read_reference(folder: Path) -> Reference:
    """Read the kek.go.id copy: profiles by slug, the polygon features in file order, and its commit."""
    base = folder / "kek_go_id"
    profiles = {}
    with (base / "kek_profiles.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            profiles[row["slug"]] = Profile(
                slug=row["slug"],
                title=row["title"],
                marker=Point(float(row["longitude"]), float(row["latitude"])),
                legal_basis=row["legalBasis"],
                area=row["area"],
                infrastructures=json.loads(row["infrastructures"] or "[]"),
            )
    document = json.loads((base / "kek_polygons.geojson").read_text(encoding="utf-8"))
    parcels = []
    for position, feature in enumerate(document["features"], start=1):
        properties = {key: _text(value) for key, value in (feature.get("properties") or {}).items()}
        geometry = shapely.make_valid(shape(feature["geometry"]))
        attributed = bool(properties.get("DasarHukum"))  # the BIG standard attributes
        parcels.append(Parcel(position, properties, geometry, attributed))
    commit, _, stamp = (base / "SOURCE_COMMIT").read_text(encoding="utf-8").strip().partition(" ")
    return Reference(profiles, parcels, commit, stamp[:10])


def read_zones(path: Path) -> tuple[list[list[str]], list[dict[str, str]]]:
    """zones.csv as raw rows (header first), to write back unchanged, and as dicts to read."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))
    header = rows[0]
    return rows, [dict(zip(header, row, strict=True)) for row in rows[1:]]


def kek_zones(zones: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """The KEKs in force: kind KEK, neither a candidate nor revoked, in the file's order."""
    return [z for z in zones if z["kind"] == "KEK" and z["status"] not in ("candidate", "revoked")]


def match_profiles(
    profiles: dict[str, Profile], parcels: Sequence[Parcel], zones: Sequence[dict[str, str]]
) -> dict[str, str]:
    """zone id per profile slug, by the words shared between the profile (slug, title and the names
    on its attributed parcels) and the zone (id and name); a tie or no shared word is an error."""
    names: dict[str, set[str]] = {}
    for parcel in parcels:
        if parcel.attributed:
            names.setdefault(parcel.properties.get("slug", ""), set()).add(
                parcel.properties.get("NAMOBJ", "")
            )
    result: dict[str, str] = {}
    for slug, profile in sorted(profiles.items()):
        words = tokens(slug, profile.title, *names.get(slug, ()))
        scores = sorted(
            ((len(words & tokens(z["id"].replace("_", " "), z["name"])), z["id"]) for z in zones),
            reverse=True,
        )
        (best, zone_id), (second, _) = scores[0], scores[1]
        if best == 0 or best == second:
            raise ValueError(f"kek.go.id profile '{slug}' matches no single zone (scores {scores[:3]})")
        result[slug] = zone_id
    if len(set(result.values())) != len(result):
        raise ValueError("two kek.go.id profiles matched the same zone")
    return result


def match_parcels(reference: Reference) -> list[Parcel]:
    """Each parcel with its profile slug and how it was matched: by its attributes (the copy's slug,
    confirmed by its NAMOBJ and legal basis), or, for parcels with no attributes, by location (the
    kek.go.id marker it contains, else the nearest marker)."""
    matched = []
    for parcel in reference.parcels:
        props = parcel.properties
        if parcel.attributed:
            slug = props["slug"]
            if slug not in reference.profiles:
                raise ValueError(f"parcel {parcel.position} names an unknown kek.go.id slug '{slug}'")
            how = f"attributes (slug {slug}; NAMOBJ '{props.get('NAMOBJ', '')}')"
            matched.append(Parcel(parcel.position, props, parcel.geometry, True, slug, how))
        else:
            matched.append(_match_by_location(parcel, reference.profiles))
    return matched


def _distance(km: float) -> str:
    return f"{km * 1000:.0f} m" if km < 1 else f"{km:.1f} km"


def _slug_check(parcels: Sequence[Parcel]) -> str:
    wrong = [p.properties.get("slug", "") for p in parcels if p.properties.get("slug", "") != p.slug]
    return (
        "the copy's slug agrees" if not wrong else f"the copy's slug disagrees (it says {', '.join(wrong)})"
    )


def _match_by_location(parcel: Parcel, profiles: dict[str, Profile]) -> Parcel:
    distances = sorted(
        (
            0.0
            if parcel.geometry.covers(p.marker)
            else km_to_polygon(p.marker.x, p.marker.y, parcel.geometry),
            slug,
        )
        for slug, p in profiles.items()
    )
    (km, slug), (next_km, next_slug) = distances[0], distances[1]
    if km > MAX_MATCH_KM:
        raise ValueError(
            f"unattributed parcel {parcel.position} is {km:.1f} km from the nearest kek.go.id marker"
        )
    title = profiles[slug].title
    if km == 0.0:
        how = f"location: unattributed parcel contains the kek.go.id marker of {title}"
    else:
        how = (
            f"location: unattributed parcel; the nearest kek.go.id marker is {title}'s, {_distance(km)} away "
            f"(next: {profiles[next_slug].title}'s, {_distance(next_km)})"
        )
    located = Parcel(parcel.position, parcel.properties, parcel.geometry, False, slug, "", km, next_km)
    return dataclasses.replace(located, match=f"{how}; {_slug_check([located])}")


def match_summary(parcels: Sequence[Parcel], title: str) -> str:
    """How a KEK's parcels were matched, in one line: each attribute match once; several parcels
    matched by location summarised by their farthest distance to the KEK's marker and the closest
    distance to any other KEK's marker (the per-parcel lines are in KEK_PROVENANCE.md)."""
    lines = list(dict.fromkeys(p.match for p in parcels if p.attributed))
    located = [p for p in parcels if not p.attributed]
    if len(located) == 1:
        lines.append(located[0].match)
    elif located:
        lines.append(
            f"location: {len(located)} unattributed parcels, each nearest to the kek.go.id marker of {title} "
            f"(at most {_distance(max(p.km for p in located))} away; every other KEK's marker at least "
            f"{_distance(min(p.next_km for p in located))} away); {_slug_check(located)}"
        )
    return " | ".join(lines)


def _first(parcels: Iterable[Parcel], *keys: str) -> tuple[str, str]:
    """The first non-empty value of any of ``keys`` among the parcels, with the key it came from."""
    for parcel in parcels:
        for key in keys:
            if parcel.properties.get(key):
                return parcel.properties[key], key
    return "", ""


def _rounded(geometry: BaseGeometry) -> BaseGeometry:
    """Flat (the published parcels carry a meaningless Z) and snapped to the output grid."""
    return shapely.set_precision(shapely.force_2d(geometry), GRID)


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    return [g for g in shapely.get_parts(geometry) if isinstance(g, Polygon) and not g.is_empty]


def _clean_remark(remark: str) -> str:
    return re.sub(r"^\s*Sumber Peta:\s*", "", remark).strip().rstrip(";").strip()


def footprint_feature(
    zone_id: str, profile: Profile, parcels: Sequence[Parcel], reference: Reference
) -> tuple[dict, BaseGeometry]:
    """The official footprint of one KEK: its parcels dissolved, with the BIG attributes."""
    geometry = _rounded(shapely.union_all([p.geometry for p in parcels]))
    pieces = _polygons(geometry)
    geometry = pieces[0] if len(pieces) == 1 else MultiPolygon(pieces)
    notes = [
        f"{len(parcels)} feature(s) of kek_polygons.geojson (positions {', '.join(str(p.position) for p in parcels)})"
    ]
    area_text, area_key = _first(parcels, "Luas_ha", "LUASKEK")
    official = parse_indonesian_number(area_text) if area_text else None
    if official is None and parse_indonesian_number(profile.area) is not None:
        official = parse_indonesian_number(profile.area)
        notes.append(f"official area from the kek.go.id profile ('{profile.area}'); the polygons carry none")
    elif area_key == "LUASKEK":
        notes.append(f"official area from the parcel's LUASKEK ('{area_text}')")
    legal, legal_key = _first(parcels, "DasarHukum", "DSRHKMKEK")
    if not legal:
        legal = profile.legal_basis
        notes.append("legal basis from the kek.go.id profile; the polygons carry none")
    elif legal_key == "DSRHKMKEK":
        notes.append("legal basis from the parcel's DSRHKMKEK")
    remark, _ = _first(parcels, "REMARK")
    map_sources = _clean_remark(remark)
    metadata, _ = _first(parcels, "METADATA")
    sources = ["Dewan Nasional KEK, kek.go.id official boundary of " + profile.title]
    if map_sources:
        sources.append("map sources: " + map_sources.replace(";", ","))
    sources += [KEK_SITE, f"{SOURCE_REPO}/tree/{reference.commit}"]
    if not map_sources:
        notes.append("no map source is named in the boundary's REMARK")
    properties = {
        "zone_id": zone_id,
        "boundary": "official",
        "source": ";".join(sources),
        "as_of": reference.as_of,
        "official_area_ha": official,
        "legal_basis": legal,
        "metadata_year": metadata_year(metadata),
        "map_sources": map_sources,
        "match": match_summary(parcels, profile.title),
        "parts": len(pieces),
        "notes": "; ".join(notes),
    }
    return {key: properties[key] for key in FOOTPRINT_KEYS}, geometry


def zone_point(profile: Profile, boundary: BaseGeometry) -> tuple[float, float, str]:
    """The KEK's point: the kek.go.id marker when it lies inside the official boundary, else a
    representative point of the largest parcel; with the method, for coord_method."""
    lon, lat = round(profile.marker.x, COORD_DECIMALS), round(profile.marker.y, COORD_DECIMALS)
    where = f"kek.go.id profile '{profile.slug}' ({KEK_SITE}; copy at {SOURCE_REPO})"
    if boundary.covers(Point(lon, lat)):
        return lon, lat, f"kek.go.id marker point, inside the official boundary (kek.go.id); {where}"
    largest = max(_polygons(boundary), key=area_ha)
    point = largest.representative_point()
    lon, lat = round(point.x, COORD_DECIMALS), round(point.y, COORD_DECIMALS)
    if not largest.covers(Point(lon, lat)):
        raise ValueError(f"the rounded representative point of {profile.slug} left its parcel")
    km = km_to_polygon(profile.marker.x, profile.marker.y, boundary)
    off = _distance(km)
    return (
        lon,
        lat,
        (
            "representative point of the largest parcel of the official boundary (kek.go.id, Dewan Nasional KEK); "
            f"the kek.go.id marker lies {off} outside it; {where}"
        ),
    )


def _inside_label(category: str) -> bool | None:
    lowered = category.replace("\xa0", " ").lower()
    if "outside" in lowered:
        return False
    if "inside" in lowered or "within" in lowered:
        return True
    return None


def infrastructure_rows(
    zone_id: str, profile: Profile, boundary: BaseGeometry
) -> tuple[list[dict[str, str]], list[str]]:
    """The profile's infrastructure items as infrastructure.csv rows, and what was dropped and why.

    Test entries are dropped, and so are items far from the KEK (a copy-paste slip in the source);
    duplicates (same title and point) are kept once, preferring an item labelled inside/outside.
    """
    dropped: list[str] = []
    chosen: dict[tuple[str, float, float], dict] = {}
    for item in sorted(profile.infrastructures, key=lambda i: (i.get("updatedAt") or 0, i["xid"])):
        category = (item.get("category") or {}).get("name", "")
        title = (item.get("title") or "").strip()
        label = f"{profile.slug} {item['xid']} '{title}'"
        if category.lower() == "test" or title.lower() in ("tes", "test"):
            dropped.append(f"{label}: a test entry")
            continue
        lon, lat = (
            round(float(item["longitude"]), COORD_DECIMALS),
            round(float(item["latitude"]), COORD_DECIMALS),
        )
        km = 0.0 if boundary.covers(Point(lon, lat)) else km_to_polygon(lon, lat, boundary)
        if km > MAX_ITEM_KM:
            dropped.append(f"{label}: its point ({lat}, {lon}) lies {km:.0f} km from the KEK")
            continue
        key = (title.lower(), lon, lat)
        previous = chosen.get(key)
        if previous is not None:
            kept_labelled = _inside_label(previous["category"]) is not None
            if kept_labelled and _inside_label(category) is None:
                dropped.append(f"{label}: a duplicate of {previous['xid']}")
                continue
            dropped.append(f"{profile.slug} {previous['xid']} '{title}': a duplicate of {item['xid']}")
        chosen[key] = {**item, "category": category, "km": km, "lon": lon, "lat": lat, "title": title}
    rows = []
    for item in chosen.values():
        notes = [f"kek.go.id category '{item['category']}'"]
        inside = _inside_label(item["category"])
        if inside is None:
            inside = item["km"] == 0.0
            notes.append("inside/outside taken from the official boundary (the category does not say)")
        elif inside and item["km"] > INSIDE_TOLERANCE_KM:
            notes.append(
                f"labelled inside the SEZ but lies {item['km']:.1f} km outside the official boundary"
            )
        description = (item.get("description") or "").strip()
        if description and description != item["title"]:
            notes.append(f"description: {description}")
        stamp = item.get("updatedAt") or item.get("createdAt")
        rows.append(
            {
                "id": f"kekinf_{item['xid'].lower()}",
                "name": item["title"],
                "kind": classify(item["title"], description),
                "zone_id": zone_id,
                "inside_sez": "true" if inside else "false",
                "lon": f"{item['lon']:.6f}",
                "lat": f"{item['lat']:.6f}",
                "as_of": datetime.fromtimestamp(int(stamp), UTC).strftime("%Y-%m-%d"),
                "sources": f"{KEK_SITE};{SOURCE_REPO}",
                "notes": "; ".join(notes),
            }
        )
    rows.sort(key=lambda r: (r["name"].lower(), r["id"]))
    return rows, dropped


def _csv_text(rows: Iterable[Sequence[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def patch_zones(rows: list[list[str]], points: dict[str, tuple[float, float, str]]) -> str:
    """zones.csv with only the given zones' point columns replaced; every other cell untouched."""
    header = rows[0]
    columns = [header.index(c) for c in PATCHED_COLUMNS]
    out = [header]
    for row in rows[1:]:
        zone_id = row[header.index("id")]
        if zone_id in points:
            lon, lat, method = points[zone_id]
            row = list(row)
            for column, value in zip(columns, (f"{lon:.6f}", f"{lat:.6f}", "official", method), strict=True):
                row[column] = value
        out.append(row)
    return _csv_text(out)


@dataclass(frozen=True)
class Build:
    """Everything the tool writes, as text, and the facts its report states."""

    footprints: str
    zones: str
    infrastructure: str
    provenance: str
    matches: list[Parcel]


def build(reference_dir: Path, zones_path: Path) -> Build:
    """Read the reference and zones.csv; return the new files' text (nothing is written here)."""
    reference = read_reference(reference_dir)
    rows, zones = read_zones(zones_path)
    keks = kek_zones(zones)
    slug_zone = match_profiles(reference.profiles, reference.parcels, keks)
    parcels = match_parcels(reference)
    by_zone: dict[str, list[Parcel]] = {}
    for parcel in parcels:
        by_zone.setdefault(slug_zone[parcel.slug], []).append(parcel)
    missing = [z["id"] for z in keks if z["id"] not in by_zone]
    if missing:
        raise ValueError(f"no official boundary for {', '.join(missing)}")
    zone_slug = {zone_id: slug for slug, zone_id in slug_zone.items()}
    features, points, infrastructure, dropped = [], {}, [], []
    for zone in keks:
        profile = reference.profiles[zone_slug[zone["id"]]]
        properties, geometry = footprint_feature(zone["id"], profile, by_zone[zone["id"]], reference)
        features.append({"type": "Feature", "properties": properties, "geometry": mapping(geometry)})
        points[zone["id"]] = zone_point(profile, geometry)
        items, gone = infrastructure_rows(zone["id"], profile, geometry)
        infrastructure += items
        dropped += gone
    document = {
        "type": "FeatureCollection",
        "name": "footprints",
        "metadata": {
            "source": f"kek.go.id (Dewan Nasional KEK), via {SOURCE_REPO} at {reference.commit}",
            "as_of": reference.as_of,
            "licence": LICENCE,
            "label": "official boundary (kek.go.id)",
            "built_by": "tools/build_kek.py",
        },
        "features": features,
    }
    footprints = json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
    infra_text = _csv_text(
        [INFRASTRUCTURE_HEADER, *([r[c] for c in INFRASTRUCTURE_HEADER] for r in infrastructure)]
    )
    provenance = _provenance(reference, parcels, slug_zone, points, infrastructure, dropped)
    bom = "\ufeff" if zones_path.read_bytes().startswith(codecs.BOM_UTF8) else ""  # as Excel saved it
    return Build(footprints, bom + patch_zones(rows, points), infra_text, provenance, parcels)


def _provenance(
    reference: Reference,
    parcels: Sequence[Parcel],
    slug_zone: dict[str, str],
    points: dict[str, tuple[float, float, str]],
    infrastructure: Sequence[dict[str, str]],
    dropped: Sequence[str],
) -> str:
    unattributed = [p for p in parcels if not p.attributed]
    inside = sum(1 for _, _, method in points.values() if method.startswith("kek.go.id marker"))
    lines = [
        "# Official KEK layers: provenance",
        "",
        "Generated by `python tools/build_kek.py` from `../shared/reference/kek_go_id/`; do not edit by hand.",
        "",
        f"- Source: kek.go.id (Dewan Nasional KEK), copied in {SOURCE_REPO} at commit `{reference.commit}` "
        f"({reference.as_of}).",
        f'- Licence / terms: {LICENCE}. Label: "official boundary (kek.go.id)".',
        "- `footprints.geojson`: one feature per KEK (parcels dissolved; 1e-7 degree grid), "
        "`boundary` = official.",
        f"- `zones.csv`: `lon`, `lat`, `coord_precision` (official), `coord_method` of the {len(points)} KEK rows; "
        f"{inside} use the kek.go.id marker (inside the boundary), {len(points) - inside} a representative "
        "point of the largest parcel.",
        f"- `infrastructure.csv`: {len(infrastructure)} items of the kek.go.id profiles; {len(dropped)} dropped.",
        "",
        f"## Matching of the {len(parcels)} features ({len(unattributed)} without attributes)",
        "",
        "| # | zone | match |",
        "|---|---|---|",
    ]
    lines += [f"| {p.position} | {slug_zone[p.slug]} | {p.match} |" for p in parcels]
    lines += ["", "## Zone points", "", "| zone | lon | lat | method |", "|---|---|---|---|"]
    lines += [f"| {z} | {lon:.6f} | {lat:.6f} | {m} |" for z, (lon, lat, m) in points.items()]
    lines += ["", "## Infrastructure items dropped", ""] + [f"- {d}" for d in dropped]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Build and write the files; exit 0, or 2 with the reason when the reference does not fit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE, help="the reference folder")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the data folder to write into")
    args = parser.parse_args(argv)
    try:
        result = build(args.reference, args.data / "zones.csv")
    except (OSError, ValueError, KeyError) as exc:
        print(f"build_kek: {exc}", file=sys.stderr)
        return 2
    outputs = {
        "footprints.geojson": result.footprints,
        "zones.csv": result.zones,
        "infrastructure.csv": result.infrastructure,
        "KEK_PROVENANCE.md": result.provenance,
    }
    for name, text in outputs.items():
        (args.data / name).write_text(text, encoding="utf-8", newline="")
    unattributed = [p for p in result.matches if not p.attributed]
    print(
        f"wrote {', '.join(outputs)} to {args.data}; {len(unattributed)} unattributed parcels matched by location"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
