"""The per-runtime caches: bounded, never shared with a rebuilt runtime, and invisible in the output."""

from __future__ import annotations

import geopandas as gpd
import orjson
import pytest
from plotly.io.json import to_json_plotly
from shapely.geometry import Point

from dashboard.features import comparison, language, panels
from dashboard.runtime import LiveRuntime, Memo, build_runtime, kaltim_report
from dashboard.state import ViewState
from geodata.connectivity import kaltim_analysis
from geodata.store import LayerInfo, Store


@pytest.fixture(scope="module")
def runtime(atlas):
    return build_runtime(atlas)


def test_memo_builds_once_per_key_and_drops_the_least_recently_used():
    memo = Memo(maxsize=2)
    builds: list[str] = []

    def build(key: str):
        return lambda: builds.append(key) or key.upper()

    assert memo.get("a", build("a")) == "A"
    assert memo.get("a", build("a")) == "A"
    memo.get("b", build("b"))
    memo.get("a", build("a"))  # "a" is now the most recently used
    memo.get("c", build("c"))  # evicts "b"
    assert len(memo) == 2
    memo.get("a", build("a"))
    memo.get("b", build("b"))
    assert builds == ["a", "b", "c", "b"]


def test_ring_distances_from_users_stay_bounded(runtime):
    fresh = build_runtime(runtime.atlas)
    for step in range(fresh.memo.maxsize + 20):
        fresh.cached(("kaltim-analysis", (float(step + 1),)), lambda: {})
    assert len(fresh.memo) == fresh.memo.maxsize


def test_each_runtime_has_its_own_cache(atlas, tmp_path):
    live = LiveRuntime(atlas, Store(tmp_path))
    first = live.get()
    english = language.language_outputs(first, "en")
    assert language.language_outputs(first, "en") is english  # cached on this runtime
    live.store.add(  # the import store changed
        LayerInfo("t", "t", "overlay", "#000000", "t.geojson", "2025-01-01T00:00:00Z", 1, 0, "point"),
        gpd.GeoDataFrame({"row": [1]}, geometry=[Point(116.8, -1.2)], crs=4326),
    )
    second = live.get()
    assert second is not first and len(second.memo) == 0
    assert language.language_outputs(second, "en") is not english
    assert language.language_outputs(second, "en") == english


def test_kaltim_report_is_the_analysis_for_those_rings(runtime):
    assert kaltim_report(runtime, (10.0, 20.0)) == kaltim_analysis(runtime.atlas, (10.0, 20.0))
    assert kaltim_report(runtime, (10.0, 20.0)) is kaltim_report(runtime, (10.0, 20.0))


@pytest.mark.parametrize(
    "state",
    [
        ViewState(sector=("bauxite",)),
        ViewState(view="kaltim", rings=(10.0, 20.0), lang="en", zone="ki_kariangau", color="kind"),
        ViewState(zone="galang_batang", kind=("KI",)),
    ],
)
def test_panel_outputs_are_plain_json_equal_to_the_components(runtime, state):
    """Dash encodes a plain result with orjson in one pass; the JSON is what the components give."""
    out = panels.panel_outputs(runtime, state.as_dict())
    orjson.dumps(out)  # raises TypeError on any component, figure or other non-JSON object
    atlas = runtime.atlas
    mask = state.selection(atlas.zones)
    built = panels.detail_parts(atlas, state, mask)
    assert out["detail"] == orjson.loads(to_json_plotly(built))
    legend = panels.legend_parts(runtime, state, atlas.zones[mask])
    assert out["legend"] == orjson.loads(to_json_plotly(legend))


def test_language_outputs_are_plain_json(runtime):
    orjson.dumps(language.language_outputs(runtime, "en"))


def test_comparison_is_built_once_per_sites_weights_and_language(runtime):
    fresh = build_runtime(runtime.atlas)
    state = ViewState(view="kaltim", lang="en")
    first = comparison.comparison_outputs(fresh, state.as_dict())
    orjson.dumps(first)
    other_rings = ViewState(view="kaltim", lang="en", rings=(10.0, 20.0), sector=("bauxite",))
    assert comparison.comparison_outputs(fresh, other_rings.as_dict()) is first
    heavier = ViewState(view="kaltim", lang="en", weights=(1.0,) * 8)
    assert comparison.comparison_outputs(fresh, heavier.as_dict()) != first
    assert comparison.comparison_outputs(fresh, ViewState().as_dict()) == []  # national view: none
