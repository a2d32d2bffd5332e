"""The time slider (URL ``year``): which zones stand in a year, the URL round trip, the reducer, the
panels and exports that follow it, and the national series cut at the year. Counts are checked
against zones.csv and national.csv read with the csv module, not through the code under test."""

from __future__ import annotations

import csv
import logging
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest
from dash import no_update

from dashboard import figures
from dashboard.exports import describe_filters, screen_figure, table_export
from dashboard.features import filters, mapview, panels, table
from dashboard.features.timebar import MARK_GAP, year_marks, year_outputs
from dashboard.figures import national_figure
from dashboard.reducer import Controls, apply_controls
from dashboard.runtime import build_runtime
from dashboard.state import ViewState, from_query, to_query, without_screen
from geodata.national import period_end, up_to
from geodata.ogc import atlas_collections, collection_document, parse_items_query, select
from geodata.query import select_zones, standing_in, unknown_year, year_span

DATA = Path(__file__).resolve().parent.parent / "geodata" / "data"


def csv_rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


ZONES = csv_rows("zones.csv")


def standing_ids(year: int, kind: str | None = None) -> set[str]:
    """Independently: the ids of zones.csv whose ``established`` is a year <= ``year``."""
    return {
        row["id"]
        for row in ZONES
        if row["established"].strip() and int(row["established"]) <= year and kind in (None, row["kind"])
    }


@pytest.fixture(scope="module")
def runtime(atlas):
    return build_runtime(atlas)


# --- core -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [1973, 1990, 2015, 2019, 2025])
def test_zones_standing_in_a_year_are_those_established_by_then(atlas, year):
    mask = select_zones(atlas.zones, year=year)
    assert set(atlas.zones.index[mask]) == standing_ids(year)


def test_2015_shows_the_independent_count_and_combines_with_other_filters(atlas):
    assert int(select_zones(atlas.zones, year=2015).sum()) == len(standing_ids(2015))
    mask = select_zones(atlas.zones, kinds=["KEK"], year=2015)
    assert set(atlas.zones.index[mask]) == standing_ids(2015, "KEK")
    assert 0 < int(mask.sum()) < len(standing_ids(2015))


def test_zones_of_unknown_year_never_stand_and_are_counted(atlas):
    unknown = {row["id"] for row in ZONES if not row["established"].strip()}
    assert unknown_year(atlas.zones) == len(unknown) > 0
    standing_today = set(atlas.zones.index[standing_in(atlas.zones, date.today().year)])
    assert standing_today.isdisjoint(unknown)
    assert len(standing_today) + len(unknown) == len(ZONES)  # no year chosen: every zone
    assert int(select_zones(atlas.zones).sum()) == len(ZONES)


def test_the_year_span_runs_from_the_first_establishment_to_this_year(atlas):
    first = min(int(row["established"]) for row in ZONES if row["established"].strip())
    assert year_span(atlas.zones, date(2030, 5, 1)) == (first, 2030)
    assert year_span(atlas.zones.iloc[0:0], date(2030, 5, 1)) == (2030, 2030)  # no year known


def test_the_national_series_up_to_a_year_is_what_ended_by_then(atlas):
    rows = csv_rows("national.csv")
    for year in (2016, 2022, 2024):
        expected = sum(1 for row in rows if period_end(row["period"]) <= date(year, 12, 31))
        assert len(up_to(atlas.national, year)) == expected
    assert len(up_to(atlas.national, 2016)) < len(up_to(atlas.national, 2024)) < len(rows)


# --- URL state ------------------------------------------------------------------------------------


def test_year_round_trips_through_the_url_and_saved_views_keep_it(runtime):
    state, dropped = from_query("?kind=KEK&year=2019", runtime.vocabulary)
    assert (state.year, dropped) == (2019, [])
    assert to_query(state) == "?kind=KEK&year=2019"
    assert from_query(to_query(state), runtime.vocabulary)[0] == state
    assert from_query("", runtime.vocabulary)[0].year is None  # absent: today, every zone
    assert without_screen("?year=2019&zoom=5&present=1") == "?year=2019"  # a view, not the screen
    assert ViewState.from_dict(state.as_dict(), runtime.vocabulary).year == 2019


@pytest.mark.parametrize(
    "value", ["abc", "1800", "2019.5", "2019.0", "3000", "nan", "inf", "-2019", "2e3", "٢٠١٥"]
)
def test_a_bad_year_is_dropped_and_reported(runtime, value):
    state, dropped = from_query(f"?year={value}&kind=KI", runtime.vocabulary)
    assert state.year is None and state.kind == ("KI",)
    assert dropped == [f"year={value!r}"]


@pytest.mark.parametrize("value", [2019.0, True, "0" * 5000 + "2019", [2019], {"y": 2019}])
def test_a_browser_store_cannot_slip_a_year_in(runtime, value):
    assert ViewState.from_dict({"year": value}, runtime.vocabulary).year is None


def test_the_bounds_of_the_year_come_from_the_data(runtime):
    first, last = runtime.vocabulary.years
    assert from_query(f"?year={first}", runtime.vocabulary)[0].year == first
    assert from_query(f"?year={last}", runtime.vocabulary)[0].year == last == date.today().year
    assert from_query(f"?year={first - 1}", runtime.vocabulary)[0].year is None
    assert from_query(f"?year={last + 1}", runtime.vocabulary)[0].year is None


def test_a_bad_year_in_the_url_is_logged_and_the_slider_rests_at_today(runtime, caplog):
    with caplog.at_level(logging.WARNING):
        out = filters.sync_state(runtime, "url", "?year=1066", Controls(), None, None)
    assert "year='1066'" in caplog.text
    assert out["state"]["year"] is None
    assert out["controls"]["year"] == date.today().year
    out = filters.sync_state(runtime, "url", "?year=2015", Controls(), None, None)
    assert out["controls"]["year"] == 2015 and out["state"]["year"] == 2015


# --- the reducer ----------------------------------------------------------------------------------


def test_the_slider_sets_the_year_and_other_controls_keep_it(runtime):
    vocabulary = runtime.vocabulary
    state, _ = apply_controls(ViewState(), Controls(year=2016), "year-slider", None, vocabulary)
    assert state.year == 2016
    # another control: the slider's value (which may be its resting place) is not read
    kept, _ = apply_controls(state, Controls(kind=["KI"], year=2026), "kind-filter", None, vocabulary)
    assert (kept.year, kept.kind) == (2016, ("KI",))
    cleared, _ = apply_controls(kept, Controls(kind=["KI"], year=2016), "year-clear", None, vocabulary)
    assert cleared.year is None and cleared.kind == ("KI",)
    reset, _ = apply_controls(kept, Controls(kind=["KI"], year=2016), "filter-reset", None, vocabulary)
    assert reset.year is None and reset.kind == ()


def test_a_slider_move_pushes_the_year_to_the_url(runtime):
    controls = Controls(view="national", lang="id", rings="25,50,100", year=2019)
    out = filters.sync_state(runtime, "year-slider", "", controls, None, ViewState().as_dict())
    assert out["search"] == "?year=2019" and out["state"]["year"] == 2019


# --- panels, exports, the national chart ---------------------------------------------------------


def test_the_kpi_card_counts_the_standing_zones_and_names_the_hidden(runtime):
    out = panels.panel_outputs(runtime, ViewState(year=2015, lang="en").as_dict())
    card = out["kpis"]["kpi-zones"]
    assert card[1]["props"]["children"] == str(len(standing_ids(2015)))
    unknown = sum(1 for row in ZONES if not row["established"].strip())
    assert f"{unknown} zones without a known year are hidden" in card[2]["props"]["children"]
    assert panels.hidden_by_year(runtime, ViewState(kind=("KEK",), year=2015)) == sum(
        1 for row in ZONES if row["kind"] == "KEK" and not row["established"].strip()
    )
    assert panels.hidden_by_year(runtime, ViewState()) == 0
    today = panels.panel_outputs(runtime, ViewState(lang="en").as_dict())["kpis"]["kpi-zones"]
    assert today[1]["props"]["children"] == str(len(ZONES)) and "hidden" not in today[2]["props"]["children"]


def test_the_zone_table_and_csv_follow_the_year(runtime):
    stored = ViewState(year=2015).as_dict()
    rows = table.zone_table_outputs(runtime, stored, True)[0].children[1].children
    assert len(rows) == len(standing_ids(2015))
    exported = table_export(runtime, ViewState(year=2015), "?year=2015", "csv")
    assert "-2015-" in exported.filename
    lines = list(csv.reader(exported.content.decode("utf-8-sig").splitlines()))
    assert len(lines) - 1 == len(standing_ids(2015))


def test_exports_of_a_year_view_say_the_year(runtime):
    state = ViewState(year=2015, lang="en")
    assert describe_filters(runtime, state).startswith("Year: up to 2015")
    assert "2015" not in describe_filters(runtime, ViewState(lang="en"))
    chart = screen_figure(runtime, state, "national", None)
    assert chart.layout.title.text.endswith("2015")


def test_the_national_chart_stops_at_the_year(atlas):
    full = national_figure(atlas, "en")
    cut = national_figure(atlas, "en", 2023)
    end = "2023-12-31T00:00:00"
    shown = [str(x) for trace in cut["data"] for x in trace["x"]]
    assert shown and all(x <= end for x in shown)
    assert len(shown) < sum(len(trace["x"]) for trace in full["data"])
    assert cut["layout"]["shapes"][0]["x0"] == end
    assert cut["layout"]["xaxis"]["range"][1] > max(str(x) for t in full["data"] for x in t["x"])
    cumulative = [
        row
        for row in csv_rows("national.csv")
        if (row["metric"], row["period_type"], row["unit"], row["zone_id"])
        == ("investment_realized", "cumulative", "IDR trillion", "")
        and period_end(row["period"]) <= date(2023, 12, 31)
    ]
    latest = max(cumulative, key=lambda row: period_end(row["period"]))
    assert cut["layout"]["annotations"][0]["text"] == (
        f"up to 2023: IDR {float(latest['value']):.1f} T cumulative ({latest['period']})"
    )
    early = national_figure(atlas, "en", 1990)
    assert not any(trace["x"] for trace in early["data"])
    assert early["layout"]["annotations"][0]["text"] == "No national figures up to 1990"


def test_the_year_display_and_the_clear_button(runtime):
    shown = year_outputs(runtime, {"year": 2015, "lang": "en"})
    assert (shown["value"], shown["badge"], shown["clear"]) == ("2015", "2015", False)
    unknown = sum(1 for row in ZONES if not row["established"].strip())
    assert f"{unknown} zones without a known year" in shown["note"] and "facilities" in shown["note"]
    today = year_outputs(runtime, {"year": None, "lang": "id"})
    assert (today["value"], today["badge"], today["clear"]) == ("Semua tahun", "", True)
    assert year_outputs(runtime, {"year": True})["badge"] == ""  # not a year
    # the national chart only while its tab is open (opening it asks again)
    assert (
        today["national"]["data"] and year_outputs(runtime, {"year": None}, "detail")["national"] is no_update
    )


def test_slider_marks_keep_their_distance_and_show_both_ends():
    marks = sorted(year_marks(1973, 2026))
    assert marks[0] == 1973 and marks[-1] == 2026 and len(marks) >= 3
    assert all(b - a >= MARK_GAP for a, b in pairwise(marks))


def test_the_map_hides_the_zones_a_year_hides_and_the_facilities_stay(runtime):
    figure, drawn, footprints = mapview.map_outputs(
        runtime, ViewState(year=2015, facilities=True).as_dict(), "offline", None
    )
    # the page hides the zones' points and footprints by feature state from the footprints' filter
    shown = {runtime.model.zone_ids[i] for i in footprints[2]}
    assert shown == standing_ids(2015) and drawn["year"] == 2015
    # one year on: only the labels' longitudes change (no style, no facilities), the footprints refilter
    figure, _, footprints = mapview.map_outputs(
        runtime, ViewState(year=2016, facilities=True).as_dict(), "offline", drawn
    )
    locations = {tuple(op["location"]) for op in figure["operations"]}
    assert ("data", figures.TRACE_ZONE_LABELS, "lon") in locations
    assert ("data", figures.TRACE_ZONES, "lon") not in locations
    assert ("layout", "map", "style") not in locations
    assert not any(loc[:2] == ("data", figures.TRACE_FACILITIES) for loc in locations)
    assert footprints is not no_update


# --- OGC API: datetime selects the zones standing then ----------------------------------------------


@pytest.fixture(scope="module")
def collections(atlas):
    return atlas_collections(atlas)


def items(collection, **params) -> set[str]:
    query = parse_items_query(collection, {k: [str(v)] for k, v in {"limit": 10000, **params}.items()})
    return {str(collection.features[i]["id"]) for i in select(collection, query)}


def test_ogc_datetime_selects_the_zones_standing_by_its_end(collections):
    zones = collections["zones"]
    assert items(zones, datetime="2015-06-30T00:00:00Z") == standing_ids(2015)
    assert items(zones, datetime="2000-01-01T00:00:00Z/2015-12-31T23:59:59Z") == standing_ids(2015)
    assert items(zones, datetime="../2019-12-31") == standing_ids(2019)
    known = standing_ids(date.today().year)
    assert items(zones, datetime="2019-01-01T00:00:00Z/..") == known  # open end: every zone of known year
    assert len(items(zones)) == len(ZONES)  # no datetime: every zone, unknown years too
    assert items(zones, datetime="2015-06-30T00:00:00Z", kind="KEK") == standing_ids(2015, "KEK")
    places = collections["places"]
    assert items(places, datetime="1990-01-01T00:00:00Z") == items(places)  # no time: every feature


def test_ogc_zones_say_their_time_extent(collections):
    first = min(int(row["established"]) for row in ZONES if row["established"].strip())
    document = collection_document(collections["zones"], "http://x/ogc")
    assert document["extent"]["temporal"] == {"interval": [[f"{first}-01-01T00:00:00Z", None]]}
    assert "temporal" not in collection_document(collections["places"], "http://x/ogc").get("extent", {})


def test_over_http_the_csv_export_and_the_ogc_zones_follow_the_year(tmp_path, monkeypatch):
    from dashboard.factory import create_app

    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path))
    client = create_app().server.test_client()
    response = client.get("/export/csv?year=2015&kind=KEK")
    assert response.status_code == 200 and "atlas-kawasan-2015-" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(response.get_data(as_text=True).lstrip("\ufeff").splitlines()))
    assert len(rows) == len(standing_ids(2015, "KEK"))
    page = client.get("/ogc/collections/zones/items?datetime=2015-12-31T00:00:00Z&limit=1000").get_json()
    assert page["numberMatched"] == len(standing_ids(2015))
    assert {f["id"] for f in page["features"]} == standing_ids(2015)
    assert client.get("/ogc/collections/zones/items?datetime=the%20nineties").status_code == 400
