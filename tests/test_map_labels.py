"""Map labels, point sizes, presentation text size, scale bar, legend and export framing, as plain
functions (the glyph files are the shipped ones; one Kaleido render checks labels reach a PNG)."""

from __future__ import annotations

import io
import math

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image

from dashboard import exports, figures
from dashboard.mapmodel import LABEL_LIMIT, label_priority
from dashboard.runtime import build_runtime
from dashboard.state import ViewState
from geodata.query import select_zones


@pytest.fixture(scope="module")
def runtime(atlas):
    return build_runtime(atlas)


@pytest.fixture(scope="module")
def base(runtime):
    return figures.base_map_figure(runtime.atlas, runtime.model, runtime.hovers)


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        value |= (byte & 0x7F) << shift
        at += 1
        shift += 7
        if not byte & 0x80:
            return value, at


def _fields(data: bytes) -> list[tuple[int, int | bytes]]:
    """A protobuf message's (field number, value) pairs: varints as ints, the rest as bytes."""
    out: list[tuple[int, int | bytes]] = []
    at = 0
    while at < len(data):
        key, at = _varint(data, at)
        if key & 7 == 0:
            value, at = _varint(data, at)
            out.append((key >> 3, value))
        else:
            length, at = _varint(data, at)
            out.append((key >> 3, data[at : at + length]))
            at += length
    return out


def glyphs(font: str, start: int) -> dict[int, dict[int, int | bytes]]:
    """The glyphs of one shipped range file, by code point."""
    data = (figures.GLYPHS_DIR / font / f"{start}-{start + 255}.pbf").read_bytes()
    (stack,) = [value for number, value in _fields(data) if number == 1]
    fields = _fields(stack)
    assert dict(fields)[1] == font.encode() and dict(fields)[2] == f"{start}-{start + 255}".encode()
    found = {}
    for number, value in fields:
        if number == 3:
            glyph = dict(_fields(value))
            found[glyph[1]] = glyph
    return found


def test_shipped_glyphs_cover_every_label_and_are_sdf_bitmaps(runtime, base):
    fonts = {base["data"][trace]["textfont"]["family"] for trace in figures.LABEL_TRACES}
    assert fonts == {figures.LABEL_FONT, figures.PLACE_FONT}
    texts = [*runtime.atlas.zones["name"], *runtime.atlas.places["name"], "25 km"]
    needed = {ord(c) for text in texts for c in text}
    for font in fonts:
        ranges = {**glyphs(font, 0), **glyphs(font, 256)}
        assert needed <= set(ranges), sorted(needed - set(ranges))
        k = ranges[ord("K")]
        width, height = k[3], k[4]
        assert width > 5 and height > 10 and len(k[2]) == (width + 6) * (height + 6)
        bitmap = np.frombuffer(k[2], dtype=np.uint8)
        assert bitmap.max() > 191 > bitmap.min()  # inside and outside the outline
        assert 32 not in ranges or 2 not in ranges[32]  # a space has no bitmap
    assert (figures.GLYPHS_DIR / "OFL.txt").read_text().count("SIL Open Font License") >= 1


def test_zone_labels_carry_the_names_in_priority_order(runtime, base):
    zones = runtime.atlas.zones
    labels = base["data"][figures.TRACE_ZONE_LABELS]
    assert labels["mode"] == "markers+text" and labels["marker"]["opacity"] == 0
    assert sorted(labels["text"]) == sorted(zones["name"])
    order = [runtime.model.zone_ids[i] for i in runtime.model.label_order]
    assert [zones.at[z, "name"] for z in order] == labels["text"]
    kinds = list(zones.loc[order, "kind"])
    assert kinds.index("KI") > max(i for i, kind in enumerate(kinds) if kind == "KEK")
    assert order.index("ki_kariangau") < order.index("ki_buluminung")  # operating before candidate
    first_keks = zones.loc[order[:3]]
    assert (first_keks["status"] == "operating").all()
    assert first_keks["investment_idr_trillion"].is_monotonic_decreasing
    assert base["layout"]["map"]["style"]["glyphs"] == figures.GLYPHS_URL


def test_filter_hides_labels_with_their_zones_and_kaltim_shows_rings(runtime, base):
    atlas, model = runtime.atlas, runtime.model
    state = ViewState(view="kaltim", sector=("bauxite",))
    mask = select_zones(atlas.zones, state.sector)
    updates = figures.map_updates(atlas, model, runtime.hovers, state, mask, "offline", figures.BASE_DRAWN)
    # the zones' longitudes as an export blanks them (the live map hides the points by feature state)
    zone_lon = figures.map_updates(
        atlas, model, runtime.hovers, state, mask, "offline", figures.BASE_DRAWN, by_state=False
    )["data", figures.TRACE_ZONES, "lon"]
    assert ("data", figures.TRACE_ZONES, "lon") not in updates
    label_lon = updates["data", figures.TRACE_ZONE_LABELS, "lon"]
    assert label_lon == [zone_lon[i] for i in model.label_order]
    kaltim = base["data"][figures.TRACE_KALTIM_LABELS]
    assert kaltim["text"] == ["IKN Nusantara", *(f"{r:g} km" for r in state.rings)]
    assert kaltim.get("visible", True) and set(kaltim["lon"]) == {None}  # national: empty, not hidden
    ikn = atlas.places.loc["ikn_kipp"]
    assert updates["data", figures.TRACE_KALTIM_LABELS, "lon"] == [float(ikn["lon"])] * (len(state.rings) + 1)
    assert all(lat > ikn["lat"] for lat in kaltim["lat"][1:])
    wider = ViewState(view="kaltim", rings=(10.0, 200.0))
    drawn = figures.drawn_map(state, "offline")
    updates = figures.map_updates(atlas, model, runtime.hovers, wider, mask, "offline", drawn)
    assert updates["data", figures.TRACE_KALTIM_LABELS, "text"] == ["IKN Nusantara", "10 km", "200 km"]


def test_presentation_patches_only_the_label_size(runtime):
    atlas, model = runtime.atlas, runtime.model
    everything = select_zones(atlas.zones)
    present = ViewState(present=True)
    updates = figures.map_updates(
        atlas, model, runtime.hovers, present, everything, "offline", figures.BASE_DRAWN
    )
    assert updates == {
        ("data", t, "textfont", "size"): figures.LABEL_SIZE["present"] for t in figures.LABEL_TRACES
    }
    assert figures.LABEL_SIZE["present"] > figures.LABEL_SIZE["screen"]
    drawn = figures.drawn_map(present, "offline")
    back = figures.map_updates(atlas, model, runtime.hovers, ViewState(), everything, "offline", drawn)
    assert set(back.values()) == {figures.LABEL_SIZE["screen"]}


@pytest.mark.parametrize("size", ["investment", "area"])
def test_points_sized_by_a_figure(runtime, size):
    atlas = runtime.atlas
    updates = figures.map_updates(
        atlas, runtime.model, runtime.hovers, ViewState(size=size), select_zones(atlas.zones), "offline",
        figures.BASE_DRAWN,
    )  # fmt: skip
    sizes = np.array(updates["data", figures.TRACE_ZONES, "marker", "size"])
    halo = np.array(updates["data", figures.TRACE_HALO, "marker", "size"])
    assert (halo == sizes + figures.HALO_EXTRA).all()
    values = atlas.zones[figures.SIZE_COLUMNS[size]].to_numpy(dtype=float, na_value=np.nan)
    low, high = figures.POINT_SIZE_RANGE
    assert sizes[np.nanargmax(values)] == high
    assert (sizes[np.isnan(values)] == low).all()
    reported = ~np.isnan(values)
    order = np.argsort(values[reported])
    assert (np.diff(sizes[reported][order]) >= 0).all()
    none = figures.map_updates(
        atlas, runtime.model, runtime.hovers, ViewState(), select_zones(atlas.zones), "offline",
        figures.drawn_map(ViewState(size=size), "offline"),
    )  # fmt: skip
    assert none["data", figures.TRACE_ZONES, "marker", "size"] == figures.POINT_SIZE


def test_facilities_cluster_with_the_label_glyphs(base):
    plants = base["data"][figures.TRACE_FACILITIES]
    assert plants["cluster"]["enabled"] is True and plants["cluster"]["maxzoom"] >= 6
    assert plants["textfont"]["family"] in (figures.LABEL_FONT, figures.PLACE_FONT)


def test_scale_bar_arithmetic():
    assert exports.metres_per_pixel(0, 0) == pytest.approx(78271.517, rel=1e-6)
    assert exports.metres_per_pixel(1, 60) == pytest.approx(78271.517 / 4, rel=1e-6)
    km, px = exports.scale_length(8.45, -0.9, 288)
    assert km == 50 and px == pytest.approx(50_000 / exports.metres_per_pixel(8.45, -0.9))
    assert px <= 288 and exports.scale_length(8.45, -0.9, px * 2.5)[0] == 100
    assert exports.scale_length(8.45, -0.9, px * 0.99)[0] == 20


def test_export_keeps_the_screen_framing():
    camera = {"center": {"lon": 117.0, "lat": -1.0}, "zoom": 7.0, "screen": (960, 540)}
    fitted = exports.fit_camera(camera, 1920, 1080)
    assert fitted == {"center": camera["center"], "zoom": 8.0}
    wide = exports.fit_camera({**camera, "screen": (960, 1080)}, 1920, 1080)
    assert wide["zoom"] == 7.0  # the tall screen's height limits: nothing it showed is cut off
    assert exports.fit_camera(None, 1920, 1080) is None


def test_map_export_carries_title_legend_scale_and_kaltim_table(runtime):
    state = ViewState(view="kaltim", lang="en")
    camera = {"center": {"lon": 116.9, "lat": -0.9}, "zoom": 7.6, "screen": (900, 600)}
    figure = exports.screen_figure(runtime, state, "map", camera)
    texts = [a.text for a in figure.layout.annotations]
    assert any("Atlas Kawasan" in text and "<b>" in text for text in texts)
    legend = next(text for text in texts if text.startswith("<b>Legend"))
    shown = runtime.atlas.zones[state.selection(runtime.atlas.zones)]
    top = shown["primary_sector"].value_counts().index[0]
    assert runtime.model.sector_colors[top] in legend and runtime.atlas.sectors.at[top, "label_en"] in legend
    assert "dark = KEK" in legend
    table = next(text for text in texts if "Kariangau" in text and "Buluminung" in text)
    assert "Maloy" in table
    km, _ = exports.scale_length(float(figure.layout.map.zoom), -0.9, 1920 * 0.15)
    assert f"{km:g} km" in texts
    assert len([s for s in figure.layout.shapes if s.type == "line"]) == 3
    assert figure.layout.map.zoom == pytest.approx(7.6 + math.log2(1.8))
    assert figure.layout.map.style["glyphs"].startswith("file://")
    labels = [a.text for a in figure.layout.annotations if a.name == "label"]
    assert "<b>IKN Nusantara</b>" in labels and "<b>25 km</b>" in labels
    assert any("Kariangau" in text for text in labels) and any("Balikpapan" in text for text in labels)
    assert len(labels) == len(set(labels)) and all(not figure.data[t].text for t in figures.LABEL_TRACES)


def test_chart_caption_sits_under_the_axis(runtime):
    figure = exports.screen_figure(runtime, ViewState(lang="en"), "investment", None)
    (caption,) = [a for a in figure.layout.annotations if "Atlas Kawasan" in a.text]
    assert caption.y == 0 and caption.yanchor == "top" and caption.yshift < -40
    assert figure.layout.margin.b == exports.CHART_CAPTION_MARGIN


def _pixel(lon: float, lat: float, center: dict, zoom: float, width: int, height: int) -> tuple[float, float]:
    """Where a lon/lat falls in a web-mercator image (512 px tiles) centred on ``center``."""

    def world(lo: float, la: float) -> tuple[float, float]:
        scale = 512 * 2**zoom
        y = math.log(math.tan(math.pi / 4 + math.radians(la) / 2))
        return scale * (lo + 180) / 360, scale * (1 - y / math.pi) / 2

    x, y = world(lon, lat)
    cx, cy = world(center["lon"], center["lat"])
    return width / 2 + x - cx, height / 2 + y - cy


def test_labels_reach_the_png(runtime):
    """One Kaleido render with labels and one without: dark text pixels appear just above Kariangau."""
    state = ViewState(view="kaltim", lang="en")
    camera = {"center": {"lon": 116.8, "lat": -1.15}, "zoom": 10.0}
    labelled = exports.screen_figure(runtime, state, "map", camera)
    bare = go.Figure(labelled)
    bare.layout.annotations = [a for a in labelled.layout.annotations if a.name != "label"]
    assert len(bare.layout.annotations) < len(labelled.layout.annotations)
    size = exports.PNG_SIZES["projector"]
    images = [
        np.asarray(Image.open(io.BytesIO(exports.render_png(f, "projector"))).convert("L"))
        for f in (labelled, bare)
    ]
    zone = runtime.atlas.zones.loc["ki_kariangau"]
    x, y = _pixel(zone["lon"], zone["lat"], camera["center"], camera["zoom"], size["width"], size["height"])
    box = (slice(int(y) - 60, int(y) - 4), slice(int(x) - 150, int(x) + 150))
    dark = [int((image[box] < 50).sum()) for image in images]
    assert dark[0] > 150 and dark[1] < 20, dark


def test_labels_are_capped_to_the_highest_priority_zones(atlas):
    """At scale only the first ``limit`` zones by label priority get a label (mapmodel.LABEL_LIMIT):
    the cap keeps the priority order and takes its head, here on the shipped zones with a small limit."""
    zones = atlas.zones
    full = label_priority(zones)
    assert len(full) == len(zones) < LABEL_LIMIT  # the shipped atlas labels every zone
    capped = label_priority(zones, limit=5)
    assert capped.tolist() == full[:5].tolist()
    assert set(zones.iloc[capped]["kind"]) == {"KEK"}
