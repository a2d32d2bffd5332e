"""Figure builders and callbacks as plain functions: data and state in, figures and patches out."""

from __future__ import annotations

import base64
import gzip
import json

import numpy as np
import orjson
import plotly.graph_objects as go
import pytest
import shapely
from dash import no_update
from dash.exceptions import PreventUpdate
from plotly.io.json import to_json_plotly
from shapely.geometry import shape

from dashboard import figures, widgets
from dashboard.clientfilter import index_url
from dashboard.features import filters, language, mapview, panels, table
from dashboard.reducer import Controls
from dashboard.runtime import build_runtime
from dashboard.state import ViewState, with_changes
from geodata.connectivity import kaltim_analysis
from geodata.facilities import DEFAULT_RADIUS_KM
from geodata.query import select_zones, summarize


@pytest.fixture(scope="module")
def runtime(atlas):
    return build_runtime(atlas)


def numbers(values) -> list[float]:
    """A figure's numeric array, decoded when it is a base64 typed array."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def patch_ops(patch) -> dict[str, object]:
    """A Patch's operations as {'data.8.lon': value, ...} for assertions."""
    return {
        ".".join(str(p) for p in op["location"]): op["params"].get("value")
        for op in patch.to_plotly_json()["operations"]
    }


def test_base_map_draws_offline_and_keeps_footprints_out_of_the_figure(runtime):
    figure = figures.base_map_figure(runtime.atlas, runtime.model, runtime.hovers)
    style = figure["layout"]["map"]["style"]
    assert style["layers"][0]["type"] == "background"
    assert not any(layer.get("type") in ("symbol", "raster") for layer in style["layers"])
    assert style["glyphs"] == "/assets/glyphs/{fontstack}/{range}.pbf" and "sprite" not in style
    assert style["sources"]["footprints"]["data"] == figures.EMPTY_COLLECTION  # filled by the page
    assert figure["layout"]["meta"]["footprints"] == figures.footprints_url(runtime.model)
    # fetched only zoomed in, before they show: never on the whole-country first screen
    assert (
        figures.NATIONAL_VIEW["zoom"]
        < figure["layout"]["meta"]["footprints_zoom"]
        < figures.FOOTPRINT_MINZOOM
    )
    assert not any("geojson" in trace for trace in figure["data"])
    zones = figure["data"][figures.TRACE_ZONES]
    assert zones["customdata"] == list(runtime.atlas.zones.index)
    assert None not in zones["lon"]  # the default state shows every zone
    # the page's plotly.js hides the zones' and halo's points by feature state (tools/plotly-bundle)
    named = {trace.get("name"): trace.get("meta") for trace in figure["data"]}
    assert {name for name, meta in named.items() if meta == figures.BY_FEATURE_STATE} == {"zones", "halo"}
    assert figure["layout"]["uirevision"] == "atlas"


def test_footprint_document_holds_every_footprint_with_what_the_style_needs(runtime):
    atlas, model = runtime.atlas, runtime.model
    document = json.loads(model.footprint_geojson)
    assert len(document["features"]) == len(atlas.footprints)
    for feature in document["features"]:
        zone_id = model.zone_ids[feature["properties"]["i"]]
        assert feature["properties"]["src"] == atlas.footprints.at[zone_id, "boundary"]
        assert feature["properties"]["sector"] == atlas.zones.at[zone_id, "primary_sector"]
        served = shape(feature["geometry"])  # official parcels: multipolygons
        coordinates = shapely.get_coordinates(served)
        assert (coordinates.round(5) == coordinates).all()
        # thinned, never moved: within a grid step (~1 m) of the boundary as loaded
        assert shapely.hausdorff_distance(served, atlas.footprints.at[zone_id, "geometry"]) < 2e-5
    served_vertices = sum(len(shapely.get_coordinates(shape(f["geometry"]))) for f in document["features"])
    assert served_vertices < shapely.get_num_coordinates(atlas.footprints.geometry.to_numpy()).sum()


def test_map_patch_sends_no_geometry_and_filters(runtime):
    atlas = runtime.atlas
    state = ViewState(sector=("bauxite",))
    mask = select_zones(atlas.zones, state.sector)
    patch = figures.map_patch(
        figures.map_updates(atlas, runtime.model, runtime.hovers, state, mask, "offline", figures.BASE_DRAWN)
    )
    ops = patch_ops(patch)
    assert not any("geojson" in key for key in ops)
    # the zones' points keep their positions: the page hides them by feature state, from the filter
    assert f"data.{figures.TRACE_ZONES}.lon" not in ops and f"data.{figures.TRACE_HALO}.lon" not in ops
    assert "layout.map.style" not in ops  # a filter never reloads the style
    _figure, _drawn, footprint_filter = mapview.map_outputs(
        runtime, state.as_dict(), "offline", figures.BASE_DRAWN
    )
    shown = [runtime.model.zone_ids[i] for i in footprint_filter[2]]
    assert footprint_filter == ["match", ["get", "i"], footprint_filter[2], True, False]
    assert shown == list(atlas.zones.index[mask])
    assert "galang_batang" in shown and "sei_mangkei" not in shown
    # the labels hide with their zones by longitude (a transparent label would still collide)
    labels = ops[f"data.{figures.TRACE_ZONE_LABELS}.lon"]
    assert [x is not None for x in labels] == [bool(mask.iloc[i]) for i in runtime.model.label_order]
    assert "layout.map.center" not in ops  # the camera stays where the user left it
    assert f"data.{figures.TRACE_ZONES}.hovertext" not in ops  # the language did not change
    assert len(json.dumps(patch.to_plotly_json())) < len(runtime.model.footprint_geojson)


def test_map_patch_sends_only_what_changed(runtime):
    atlas, model = runtime.atlas, runtime.model
    everything = select_zones(atlas.zones)
    english = ViewState(lang="en")
    ops = patch_ops(
        figures.map_patch(
            figures.map_updates(
                atlas, model, runtime.hovers, english, everything, "offline", figures.BASE_DRAWN
            )
        )
    )
    assert set(ops) == {f"data.{figures.TRACE_ZONES}.hovertext"}
    assert ops[f"data.{figures.TRACE_ZONES}.hovertext"] == runtime.hovers["en"]
    drawn = figures.drawn_map(english, "offline")
    assert figures.map_updates(atlas, model, runtime.hovers, english, everything, "offline", drawn) == {}
    figure, now, footprint_filter = mapview.map_outputs(runtime, english.as_dict(), "offline", drawn)
    assert figure is no_update and now == drawn  # nothing to redraw: no Patch at all
    assert footprint_filter is no_update
    by_kind = ViewState(lang="en", color="kind")
    ops = patch_ops(
        figures.map_patch(
            figures.map_updates(atlas, model, runtime.hovers, by_kind, everything, "offline", drawn)
        )
    )
    assert set(ops) == {"layout.map.style", f"data.{figures.TRACE_ZONES}.marker.color"}


def test_the_kaltim_layers_come_only_with_the_kaltim_view(runtime):
    """The first page's map carries no roads, rings, ports, airports or IKN (hidden on the national
    view; issue 14): they come when the Kaltim view opens, the rings again when they change there,
    and not while the view is closed."""
    atlas, model = runtime.atlas, runtime.model
    everything = select_zones(atlas.zones)
    base = figures.base_map_figure(atlas, model, runtime.hovers)
    for number in figures.KALTIM_TRACES:
        assert not base["data"][number].get("lon"), number

    def lons(state: ViewState, drawn: dict) -> dict[int, list]:
        updates = figures.map_updates(atlas, model, runtime.hovers, state, everything, "offline", drawn)
        return {path[1]: value for path, value in updates.items() if path[0] == "data" and path[2] == "lon"}

    kaltim = ViewState(view="kaltim")
    opened = lons(kaltim, figures.BASE_DRAWN)
    assert all(len(opened[number]) > 0 for number in figures.KALTIM_TRACES)
    assert len(opened[figures.TRACE_RINGS]) > 100
    assert len(opened[figures.TRACE_PLACES]) == len(atlas.places) - 1  # IKN is a trace of its own
    wider = ViewState(view="kaltim", rings=(25.0,))
    assert set(lons(wider, figures.drawn_map(kaltim, "offline"))) == {
        figures.TRACE_RINGS,
        figures.TRACE_KALTIM_LABELS,
    }
    national = ViewState(rings=(25.0,))
    assert not set(lons(national, figures.drawn_map(kaltim, "offline"))) & set(figures.KALTIM_TRACES)


def test_selection_refocuses_the_camera(runtime):
    atlas = runtime.atlas
    state = ViewState(zone="galang_batang")
    mask = select_zones(atlas.zones)
    ops = patch_ops(
        figures.map_patch(
            figures.map_updates(
                atlas, runtime.model, runtime.hovers, state, mask, "online", figures.BASE_DRAWN
            )
        )
    )
    assert any(layer["type"] == "raster" for layer in ops["layout.map.style"]["layers"])
    center = ops["layout.map.center"]
    assert center["lon"] == pytest.approx(atlas.zones.at["galang_batang", "lon"], abs=0.05)
    assert ops["layout.map.zoom"] > 8


def test_export_map_is_self_contained(runtime):
    atlas = runtime.atlas
    state = ViewState(sector=("bauxite",))
    figure = figures.export_map_figure(
        atlas, runtime.model, runtime.hovers, state, state.selection(atlas.zones)
    ).to_plotly_json()
    sources = figure["layout"]["map"]["style"]["sources"]
    assert sources["provinces"]["data"]["type"] == "FeatureCollection"
    assert len(sources["footprints"]["data"]["features"]) == len(atlas.footprints)
    expected = figures.footprint_filter(state.selection(atlas.zones))
    layers = [
        layer for layer in figure["layout"]["map"]["style"]["layers"] if layer["id"].startswith("footprints")
    ]
    assert layers and all(layer["filter"][2] == expected for layer in layers)  # the PNG shows the filter


def test_investment_chart_is_sorted_and_only_reporting_zones(runtime):
    atlas = runtime.atlas
    figure = figures.investment_figure(atlas.zones, runtime.model, atlas.zones, ViewState())
    values = numbers(figure["data"][0]["x"])
    assert values == sorted(values)
    assert len(values) == atlas.zones["investment_idr_trillion"].notna().sum()
    assert figure["layout"]["separators"] == ",."


def test_investment_chart_margin_fits_every_name_and_an_empty_chart_centres_its_note(runtime):
    """The left margin is the same whichever zones are shown (room for every reporting zone's axis
    name); with no bars there are no names, and the note sits in the middle of the panel."""
    atlas = runtime.atlas
    every = figures.investment_figure(atlas.zones, runtime.model, atlas.zones, ViewState())["layout"]
    some = figures.investment_figure(atlas.zones, runtime.model, atlas.zones.iloc[:40], ViewState())["layout"]
    names = atlas.zones.loc[atlas.zones["investment_idr_trillion"].notna(), "name"]
    widest = max(figures.text_width(figures.short(name)) for name in names)
    assert every["margin"] == some["margin"] and every["margin"]["l"] > widest
    empty = figures.investment_figure(atlas.zones, runtime.model, atlas.zones.iloc[:0], ViewState())["layout"]
    assert empty["annotations"] and empty["margin"]["l"] == empty["margin"]["r"]


def test_national_chart_has_target_and_cumulative(runtime):
    figure = go.Figure(figures.national_figure(runtime.atlas, "en"))
    names = [trace.name for trace in figure.data]
    assert names == ["Annual", "Cumulative", "2024 target"]
    assert figure.data[2].y[0] == pytest.approx(78.1)


@pytest.mark.parametrize(
    "state",
    [ViewState(), ViewState(zone="galang_batang", color="kind", lang="en"), ViewState(sector=("no_such",))],
)
def test_chart_dicts_are_valid_figures_that_go_figure_sends_unchanged(runtime, state):
    """The dict charts skip go.Figure's validation: go.Figure accepts them (it raises on any invalid
    property) and sends exactly the same JSON, template and typed arrays included."""
    atlas = runtime.atlas
    shown = atlas.zones[state.selection(atlas.zones)]
    for figure in (
        figures.investment_figure(atlas.zones, runtime.model, shown, state),
        figures.national_figure(atlas, state.lang),
    ):
        assert json.loads(to_json_plotly(figure)) == json.loads(to_json_plotly(go.Figure(figure)))
        orjson.dumps(figure)  # plain JSON types only: Dash encodes it without plotly's slow cleaning pass


def test_sync_from_url_sets_every_control(runtime):
    out = filters.sync_state(
        runtime, None, "?view=kaltim&sector=bauxite&lang=en&rings=10,20", Controls(), None, None
    )
    state = out["state"]
    assert state["view"] == "kaltim" and state["sector"] == ["bauxite"] and state["lang"] == "en"
    assert out["search"] is no_update
    assert out["controls"] == {
        "view": "kaltim", "sector": ["bauxite"], "kind": [], "status": [], "province": [], "regency": [],
        "zone": None, "color": "sector", "basemap": "offline", "layers": [], "lang": "en", "rings": "10,20",
        "sites": ["ki_kariangau", "ki_buluminung", "maloy_batuta_trans_kalimantan"],
        "weights": [3.0, 1.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0], "facilities": [], "radius": DEFAULT_RADIUS_KM, "panel": "kaltim",
        "year": runtime.vocabulary.years[1],  # no year chosen: the slider rests at today
    }  # fmt: skip
    assert set(out["controls"]) == set(filters.CONTROLS)  # every control is set, by name


def test_sync_from_a_control_pushes_the_url(runtime):
    controls = Controls(
        "national", ["bauxite"], [], [], [], None, "sector", "offline", "id", "25,50,100", [], None
    )
    out = filters.sync_state(runtime, "sector-filter", "", controls, None, ViewState().as_dict())
    assert out["search"] == "?sector=bauxite"
    assert out["state"]["sector"] == ["bauxite"]
    assert all(
        value is no_update for name, value in out["controls"].items() if name not in ("weights", "panel")
    )


def test_a_map_relayout_makes_good_the_answer_it_superseded(runtime):
    """Dash keeps only the latest request of a callback: a relayout reported while an answer is on
    its way drops that answer, so the relayout's own request must carry what it dropped."""
    kaltim = filters.sync_state(runtime, "url", "?view=kaltim", Controls(), None, None)
    stored, shown = kaltim["state"], kaltim["controls"]
    # nothing was dropped: a resize changes nothing and sends nothing
    with pytest.raises(PreventUpdate):
        filters.sync_state(
            runtime, "map-camera", "?view=kaltim", Controls(**shown), {"autosize": True}, stored
        )
    # the switch back to the national view was dropped (the switch resized the map)
    back = Controls(**{**shown, "view": "national"})
    out = filters.sync_state(runtime, "map-camera", "?view=kaltim", back, {"autosize": True}, stored)
    assert out["state"]["view"] == "national" and out["search"] == ""
    assert out["controls"]["panel"] == "detail"  # the Kaltim tab closes as after the switch itself
    # ... and a camera reported from the Kaltim view is not kept: the map frames the nation
    moved = {"map.center": {"lon": 117.0, "lat": -1.0}, "map.zoom": 8}
    out = filters.sync_state(runtime, "map-camera", "?view=kaltim", back, moved, stored)
    assert (out["state"]["view"], out["state"]["zoom"], out["state"]["center"]) == ("national", None, None)
    # the answer to a back step (to bauxite) was dropped: the URL is loaded again, camera and all
    out = filters.sync_state(
        runtime, "map-camera", "?sector=bauxite&zoom=6", Controls(**shown), moved, stored
    )
    assert out["state"]["sector"] == ["bauxite"] and out["state"]["view"] == "national"
    assert out["state"]["zoom"] == 6 and out["state"]["apply_camera"]
    assert out["controls"]["sector"] == ["bauxite"] and out["controls"]["view"] == "national"
    # the page's first answer was dropped (no state yet): the URL is loaded
    out = filters.sync_state(runtime, "map-camera", "?view=kaltim", Controls(), {"autosize": True}, None)
    assert out["state"]["view"] == "kaltim" and out["controls"] == shown


def test_a_ring_entry_whose_answer_was_dropped_is_applied_or_refused_by_the_next_request(runtime):
    """The ring text is applied only when it is entered: a relayout whose request dropped that
    answer applies it (new rings), or says again why it cannot (the message under the box)."""
    kaltim = filters.sync_state(runtime, "url", "?view=kaltim", Controls(), None, None)
    stored, shown = kaltim["state"], kaltim["controls"]
    out = filters.sync_state(
        runtime,
        "map-camera",
        "?view=kaltim",
        Controls(**{**shown, "rings": "10, 20"}),
        {"autosize": True},
        stored,
    )
    assert out["state"]["rings"] == [10.0, 20.0] and "rings=10,20" in out["search"]
    assert out["ring_error"] is None
    entered = out["state"]
    out = filters.sync_state(
        runtime,
        "map-camera",
        out["search"],
        Controls(**{**shown, "rings": "ten"}),
        {"autosize": True},
        entered,
    )
    assert out["ring_error"] and out["state"]["rings"] == [10.0, 20.0]
    assert out["controls"]["rings"] is no_update  # the text stays, to be corrected


def test_a_button_click_whose_answer_was_dropped_is_applied_by_the_next_request(runtime):
    """Buttons count their clicks (n_clicks): a request that finds more clicks than the state has
    seen applies the missing ones, so a presentation toggle superseded by a map resize still lands."""
    loaded = filters.sync_state(runtime, "url", "", Controls(), None, None, {"presentation-toggle": 2})
    stored, shown = loaded["state"], Controls(**loaded["controls"])
    assert stored["seen"]["presentation-toggle"] == 2 and not stored["present"]
    # a resize after the third click (whose answer was dropped): presentation turns on
    out = filters.sync_state(
        runtime, "map-camera", "", shown, {"autosize": True}, stored, {"presentation-toggle": 3}
    )
    assert out["state"]["present"] and out["search"] == "?present=1"
    assert out["state"]["seen"]["presentation-toggle"] == 3
    # counted now: the next resize changes nothing
    with pytest.raises(PreventUpdate):
        filters.sync_state(
            runtime,
            "map-camera",
            "?present=1",
            shown,
            {"autosize": True},
            out["state"],
            {"presentation-toggle": 3},
        )
    # two clicks, the first answer dropped: the second request toggles twice (back to off)
    twice = filters.sync_state(
        runtime, "presentation-toggle", "?present=1", shown, None, out["state"], {"presentation-toggle": 5}
    )
    assert twice["state"]["present"]
    # a reset whose answer was dropped is applied by the next filter change
    bauxite = filters.sync_state(
        runtime,
        "sector-filter",
        "",
        Controls(**{**loaded["controls"], "sector": ["bauxite"]}),
        None,
        stored,
        {"presentation-toggle": 2},
    )
    assert bauxite["state"]["sector"] == ["bauxite"]
    cleared = filters.sync_state(
        runtime, "kind-filter", "?sector=bauxite", Controls(**{**loaded["controls"], "sector": ["bauxite"], "kind": ["KI"]}),
        None, bauxite["state"], {"presentation-toggle": 2, "filter-reset": 1},
    )  # fmt: skip
    assert cleared["state"]["sector"] == [] and cleared["state"]["kind"] == []


def test_panels_for_bauxite_show_galang_batang_not_sei_mangkei(runtime):
    out = panels.panel_outputs(runtime, ViewState(sector=("bauxite",)).as_dict())
    chart = out["chart"]
    assert "KEK Galang Batang" in chart["data"][0]["y"]
    assert "KEK Sei Mangkei" not in chart["data"][0]["y"]
    zones_card = out["kpis"]["kpi-zones"]
    assert zones_card[1]["props"]["children"] == str(
        (runtime.atlas.zones["sectors"].map(lambda s: "bauxite" in s)).sum()
    )


def test_kaltim_panel_shows_the_core_numbers(runtime):
    out = panels.panel_outputs(runtime, ViewState(view="kaltim").as_dict())
    assert out["kaltim_hidden"] is False
    table = json.dumps(out["tables"][0])
    for site in kaltim_analysis(runtime.atlas)["sites"]:
        assert site["name"] in table


def test_panels_send_only_the_parts_that_changed(runtime):
    first = panels.panel_outputs(runtime, ViewState().as_dict())

    def parts(out: dict) -> list:
        """Every part but the record, the KPI cards one by one."""
        return [
            *out["kpis"].values(),
            *(value for name, value in out.items() if name not in ("kpis", "drawn")),
        ]

    assert no_update not in parts(first)  # a new page gets every part
    drawn = first["drawn"]
    same = panels.panel_outputs(runtime, ViewState().as_dict(), drawn)
    assert all(part is no_update for part in parts(same)) and same["drawn"] == drawn
    filtered = panels.panel_outputs(runtime, ViewState(sector=("bauxite",)).as_dict(), drawn)
    assert no_update not in (
        *filtered["kpis"].values(),
        filtered["chart"],
        filtered["note"],
        filtered["legend"],
    )
    assert filtered["detail"] is no_update and filtered["kaltim_hidden"] is no_update
    assert filtered["tables"] is no_update
    english = panels.panel_outputs(
        runtime, ViewState(sector=("bauxite",), lang="en").as_dict(), filtered["drawn"]
    )
    assert english["kaltim_hidden"] is no_update and english["tables"] is no_update  # still hidden
    assert "Pick a zone" in json.dumps(english["detail"])  # the detail's placeholder speaks English now


def test_a_chart_the_browser_drew_from_this_index_is_not_sent_again_one_from_another_is(runtime):
    """assets/filter.js writes the chart's key and its index's URL into 'panels-applied' when it
    draws the chart: the server then leaves that chart, unless the index is not this runtime's or
    the server's state differs (the server stays the authority)."""
    first = panels.panel_outputs(runtime, ViewState().as_dict())["drawn"]
    bauxite = ViewState(sector=("bauxite",))
    by_browser = {**first, "chart": panels.chart_key(bauxite), "chart_index": index_url(runtime)}
    out = panels.panel_outputs(runtime, bauxite.as_dict(), by_browser)
    assert out["chart"] is no_update and out["drawn"]["chart"] == by_browser["chart"]
    assert "chart_index" not in out["drawn"]  # the record is the server's again
    stale = {**by_browser, "chart_index": index_url(runtime) + "-older"}
    assert panels.panel_outputs(runtime, bauxite.as_dict(), stale)["chart"] is not no_update
    english = panels.panel_outputs(runtime, with_changes(bauxite, lang="en").as_dict(), by_browser)
    assert english["chart"] is not no_update


def test_language_outputs_cover_every_text(runtime):
    english = language.language_outputs(runtime, "en")
    indonesian = language.language_outputs(runtime, "xx")  # unknown falls back to Indonesian
    assert english["texts"]["label-sector"] == "Sector" and indonesian["texts"]["label-sector"] == "Sektor"
    assert set(english["texts"]) == set(language.TEXTS) >= set(widgets.TEXT_ELEMENTS)  # by element id
    assert english["placeholders"]["zone-search"] != indonesian["placeholders"]["zone-search"]
    assert english["lang"] == "en" and indonesian["lang"] == "id"
    assert english["labels"]["sector-filter"]["select_all"] == "Select all"
    assert indonesian["labels"]["zone-search"]["selected_count"] == "{num_selected} dipilih"  # Dash fills it


def test_sync_from_a_weight_returns_a_list_for_the_wildcard_output(runtime):
    controls = Controls(
        "kaltim", [], [], [], [], [], None, "sector", "offline", [], "id", "25,50,100",
        ["ki_kariangau", "ki_buluminung"], [0, 1, 2, 1, 10, 1, 1, 1],
    )  # fmt: skip
    out = filters.sync_state(
        runtime, "weights", "?view=kaltim", controls, None, ViewState(view="kaltim").as_dict()
    )
    assert out["search"] == "?view=kaltim&sites=ki_kariangau,ki_buluminung&weights=0,1,2,1,10,1,1,1"
    assert isinstance(out["controls"]["weights"], list)  # the wildcard output needs a list


def test_zone_table_renders_only_while_open(runtime):
    stored = ViewState(sector=("palm_oil",)).as_dict()
    assert table.zone_table_outputs(runtime, stored, False) == []
    rendered = table.zone_table_outputs(runtime, stored, True)[0]
    rows = rendered.children[1].children
    assert len(rows) == int(runtime.atlas.zones["sectors"].map(lambda s: "palm_oil" in s).sum())


def test_investment_chart_keeps_the_largest_bars_and_the_selected_zone(runtime, monkeypatch):
    atlas = runtime.atlas
    monkeypatch.setattr(figures, "CHART_BARS", 5)
    reported = atlas.zones["investment_idr_trillion"].dropna().sort_values()
    largest = list(atlas.zones.loc[reported.index[-5:], "name"])
    bar = figures.investment_figure(atlas.zones, runtime.model, atlas.zones, ViewState())["data"][0]
    assert list(bar["y"]) == largest
    small = reported.index[0]
    bar = figures.investment_figure(atlas.zones, runtime.model, atlas.zones, ViewState(zone=small))["data"][0]
    assert list(bar["y"]) == [atlas.zones.at[small, "name"], *largest[1:]]
    assert bar["customdata"][0] == small and bar["marker"]["line"]["width"][0] == 3


def test_investment_note_says_when_the_chart_shows_only_the_largest(runtime):
    summary = summarize(runtime.atlas.zones)
    reporting = summary.investment_idr_trillion.reporting
    assert "terbesar" not in panels.investment_note(summary, "id", reporting)
    assert panels.investment_note(summary, "en", reporting - 1).endswith(
        f"the chart shows the {reporting - 1} largest"
    )


def test_national_sources_link_web_sources_and_keep_citations_as_text(atlas):
    children = panels.national_sources(atlas, "en")
    links = [c for c in children if hasattr(c, "href")]
    texts = [c for c in children if isinstance(c, str)]
    assert links and all(link.href.startswith(("http://", "https://")) for link in links)
    citations = {s for row in atlas.national["sources"] for s in row if not s.startswith("http")}
    shown = {s for s in citations if s in texts}
    # the seed article has no web address: it is cited as text, not as a link to its own title
    assert shown, "a printed citation behind the chart is shown as text"


def test_regency_layer_is_in_the_style_only_when_switched_on(runtime):
    atlas, model = runtime.atlas, runtime.model
    everything = select_zones(atlas.zones)
    base = figures.base_map_figure(atlas, model, runtime.hovers)["layout"]["map"]["style"]
    assert "regencies" not in base["sources"]  # the 1.4 MB document is not fetched by default
    # the whole-country provinces and land; assets/map-footprints.js swaps in the detailed ones
    assert base["sources"]["provinces"]["data"] == figures.PROVINCES_NATIONAL_URL
    assert base["sources"]["neighbours"]["data"] == figures.LAND_NATIONAL_URL
    meta = figures.base_map_figure(atlas, model, runtime.hovers)["layout"]["meta"]
    assert meta["details"] == {"provinces": figures.PROVINCES_URL, "neighbours": figures.LAND_URL}
    assert figures.NATIONAL_VIEW["zoom"] < meta["details_zoom"]  # the first screen never needs them
    on = ViewState(layers=("regencies",))
    ops = patch_ops(
        figures.map_patch(
            figures.map_updates(atlas, model, runtime.hovers, on, everything, "offline", figures.BASE_DRAWN)
        )
    )
    assert set(ops) == {"layout.map.style"}  # a toggle restyles; no zone array is resent
    style = ops["layout.map.style"]
    assert style["sources"]["regencies"] == {"type": "geojson", "data": figures.REGENCIES_URL}
    ids = [layer["id"] for layer in style["layers"]]
    assert ids.index("regency-lines") < ids.index("province-lines")  # province lines stay on top
    regency, province = (
        next(x for x in style["layers"] if x["id"] == i) for i in ("regency-lines", "province-lines")
    )
    assert regency["paint"]["line-color"] == province["paint"]["line-color"]
    assert regency["paint"]["line-width"] < province["paint"]["line-width"]


def test_regency_filter_blanks_the_other_zones_and_the_export_draws_regencies_inline(runtime):
    atlas = runtime.atlas
    state = ViewState(regency=("64.71",), layers=("regencies",))
    mask = state.selection(atlas.zones)
    assert set(atlas.zones.index[mask]) == set(atlas.zones.index[atlas.zones["regency_code"] == "64.71"])
    ops = patch_ops(
        figures.map_patch(
            figures.map_updates(
                atlas, runtime.model, runtime.hovers, state, mask, "offline", figures.BASE_DRAWN
            )
        )
    )
    assert f"data.{figures.TRACE_ZONES}.lon" not in ops  # the live map hides by feature state
    figure = figures.export_map_figure(atlas, runtime.model, runtime.hovers, state, mask).to_plotly_json()
    # an export is drawn by plain plotly.js (no feature state): its hidden zones have no longitude
    for trace in (figures.TRACE_ZONES, figures.TRACE_HALO):
        assert [x is not None for x in figure["data"][trace]["lon"]] == mask.tolist()
    sources = figure["layout"]["map"]["style"]["sources"]
    assert len(sources["regencies"]["data"]["features"]) == 514


def test_regency_options_hold_zones_and_narrow_to_the_chosen_provinces(runtime):
    atlas = runtime.atlas
    every = filters.regency_options(atlas)
    assert {o["value"] for o in every} == set(atlas.zones["regency_code"])
    assert [o["label"] for o in every] == sorted(o["label"] for o in every)
    kaltim = filters.regency_options(atlas, ["kalimantan_timur"])
    codes = {o["value"] for o in kaltim}
    assert codes and all(code.startswith("64.") for code in codes)
    assert {"label": "Kota Balikpapan", "value": "64.71"} in kaltim
    assert set(runtime.vocabulary.regencies) == {o["value"] for o in every}


def test_province_filter_lists_all_38_provinces(runtime):
    options = language.option_sets(runtime.atlas, "id")["province-filter"]
    assert len(options) == 38 and {o["value"] for o in options} == set(runtime.vocabulary.provinces)


def test_choosing_a_province_drops_chosen_regencies_elsewhere(runtime):
    previous = ViewState(regency=("64.71",))
    controls = Controls(province=["bali"], regency=["64.71"])
    out = filters.sync_state(runtime, "province-filter", "?regency=64.71", controls, None, previous.as_dict())
    assert out["state"]["province"] == ["bali"] and out["state"]["regency"] == []
    assert out["controls"]["regency"] == []  # the dropdown is cleared


def test_basemap_documents_are_served_gzipped_with_an_etag(tmp_path, monkeypatch):
    from dashboard.factory import create_app

    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path))
    client = create_app().server.test_client()
    for url, features in (
        (figures.REGENCIES_URL, 514),
        (figures.PROVINCES_URL, 38),
        (figures.PROVINCES_NATIONAL_URL, 38),
        (figures.LAND_URL, 1),
        (figures.LAND_NATIONAL_URL, 1),
    ):
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
        assert len(json.loads(gzip.decompress(response.data))["features"]) == features
        again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304


def test_exports_describe_the_regency_filter_by_name(runtime):
    from dashboard.exports import describe_filters

    text = describe_filters(runtime, ViewState(regency=("64.71",), lang="en"))
    assert text == "Regency/city: Kota Balikpapan"


def test_long_zone_names_are_shortened_on_the_chart_axis_only(runtime):
    state = ViewState(lang="en")
    atlas = runtime.atlas
    chart = figures.investment_figure(
        atlas.zones, runtime.model, atlas.zones[state.selection(atlas.zones)], state
    )
    bar, axis = chart["data"][0], chart["layout"]["yaxis"]
    assert list(axis["tickvals"]) == list(bar["y"])  # whole names: clicks and hovers find the zone
    assert all(len(text) <= 20 for text in axis["ticktext"])
    assert any(text.endswith("…") for text in axis["ticktext"])  # "KEK Kendal (Kendal Industrial Park)"
    assert figures.short("KEK Kendal (Kendal Industrial Park)") == "KEK Kendal (Kendal…"
    assert figures.short("KEK Gresik (JIIPE)") == "KEK Gresik (JIIPE)"
    amounts = np.frombuffer(base64.b64decode(bar["x"]["bdata"]), dtype="f8")
    assert bar["textposition"] == "outside" and chart["layout"]["xaxis"]["range"][1] == max(amounts)
    widest = max(figures.text_width(text) for text in bar["text"])
    assert chart["layout"]["margin"]["r"] > widest  # the largest amount fits right of its bar
