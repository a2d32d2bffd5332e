"""The planner's shell commands: ``python -m geodata validate``, ``kaltim``, ``zones``, ``facilities``,
``import``, ``tiles`` and ``users``.

Exit codes: 0 when all is well, 2 when the data (or the request) is not valid; messages never
come as tracebacks.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Collection
from dataclasses import asdict
from pathlib import Path
from typing import Any

from geodata.atlas import Atlas, layer_for_file, layer_paths, load_atlas, read_atlas
from geodata.connectivity import DEFAULT_RINGS_KM, kaltim_analysis, parse_rings
from geodata.db import DATABASE_ENV, database_url
from geodata.facilities import DEFAULT_RADIUS_KM, facilities_near
from geodata.import_plan import (
    FOOTPRINTS,
    MODES,
    OVERLAY,
    ImportPlan,
    apply_import,
    plan_import,
    refuse_doubtful,
)
from geodata.problems import AtlasDataError, Problem
from geodata.query import province_id, select_zones
from geodata.schema import KINDS
from geodata.store import LayerInfo, Store, data_dir
from geodata.tiles import TilesError, build_tiles
from geodata.upload import ImportLimits, ImportRejected, sweep_leftovers
from geodata.users import ROLES, UserError, UserStore, check_password

OK, INVALID = 0, 2
_FOOTPRINT_BEFORE = {
    "official": "an official boundary",
    "imported": "an imported boundary",
    "indicative": "an indicative circle",
    "none": "no footprint",
}


def _validate(args: argparse.Namespace) -> int:
    overrides: dict[str, Path] = {}
    problems: list[Problem] = []
    for raw in args.paths:
        path = Path(raw)
        layer = layer_for_file(path)
        if layer is None:
            problems.append(
                Problem(
                    path.name,
                    None,
                    None,
                    "cannot tell which layer this is; name it like the shipped file "
                    "(zones.csv, places.csv, roads.csv, national.csv, facilities.csv, sectors.csv, "
                    "footprints.geojson, provinces.geojson, regencies.geojson, land.geojson)",
                )
            )
        elif not path.is_file():
            problems.append(Problem(path.name, None, None, f"no such file: {path}"))
        else:
            overrides[layer] = path
    atlas = None
    if not problems:
        atlas, problems = read_atlas(layer_paths(overrides=overrides))
    if args.json:
        report = {
            "ok": not problems,
            "layers": atlas.layer_counts() if atlas else {},
            "errors": [p.as_dict() for p in problems],
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
    elif problems:
        print(AtlasDataError(problems).report(), file=sys.stderr)
    else:
        counts = ", ".join(f"{n} {layer}" for layer, n in atlas.layer_counts().items())
        print(f"All layers valid: {counts}.")
    return OK if not problems else INVALID


def _format_km(value: float | None, estimated: bool | None = None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f}{'*' if estimated else ''}"


def _kaltim_table(report: dict[str, Any]) -> str:
    ref = report["reference"]
    rings = ", ".join(f"{r:g}" for r in report["rings_km"])
    lines = [f"Reference: {ref['name']} ({ref['lat']:.4f}, {ref['lon']:.4f}); rings {rings} km", ""]
    head = (
        f"{'zone':<48} {'km IKN':>8} {'road km':>8} {'ring':>6}  {'nearest port':<34} {'nearest airport':<34}"
    )
    lines += [head, "-" * len(head)]
    for site in report["sites"]:
        port, airport = site["nearest_port"], site["nearest_airport"]
        ring = f"{site['within_ring_km']:g}" if site["within_ring_km"] is not None else "-"
        lines.append(
            f"{site['name'][:48]:<48} {_format_km(site['straight_km_to_ikn']):>8} "
            f"{_format_km(site['road_km_to_ikn'], site['road_km_estimated']):>8} {ring:>6}  "
            f"{(port['name'][:27] + ' ' + _format_km(port['km'])) if port else '-':<34} "
            f"{(airport['name'][:27] + ' ' + _format_km(airport['km'])) if airport else '-':<34}"
        )
    lines += ["", f"{'from':<32} {'to':<32} {'straight km':>11} {'road km':>8}"]
    for pair in report["pairs"]:
        lines.append(
            f"{pair['from']:<32} {pair['to']:<32} {_format_km(pair['straight_km']):>11} "
            f"{_format_km(pair['road_km'], pair['road_km_estimated']):>8}"
        )
    lines += ["", "* road route uses at least one link whose length is estimated (see roads.csv)."]
    return "\n".join(lines)


def _kaltim(args: argparse.Namespace) -> int:
    try:
        rings = parse_rings(args.rings) if args.rings else DEFAULT_RINGS_KM
    except ValueError as exc:
        print(f"--rings: {exc}", file=sys.stderr)
        return INVALID
    report = kaltim_analysis(load_atlas(), rings)
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else _kaltim_table(report))
    return OK


def _facility_rows(args: argparse.Namespace) -> list[dict[str, Any]] | str:
    """The plants the ``facilities`` command prints, or the message why the request is invalid."""
    atlas = load_atlas()
    if args.sector is not None and args.sector not in atlas.sectors.index:
        return f"unknown sector '{args.sector}'; sectors are: {', '.join(atlas.sectors.index)}"
    if args.near is None:
        if args.km is not None:
            return "--km needs --near ZONE_ID"
        plants = atlas.facilities
        if args.sector is not None:
            plants = plants[plants["sector"] == args.sector]
    elif args.near not in atlas.zones.index:
        return f"unknown zone '{args.near}'; zone ids are: {', '.join(atlas.zones.index)}"
    else:
        km = DEFAULT_RADIUS_KM if args.km is None else args.km
        if not km >= 0:
            return f"--km must be a distance of 0 km or more, got {args.km}"
        zone = atlas.zones.loc[args.near]
        plants = facilities_near(atlas, zone["lon"], zone["lat"], km, args.sector)
    columns = ["id", "name", "sector", "kbli", "lon", "lat", "source"] + (["km"] if "km" in plants else [])
    rows = plants[columns].to_dict("records")
    for row in rows:
        if "km" in row:
            row["km"] = round(float(row["km"]), 3)
    return rows


def _facilities(args: argparse.Namespace) -> int:
    rows = _facility_rows(args)
    if isinstance(rows, str):
        print(rows, file=sys.stderr)
        return INVALID
    if args.json:
        print(json.dumps({"count": len(rows), "facilities": rows}, ensure_ascii=False, indent=2))
        return OK
    head = f"{'id':<44} {'sector':<16} {'kbli':<6} {'km':>7}  name"
    lines = [head, "-" * len(head)]
    for row in rows:
        km = f"{row['km']:.1f}" if "km" in row else "-"
        lines.append(f"{row['id']:<44} {row['sector']:<16} {row['kbli'] or '-':<6} {km:>7}  {row['name']}")
    lines.append(
        f"{len(rows)} facilit{'y' if len(rows) == 1 else 'ies'}; sources and licences in FACILITIES.md"
    )
    print("\n".join(lines))


ZONE_FIELDS = (
    "id", "name", "kind", "status", "province", "regency", "lon", "lat", "coord_precision", "boundary", "area_ha",
    "measured_area_ha", "established", "sectors", "investment_idr_trillion", "investment_as_of", "sources",
)  # fmt: skip


def _plain(value: Any) -> Any:
    """A zone cell as JSON: tuples as lists, missing numbers as null, numpy numbers as Python ones."""
    if isinstance(value, tuple):
        return list(value)
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def zone_records(
    atlas: Atlas, kinds: Collection[str] = (), provinces: Collection[str] = (), sectors: Collection[str] = ()
) -> list[dict[str, Any]]:
    """The zones matching the filters (province names or ids), with the ``zones`` command's fields."""
    mask = select_zones(
        atlas.zones, sectors=sectors, kinds=kinds, provinces=[province_id(p) for p in provinces]
    )
    rows = atlas.zones.loc[mask, list(ZONE_FIELDS)]
    records = [{field: _plain(value) for field, value in row.items()} for row in rows.to_dict("records")]
    for record in records:
        if record["measured_area_ha"] is not None:
            record["measured_area_ha"] = round(record["measured_area_ha"], 1)
    return records


def _zones_table(records: list[dict[str, Any]]) -> str:
    head = (
        f"{'id':<30} {'kind':<5} {'status':<12} {'province':<26} {'lon':>11} {'lat':>10} {'precision':<11} "
    )
    head += f"{'boundary':<10} {'area ha':>9} {'measured':>9}"
    lines = [head, "-" * len(head)]
    for z in records:
        area = f"{z['area_ha']:.0f}" if z["area_ha"] is not None else "-"
        measured = f"{z['measured_area_ha']:.0f}" if z["measured_area_ha"] is not None else "-"
        lines.append(
            f"{z['id'][:30]:<30} {z['kind']:<5} {z['status']:<12} {z['province'][:26]:<26} {z['lon']:>11.6f} "
            f"{z['lat']:>10.6f} {z['coord_precision']:<11} {z['boundary']:<10} {area:>9} {measured:>9}"
        )
    lines.append(f"{len(records)} zone{'s' if len(records) != 1 else ''}")
    return "\n".join(lines)


def _zones(args: argparse.Namespace) -> int:
    atlas = load_atlas()
    unknown = [s for s in args.sector or () if s not in atlas.sectors.index]
    known_provinces = {province_id(p) for p in atlas.zones["province"]}
    unknown += [p for p in args.province or () if province_id(p) not in known_provinces]
    if unknown:
        print(f"no zone has sector or province {', '.join(repr(u) for u in unknown)}", file=sys.stderr)
        return INVALID
    records = zone_records(atlas, args.kind or (), args.province or (), args.sector or ())
    print(
        json.dumps({"zones": records}, ensure_ascii=False, indent=2) if args.json else _zones_table(records)
    )
    return OK


def _import_report(
    name: str, plan: ImportPlan | None, info: LayerInfo | None, problems: list[Problem]
) -> dict[str, Any]:
    layer = plan.layer if plan else None
    return {
        "ok": not problems,
        "layer": info.id if info else name,
        "features": info.features if info else (len(layer.frame) if layer else 0),
        "repaired": layer.repaired if layer else 0,
        "errors": [p.as_dict() for p in problems],
        "notes": [p.as_dict() for p in plan.notes] if plan else [],
        "matches": [asdict(m) for m in plan.matches] if plan else [],
    }


def _import_text(plan: ImportPlan, info: LayerInfo | None, store: Store) -> str:
    layer = plan.layer
    features = info.features if info else len(layer.frame)
    what = f"{features} feature{'s' if features != 1 else ''}, {layer.repaired} repaired"
    if info:
        lines = [
            f"Imported {layer.source_file} as {info.kind} layer '{info.id}' ({what}) into {store.location}."
        ]
    else:
        lines = [f"{layer.source_file} can be imported as {plan.mode} ({what}); nothing stored (--dry-run)."]
    for m in plan.matches:
        official = (
            f"official {m.official_area_ha:g} ha" if m.official_area_ha is not None else "no official area"
        )
        lines.append(
            f"  {m.zone_id} <- row {', '.join(map(str, m.rows))} (by {m.by}): {m.area_ha:.0f} ha ({official}), "
            f"{m.distance_km:.1f} km from its point; it had {_FOOTPRINT_BEFORE[m.replaces]}"
        )
    lines += [f"  note: {n}" for n in plan.notes]
    return "\n".join(lines)


def _import(args: argparse.Namespace) -> int:
    try:
        limits = ImportLimits.from_env()
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return INVALID
    store = Store(args.store)
    sweep_leftovers(store.directory)  # what an interrupted import left behind
    plan: ImportPlan | None = None
    info: LayerInfo | None = None
    problems: list[Problem] = []
    try:
        plan = plan_import(
            Path(args.path), load_atlas(), mode=args.mode, layer=args.layer, crs=args.crs, limits=limits
        )
        override = set(args.override or ())
        if args.dry_run and plan.mode == FOOTPRINTS:
            refuse_doubtful(plan, {m.zone_id for m in plan.matches}, override)
        info = None if args.dry_run else apply_import(plan, store, override=override)
    except ImportRejected as exc:
        problems = exc.problems
        if not args.json:
            print(exc.report(), file=sys.stderr)
    if args.json:
        name = args.layer or Path(args.path).stem
        print(json.dumps(_import_report(name, plan, info, problems), ensure_ascii=False, indent=2))
    elif plan and not problems:
        print(_import_text(plan, info, store))
    return OK if not problems else INVALID


def _tiles(args: argparse.Namespace) -> int:
    try:
        layer = build_tiles(Path(args.path), data_dir(args.store), name=args.name, category=args.category)
    except TilesError as exc:
        print(f"cannot tile {args.path}: {exc}", file=sys.stderr)
        return INVALID
    if args.json:
        print(json.dumps({"layer": layer.name, "path": str(layer.path), **layer.metadata}, indent=2))
    else:
        meta = layer.metadata
        print(
            f"Tiled layer '{layer.name}': {meta['feature_count']:,} polygons, zooms {meta['minzoom']}-"
            f"{meta['maxzoom']} (aggregates below {meta['polygon_minzoom']}), served at /tiles/{layer.name}.json"
        )
    return OK


def _new_password(from_stdin: bool) -> str:
    """The new user's password: one line of stdin, or typed twice without echo at a terminal."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UserError("no terminal to ask for the password; pipe it with --password-stdin")
    password = check_password(getpass.getpass("Password: "))
    if getpass.getpass("Password again: ") != password:
        raise UserError("the two passwords differ; nothing changed")
    return password


def _users(args: argparse.Namespace) -> int:
    try:
        users = UserStore.for_data_dir(data_dir(args.data_dir))
        if args.action == "add":
            user = users.add(args.name, args.role, _new_password(args.password_stdin))
            print(f"Added {user.name} ({user.role}).")
        elif args.action == "remove":
            users.remove(args.name)
            print(f"Removed {args.name}.")
        elif args.action == "set-role":
            users.set_role(args.name, args.role)
            print(f"{args.name} is now {args.role}.")
        else:
            everyone = users.list()
            print(f"{'name':<32} {'role':<8} created")
            print("\n".join(f"{u.name:<32} {u.role:<8} {u.created}" for u in everyone))
            print(f"{len(everyone)} user{'s' if len(everyone) != 1 else ''}")
    except UserError as exc:
        print(exc, file=sys.stderr)
        return INVALID
    return OK


def _users_parser(commands: argparse._SubParsersAction) -> None:
    users = commands.add_parser("users", help="who may sign in (ATLAS_AUTH=login), and with which role")
    users.add_argument(
        "--data-dir",
        help="the app's data directory (default: $ATLAS_DATA_DIR, else instance/); DATABASE_URL wins",
    )
    actions = users.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="add a user (asks the password twice, or reads it from stdin)")
    add.add_argument("name")
    add.add_argument(
        "--role", choices=ROLES, required=True, help="viewer looks; editor imports; admin manages"
    )
    add.add_argument("--password-stdin", action="store_true", help="read the password as one line of stdin")
    actions.add_parser("list", help="name, role and creation time of every user")
    actions.add_parser("remove", help="remove a user (their sessions end)").add_argument("name")
    role = actions.add_parser("set-role", help="change a user's role")
    role.add_argument("name")
    role.add_argument("role", choices=ROLES)
    users.set_defaults(run=_users)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, separate so that tests and --help see the same commands."""
    parser = argparse.ArgumentParser(prog="python -m geodata", description="Atlas Kawasan data tools")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="validate the shipped data, or the given files in its place")
    check.add_argument(
        "paths", nargs="*", help="files named like the shipped ones (zones.csv, roads.csv, ...)"
    )
    check.add_argument("--json", action="store_true", help="print a JSON report")
    check.set_defaults(run=_validate)
    kaltim = commands.add_parser("kaltim", help="distances between Kaltim estates, IKN, ports and airports")
    kaltim.add_argument("--rings", help="ring radii in km, comma-separated (default 25,50,100)")
    kaltim.add_argument("--json", action="store_true", help="print JSON instead of a table")
    kaltim.set_defaults(run=_kaltim)
    plants = commands.add_parser("facilities", help="mills, smelters and plants: by sector, or near a zone")
    plants.add_argument("--sector", help="a sector id from sectors.csv, e.g. palm_oil")
    plants.add_argument("--near", metavar="ZONE_ID", help="only plants within --km of this zone's point")
    plants.add_argument(
        "--km", type=float, help=f"radius for --near, geodesic km (default {DEFAULT_RADIUS_KM:g})"
    )
    plants.add_argument("--json", action="store_true", help="print JSON instead of a table")
    plants.set_defaults(run=_facilities)
    zones = commands.add_parser("zones", help="list the zones, filtered by kind, province or sector")
    zones.add_argument("--kind", action="append", choices=KINDS, help="KEK, KI or KIHT (repeatable)")
    zones.add_argument("--province", action="append", help="a province name or id, e.g. 'Kalimantan Timur'")
    zones.add_argument("--sector", action="append", help="a sector id from sectors.csv, e.g. nickel")
    zones.add_argument("--json", action="store_true", help="print JSON instead of a table")
    zones.set_defaults(run=_zones)
    load = commands.add_parser(
        "import", help="import a GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ or lon/lat CSV into the store"
    )
    load.add_argument("path", help="the file to import")
    load.add_argument(
        "--layer", help="the imported layer's name (default: the file name); picks it in a multi-layer file"
    )
    load.add_argument(
        "--mode",
        choices=MODES,
        default=OVERLAY,
        help="footprints: the zones' real boundaries, matched by id or name; overlay (default): an extra layer",
    )
    load.add_argument(
        "--store",
        help="data directory of the store (default: $ATLAS_DATA_DIR, else instance/ beside the code)",
    )
    load.add_argument("--crs", help="the CRS of a file that declares none, e.g. EPSG:32750")
    load.add_argument(
        "--dry-run", action="store_true", help="check the file and show the matches; store nothing"
    )
    load.add_argument(
        "--override",
        action="append",
        metavar="ZONE_ID",
        help="store this zone's footprint although its area or place looks wrong (recorded with the numbers)",
    )
    load.add_argument("--json", action="store_true", help="print a JSON report")
    load.set_defaults(run=_import)
    tiles = commands.add_parser(
        "tiles",
        help="vector tiles of a large polygon file (100,000+ parcels) for the map, in the data directory",
    )
    tiles.add_argument("path", help="a GeoPackage, GeoJSON, FlatGeobuf or other file GDAL reads")
    tiles.add_argument("--name", help="the layer's name in the map and its URL (default: the file name)")
    tiles.add_argument("--category", help="the field the map colours and filters by (e.g. land use)")
    tiles.add_argument(
        "--store", help="the data directory (default: $ATLAS_DATA_DIR, else instance/ beside the code)"
    )
    tiles.add_argument("--json", action="store_true", help="print the archive's metadata as JSON")
    tiles.set_defaults(run=_tiles)
    _users_parser(commands)
    copy = commands.add_parser(
        "copy-store", help="copy a data directory's atlas.sqlite (layers, saved views) into another database"
    )
    copy.add_argument("--from", dest="source", required=True, help="the data directory holding atlas.sqlite")
    copy.add_argument("--to", help="the target database URL (default: $DATABASE_URL)")
    copy.set_defaults(run=_copy_store)
    return parser


def _copy_store(args: argparse.Namespace) -> int:
    target = args.to or os.environ.get(DATABASE_ENV, "")
    if not target:
        print(f"say where to copy to: --to URL or {DATABASE_ENV}", file=sys.stderr)
        return INVALID
    source = Store(args.source, url=database_url(Path(args.source), {}))
    into = Store(args.source, url=target)  # old files there are the source's: it takes them in first
    if source.url == into.url:
        print("the source and the target are the same database", file=sys.stderr)
        return INVALID
    layers, views = source.copy_into(into)
    print(f"Copied {layers} layers and {views} saved views from {source.location} into {into.location}.")
    return OK


def main(argv: list[str] | None = None) -> int:
    """Run one command; data problems exit 2 with their messages, never a traceback."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except AtlasDataError as exc:
        print(exc.report(), file=sys.stderr)
        return INVALID
