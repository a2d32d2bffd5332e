"""Build the national facilities layer (mills, smelters, steel and cement plants) from the reference copies.

Run as ``python tools/build_facilities.py [--reference DIR] [--out DIR]``. It reads BIG's Rupabumi
"Perusahaan Industri" points, the CGSP nickel tracker and GEM's steel and cement trackers from
``../shared/reference/facilities`` and writes ``geodata/data/facilities.csv``, ``kbli_sectors.csv``
and ``FACILITIES.md``. Why a tool: the sources are other people's files in other people's spellings;
the atlas ships one consistent, sourced table, and anyone can rebuild it byte for byte from the same
copies. Nothing is fetched from the network; nothing is invented (an empty cell means the source
did not say).
"""

from __future__ import annotations

import argparse
import csv
import difflib
import hashlib
import io
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from pyproj import Geod

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geodata.schema import LAT_RANGE, LON_RANGE, PROVINCES  # noqa: E402

DEFAULT_REFERENCE = ROOT.parent / "shared" / "reference"
DEFAULT_OUT = ROOT / "geodata" / "data"
WGS84 = Geod(ellps="WGS84")

BIG_FILE = "big_rbi_perusahaan_industri_2023.csv"
CGSP_FILE = "cgsp_nickel_tracker.csv"
GEM_STEEL_FILE = "gem_steel_plants.csv"
GEM_CEMENT_FILE = "gem_cement_plants.csv"
GEM_COAL_FILE = "gem_coal_plants.csv"

COLUMNS = (
    "id", "name", "sector", "kbli", "kbli_title", "capacity", "capacity_unit", "status",
    "province", "regency", "lon", "lat", "source", "licence", "merged_from",
)  # fmt: skip

LICENCES = {
    "big": "BIG Rupabumi Indonesia (One Map policy); attribute Badan Informasi Geospasial",
    "cgsp": "China-Global South Project nickel tracker; facts used with attribution, licence not stated",
    "gem": "CC BY 4.0, Global Energy Monitor",
}
SOURCE_TITLES = {
    "big": "BIG RBI 1:50.000 Perusahaan Industri 2023",
    "cgsp": "CGSP Indonesia nickel tracker",
    "gem_steel": "GEM Global Steel Plant Tracker (Indonesia)",
    "gem_cement": "GEM Global Cement and Concrete Tracker (Indonesia)",
}

# KBLI 2020 code prefix -> sector id of sectors.csv. The longest matching prefix wins, so a
# specific code (10298 seaweed) overrides its group (102 fisheries). Codes matching no prefix are
# left out of the layer and counted: plastics, printing, metal goods, machinery, furniture, ...
# ``name`` optionally narrows a row to company names matching a regular expression.
KBLI_SECTORS: tuple[tuple[str, str, str, str], ...] = (
    ("10", "food", "", "food products (fallback for group 10)"),
    ("11", "food", "", "beverages"),
    ("102", "fisheries", "", "fish and aquatic biota processing"),
    ("10298", "seaweed", "", "seaweed processing"),
    ("1042", "coconut", "", "copra, coconut oil and pellets"),
    ("10773", "coconut", "", "coconut cooking products"),
    ("1043", "palm_oil", "", "crude palm oil (10431), kernel oil, fractionation, palm cooking oil"),
    ("10731", "cocoa", "", "cocoa processing"),
    ("10732", "cocoa", "", "chocolate and cocoa confectionery"),
    ("120", "tobacco", "", "cigarettes, kretek, tobacco drying and processing"),
    ("13", "textile", "", "textiles"),
    ("14", "textile", "", "apparel"),
    ("15", "textile", "", "leather and footwear (the TPT/leather cluster)"),
    ("16", "wood_processing", "", "sawmills, plywood, veneer, wooden goods"),
    ("16103", "rattan", "", "rattan and bamboo preservation"),
    ("16104", "rattan", "", "rattan processing"),
    ("16291", "rattan", "", "rattan and bamboo woven goods"),
    ("1701", "wood_processing", "", "pulp and paper"),
    ("192", "petrochemical", "", "refinery products and lubricants"),
    ("2011", "chemicals", "", "basic inorganic and organic chemicals"),
    ("20117", "petrochemical", "", "basic organic chemicals from oil, gas and coal"),
    ("2012", "fertilizer", "", "fertilisers"),
    ("2013", "petrochemical", "", "synthetic resins, plastic raw materials, synthetic rubber"),
    ("202", "chemicals", "", "pesticides, paints, soap, cosmetics, adhesives, essential oils"),
    ("2030", "textile", "", "man-made fibres"),
    ("210", "pharmaceutical", "", "medicines and traditional medicines"),
    ("2211", "rubber", "", "tyres and retreading"),
    ("2212", "rubber", "", "smoked sheet, remilling and crumb rubber (22123)"),
    ("2219", "rubber", "", "rubber goods"),
    ("2394", "cement", "", "cement (23941), lime, gypsum"),
    ("241", "steel", "", "iron and steel making (24101), rolling, steel pipes"),
    ("2431", "steel", "", "iron and steel casting"),
    ("242", "smelter", "", "non-ferrous basic metals: precious metals, tin, copper, aluminium, nickel"),
    ("242", "bauxite", "ALUMINA|BAUKSIT|BAUXITE", "alumina refineries (no KBLI of their own; by name)"),
    ("2432", "smelter", "", "non-ferrous metal casting"),
    ("26", "electronics", "", "electronic components, computers, audio-video"),
    ("27", "electronics", "", "electrical equipment, cables, batteries, lamps"),
    ("291", "automotive", "", "motor vehicles"),
    ("292", "automotive", "", "vehicle bodies and trailers"),
    ("293", "automotive", "", "motor vehicle parts"),
    ("3091", "automotive", "", "motorcycle parts"),
)

# CGSP project types that are processing plants (smelters and refineries), all sector nickel.
CGSP_PROCESSING = {"Nickel Pig Iron", "Ferro Nickel", "MHP", "Nickel Sulfate", "Nickel Matte", "MSP"}

# BIG codes nickel smelters as iron and steel (NPI) or non-ferrous metals (ferronickel, matte), so a
# BIG steel or smelter company may be the same plant as a CGSP nickel project.
MERGE_SECTORS = {"nickel": {"nickel", "steel", "smelter"}, "steel": {"steel"}, "cement": {"cement"}}
MERGE_KM = 10.0
NAME_RATIO = 0.8
GENERIC_WORDS = {
    "pt", "tbk", "cv", "persero", "indonesia", "indonesian", "industri", "industries", "industry",
    "the", "co", "and", "dan", "mfg", "ltd", "plant", "company", "corp", "group", "pabrik",
    "semen", "cement", "steel", "baja", "nickel", "nikel", "smelter",
}  # fmt: skip

PROVINCE_ALIASES = {
    "dki jakarta": "Daerah Khusus Ibukota Jakarta",
    "di yogyakarta": "Daerah Istimewa Yogyakarta",
    "ntt": "Nusa Tenggara Timur",
    "ntb": "Nusa Tenggara Barat",
    "riau islands": "Kepulauan Riau",
    "bangka belitung": "Kepulauan Bangka Belitung",
    "southwest papua": "Papua Barat Daya",
    "west papua": "Papua Barat",
}
DIRECTIONS = {
    "north": "Utara", "south": "Selatan", "east": "Timur", "west": "Barat",
    "central": "Tengah", "southeast": "Tenggara",
}  # fmt: skip
ISLANDS = {"java": "Jawa", "sumatra": "Sumatera", "sulawesi": "Sulawesi", "kalimantan": "Kalimantan",
           "maluku": "Maluku", "nusa tenggara": "Nusa Tenggara", "papua": "Papua"}  # fmt: skip
# Regencies moved out of Papua and Papua Barat by the 2022 splits, for sources older than them.
PAPUA_SPLITS = {
    "jayawijaya": "Papua Pegunungan", "raja ampat": "Papua Barat Daya", "sorong": "Papua Barat Daya",
    "merauke": "Papua Selatan", "mimika": "Papua Tengah", "nabire": "Papua Tengah",
}  # fmt: skip


@dataclass(frozen=True)
class Facility:
    """One plant as it will be written; ``merged_from`` lists the source rows folded into it."""

    id: str
    name: str
    sector: str
    lon: float
    lat: float
    source: str
    kbli: str = ""
    kbli_title: str = ""
    capacity: str = ""
    capacity_unit: str = ""
    status: str = ""
    province: str = ""
    regency: str = ""
    merged_from: tuple[str, ...] = field(default_factory=tuple)

    def row(self) -> dict[str, str]:
        """The CSV row: sources and licences of every merged origin, joined by ';'."""
        origins = sorted({self.source, *(_origin(m) for m in self.merged_from)})
        return {
            "id": self.id, "name": self.name, "sector": self.sector, "kbli": self.kbli,
            "kbli_title": self.kbli_title, "capacity": self.capacity, "capacity_unit": self.capacity_unit,
            "status": self.status, "province": self.province, "regency": self.regency,
            "lon": f"{self.lon:.6f}", "lat": f"{self.lat:.6f}",
            "source": ";".join(SOURCE_TITLES[o] for o in origins),
            "licence": ";".join(dict.fromkeys(LICENCES[o.split("_")[0]] for o in origins)),
            "merged_from": ";".join(self.merged_from),
        }  # fmt: skip


def _origin(facility_id: str) -> str:
    """The source key of a facility id: fac_big_0001 -> big, fac_gem_steel_x -> gem_steel."""
    parts = facility_id.split("_")
    return "_".join(parts[1:3]) if parts[1] == "gem" else parts[1]


@dataclass
class Tally:
    """What happened to each source's rows, for FACILITIES.md and the console."""

    read: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)
    dropped: Counter = field(default_factory=Counter)  # (source, reason) -> rows

    def drop(self, source: str, reason: str) -> None:
        self.dropped[(source, reason)] += 1


def slug(text: str) -> str:
    """Lower-case ascii id fragment of a name."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def read_rows(path: Path) -> list[dict[str, str]]:
    """A reference CSV as dicts of stripped text."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def source_commit(reference: Path) -> str:
    """The commit and date recorded in the reference folder's SOURCE_COMMIT."""
    return (reference / "SOURCE_COMMIT").read_text(encoding="utf-8").strip()


def official_province(raw: str, regency: str = "") -> str:
    """A source's province spelling (BIG upper case, CGSP Indonesian or English, GEM English) as the
    Kepmendagri 2025 name; '' when the source gives none. Unknown spellings stop the build."""
    text = re.sub(r"\s+", " ", raw.strip().lower())
    if text in ("", "-"):
        return ""
    by_lower = {p.lower(): p for p in PROVINCES}
    name = by_lower.get(text) or PROVINCE_ALIASES.get(text)
    if name is None:
        words = text.split(" ")
        if words[0] in DIRECTIONS and " ".join(words[1:]) in ISLANDS:
            name = by_lower.get(f"{ISLANDS[' '.join(words[1:])]} {DIRECTIONS[words[0]]}".lower())
    if name is None:
        raise ValueError(f"unknown province spelling '{raw}'; add it to PROVINCE_ALIASES")
    if name in ("Papua", "Papua Barat"):
        key = re.sub(r"^(kabupaten|kota|kab\.)\s+|\s+(regency|city)$", "", regency.strip().lower())
        name = PAPUA_SPLITS.get(key, name)
    return name


def in_indonesia(lon: float | None, lat: float | None) -> bool:
    """The same extent as the atlas's validation."""
    return (
        lon is not None
        and lat is not None
        and LON_RANGE[0] <= lon <= LON_RANGE[1]
        and LAT_RANGE[0] <= lat <= LAT_RANGE[1]
    )


def number(text: str) -> float | None:
    """A coordinate or figure, or None when empty or not a number."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def sector_for(kbli: str, name: str) -> str | None:
    """The sector of a KBLI code by longest prefix (name-narrowed rows first); None when unmapped."""
    best: tuple[int, int, str] | None = None
    for prefix, sector, pattern, _ in KBLI_SECTORS:
        if not kbli.startswith(prefix) or (pattern and not re.search(pattern, name.upper())):
            continue
        rank = (len(prefix), 1 if pattern else 0, sector)
        if best is None or rank[:2] > best[:2]:
            best = rank
    return best[2] if best else None


def status_of(raw: str) -> str:
    """Source statuses in one vocabulary: operating, planned, construction, idle, closed, cancelled, unknown."""
    text = raw.strip().lower()
    mapping = {
        "active": "operating", "operating": "operating", "planned": "planned", "potential": "planned",
        "construction": "construction", "temporarily closed": "idle", "closed": "closed",
        "cancelled": "cancelled", "unknown": "unknown", "": "",
    }  # fmt: skip
    if text not in mapping:
        raise ValueError(f"unknown status '{raw}'")
    return mapping[text]


def read_big(reference: Path, tally: Tally) -> list[Facility]:
    """BIG companies whose KBLI maps to a sector; ids from the source's own row index."""
    facilities = []
    for row in read_rows(reference / BIG_FILE):
        tally.read["big"] += 1
        lon, lat = number(row["koordx"]), number(row["koordy"])
        sector = sector_for(row["klskbli"], row["namobj"])
        if sector is None:
            tally.drop("big", "KBLI maps to no sector")
            continue
        if not in_indonesia(lon, lat):
            tally.drop("big", "no coordinate or outside Indonesia's extent")
            continue
        facilities.append(
            Facility(
                id=f"fac_big_{int(row['']):04d}", name=row["namobj"], sector=sector, lon=lon, lat=lat,
                source="big", kbli=row["klskbli"], kbli_title=row["klskbli_1"],
                province=official_province(row["wadmpr"], row["wadmkk"]), regency=row["wadmkk"].title(),
            )
        )  # fmt: skip
    return facilities


def cgsp_id(name: str, project_id: str) -> str:
    """CGSP ids differ only in letter case (bbSWf5.. and BBswF5..), so the id is the name's slug and
    a hash of the case-sensitive project id: stable, unique, and readable."""
    return f"fac_cgsp_{slug(name)[:40].strip('_')}_{hashlib.sha1(project_id.encode()).hexdigest()[:8]}"


def read_cgsp(reference: Path, tally: Tally) -> list[Facility]:
    """CGSP nickel processing projects (smelters and refineries); mines, ore resources, estates
    and battery plants are left out and counted."""
    facilities = []
    for row in read_rows(reference / CGSP_FILE):
        tally.read["cgsp"] += 1
        if row["parent_project_type"] != "Processing" or row["project_type"] not in CGSP_PROCESSING:
            tally.drop("cgsp", f"not a processing plant ({row['parent_project_type']})")
            continue
        lon, lat = number(row["longitude"]), number(row["latitude"])
        if not in_indonesia(lon, lat):
            tally.drop("cgsp", "no coordinate or outside Indonesia's extent")
            continue
        province, _, regency = row["province_city"].partition(",")
        capacity = number(row["capacity"])
        if capacity and row["capacity_unit"] != "ton":
            raise ValueError(f"CGSP capacity in '{row['capacity_unit']}', not tonnes: map the unit first")
        facilities.append(
            Facility(
                id=cgsp_id(row["project_name"], row["project_id"]), name=row["project_name"], sector="nickel",
                lon=lon, lat=lat, source="cgsp", kbli_title=row["project_type"],
                capacity=f"{capacity:g}" if capacity else "",
                capacity_unit="t/yr" if capacity else "",
                status=status_of(row["status"]), province=official_province(province, regency),
                regency=regency.strip(" -"),
            )
        )  # fmt: skip
    return facilities


def read_gem(reference: Path, tally: Tally, kind: str) -> list[Facility]:
    """GEM steel or cement plants; capacity as GEM states it (t/yr for steel, Mt/yr for cement)."""
    file, column, unit = {
        "steel": (GEM_STEEL_FILE, "capacity_tpa", "t/yr"),
        "cement": (GEM_CEMENT_FILE, "capacity_mtpa", "Mt/yr"),
    }[kind]
    facilities = []
    for row in read_rows(reference / file):
        tally.read[f"gem_{kind}"] += 1
        lon, lat = number(row["longitude"]), number(row["latitude"])
        if not in_indonesia(lon, lat):
            tally.drop(f"gem_{kind}", "no coordinate or outside Indonesia's extent")
            continue
        capacity = number(row[column])
        title = row.get("plant_type") or row.get("technology") or ""
        facilities.append(
            Facility(
                id=f"fac_gem_{kind}_{slug(row['plant_name'])}", name=row["plant_name"], sector=kind,
                lon=lon, lat=lat, source=f"gem_{kind}", kbli_title=title,
                capacity=f"{capacity:g}" if capacity else "", capacity_unit=unit if capacity else "",
                status=status_of(row["status"]), province=official_province(row["province"]),
            )
        )  # fmt: skip
    return facilities


def name_tokens(name: str) -> set[str]:
    """Distinctive words of a company or plant name (legal forms and generic words removed)."""
    words = re.findall(r"[a-z0-9]+", re.sub(r"\([^)]*\)", " ", name.lower()))
    return {w for w in words if w not in GENERIC_WORDS and len(w) > 1}


def similar_names(a: str, b: str) -> bool:
    """Same plant by name: every distinctive word of the shorter name is in the longer one, or the
    names read alike (difflib ratio >= 0.8 on the distinctive words)."""
    ta, tb = name_tokens(a), name_tokens(b)
    if not ta or not tb:
        return False
    shorter, longer = sorted((ta, tb), key=len)
    if shorter <= longer:
        return True
    return difflib.SequenceMatcher(None, " ".join(sorted(ta)), " ".join(sorted(tb))).ratio() >= NAME_RATIO


def merge(trackers: list[Facility], big: list[Facility]) -> tuple[list[Facility], list[tuple[str, str]]]:
    """Fold each BIG company into the nearest tracker plant of a compatible sector within MERGE_KM
    whose name is similar; the tracker row keeps its id, name, capacity and status (the tracker is
    the specialist source), takes BIG's KBLI, regency and point (RBI 1:50.000 mapping), and lists
    both ids in ``merged_from``. Each BIG row merges at most once. Returns the rows and the pairs."""
    used: set[str] = set()
    pairs: list[tuple[str, str]] = []
    by_id = {f.id: f for f in big}
    big_lon = np.array([f.lon for f in big])
    big_lat = np.array([f.lat for f in big])
    merged = []
    for plant in sorted(trackers, key=lambda f: f.id):
        _, _, metres = WGS84.inv(np.full(len(big), plant.lon), np.full(len(big), plant.lat), big_lon, big_lat)
        order = np.argsort(metres, kind="stable")
        match = next(
            (
                big[i]
                for i in order
                if metres[i] <= MERGE_KM * 1000
                and big[i].id not in used
                and big[i].sector in MERGE_SECTORS[plant.sector]
                and similar_names(plant.name, big[i].name)
            ),
            None,
        )
        if match is None:
            merged.append(plant)
            continue
        used.add(match.id)
        pairs.append((plant.id, match.id))
        merged.append(
            replace(
                plant, kbli=match.kbli, kbli_title=match.kbli_title or plant.kbli_title,
                lon=match.lon, lat=match.lat, province=plant.province or match.province,
                regency=match.regency or plant.regency, merged_from=tuple(sorted((plant.id, match.id))),
            )
        )  # fmt: skip
    rest = [by_id[i] for i in sorted(by_id) if i not in used]
    return sorted(merged + rest, key=lambda f: f.id), pairs


def write_csv(path: Path, columns: Iterable[str], rows: Iterable[dict[str, str]]) -> None:
    """CSV with '\\n' line ends and minimal quoting, as the atlas's other data files."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def provenance(commit: str, tally: Tally, facilities: list[Facility], pairs: list[tuple[str, str]]) -> str:
    """FACILITIES.md: sources, licences, the KBLI table, the merge rule and every count."""
    sectors = Counter(f.sector for f in facilities)
    before = sum(tally.kept.values())
    lines = [
        "# Facilities layer (`facilities.csv`)",
        "",
        "Built by `python tools/build_facilities.py` from the copies in `../shared/reference/facilities/`",
        f"(SOURCE_COMMIT `{commit}`, github.com/shaanbarca/sez-renewable-energy-dashboard). One row per plant;",
        "an empty cell means the source did not say. Rebuilding from the same copies gives the same bytes.",
        "",
        "## Sources and licences",
        "",
        "| source | file | used | licence / attribution |",
        "|---|---|---|---|",
        f"| {SOURCE_TITLES['big']} (Ina-Geoportal) | `{BIG_FILE}` | companies whose KBLI maps to a sector "
        f"(table below) | {LICENCES['big']} |",
        f"| {SOURCE_TITLES['cgsp']} | `{CGSP_FILE}` | processing projects only (NPI, ferronickel, MHP/HPAL, "
        f"nickel sulfate, matte, MSP) as sector `nickel`; mines, ore resources, integrated estates (they are "
        f"zones, not plants) and battery plants left out | {LICENCES['cgsp']}: names, places, types, "
        "capacities only |",
        f"| {SOURCE_TITLES['gem_steel']} | `{GEM_STEEL_FILE}` | all, sector `steel` | {LICENCES['gem']} |",
        f"| {SOURCE_TITLES['gem_cement']} | `{GEM_CEMENT_FILE}` | all, sector `cement` | {LICENCES['gem']} |",
        f"| GEM Global Coal Plant Tracker | `{GEM_COAL_FILE}` | **not used**: the copy has one row per "
        "generating unit and no captive/grid flag, so a captive plant serving an estate cannot be told "
        "from a PLN power station; power plants are not an industrial sector of sectors.csv | CC BY 4.0 |",
        "",
        "Capacities are as each source states them: CGSP `t/yr` (tonnes of product a year), GEM steel `t/yr`,",
        "GEM cement `Mt/yr`. Status: CGSP and GEM statuses in one vocabulary (Active -> operating, Temporarily",
        "closed -> idle, Potential -> planned); BIG gives none (empty). Province names are the Kepmendagri 2025",
        "names of `geodata/schema.py`; older spellings of Papua regencies are moved to the 2022 provinces.",
        "",
        "## Counts",
        "",
        "| source | rows read | kept | left out (why) |",
        "|---|---|---|---|",
    ]
    for source in ("big", "cgsp", "gem_steel", "gem_cement"):
        reasons = "; ".join(f"{n} {r}" for (s, r), n in sorted(tally.dropped.items()) if s == source) or "-"
        lines.append(f"| {source} | {tally.read[source]} | {tally.kept[source]} | {reasons} |")
    lines += [
        "",
        f"Before de-duplication: {before} rows; merged pairs: {len(pairs)}; after: {len(facilities)} plants.",
        "",
        "Plants per sector: " + ", ".join(f"{s} {n}" for s, n in sorted(sectors.items())) + ".",
        "",
        "## De-duplication rule",
        "",
        f"A BIG company and a tracker plant (CGSP or GEM) are the same plant when they are within {MERGE_KM:g} km",
        "(geodesic, WGS84), their sectors are compatible (nickel ~ BIG steel or smelter, since BIG codes NPI",
        "as iron and steel 24101 and ferronickel as non-ferrous 24202; steel ~ steel; cement ~ cement) and",
        "their names are similar: after dropping legal forms and generic words (PT, Tbk, Indonesia, Industri,",
        "...) every word of the shorter name is in the longer, or the names read alike (difflib ratio >= "
        f"{NAME_RATIO}).",
        "Each tracker plant takes the nearest such BIG company, each BIG company merges at most once. The",
        "merged row keeps the tracker's id, name, capacity and status and takes BIG's KBLI, regency and",
        "point; `merged_from` lists both ids and `source`/`licence` name both. Rows of the same source are",
        "not merged (CGSP lists separate NPI and ferronickel lines at one site as separate projects).",
        "",
        "| tracker plant | BIG company |",
        "|---|---|",
        *(f"| {a} | {b} |" for a, b in pairs),
        "",
        "## KBLI to sector (`kbli_sectors.csv`)",
        "",
        "The longest matching KBLI 2020 prefix wins; a row with a name pattern wins over the same prefix",
        "without one. Companies whose KBLI matches nothing are left out (counted above).",
        "",
        "| prefix | sector | name pattern | what |",
        "|---|---|---|---|",
        *(f"| {p} | {s} | {n or '-'} | {w} |" for p, s, n, w in sorted(KBLI_SECTORS)),
        "",
    ]
    return "\n".join(lines)


def build(reference: Path, out: Path) -> dict[str, int]:
    """Read ``reference/facilities``, map, merge and write; return the counts printed by the command."""
    reference = reference / "facilities"
    tally = Tally()
    big = read_big(reference, tally)
    trackers = (
        read_cgsp(reference, tally)
        + read_gem(reference, tally, "steel")
        + read_gem(reference, tally, "cement")
    )
    for facility in big + trackers:
        tally.kept[facility.source] += 1
    facilities, pairs = merge(trackers, big)
    if len({f.id for f in facilities}) != len(facilities):
        raise ValueError("facility ids are not unique")
    write_csv(out / "facilities.csv", COLUMNS, (f.row() for f in facilities))
    write_csv(
        out / "kbli_sectors.csv",
        ("prefix", "sector", "name_pattern", "note"),
        ({"prefix": p, "sector": s, "name_pattern": n, "note": w} for p, s, n, w in sorted(KBLI_SECTORS)),
    )
    (out / "FACILITIES.md").write_text(
        provenance(source_commit(reference), tally, facilities, pairs), encoding="utf-8"
    )
    return {"before": sum(tally.kept.values()), "merged": len(pairs), "after": len(facilities)}


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reference",
        type=Path,
        default=DEFAULT_REFERENCE,
        help="the reference folder (default ../shared/reference)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write (default geodata/data)")
    args = parser.parse_args(argv)
    counts = build(args.reference, args.out)
    print(f"facilities: {counts['before']} rows, {counts['merged']} merged, {counts['after']} plants")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
