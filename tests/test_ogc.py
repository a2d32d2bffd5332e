"""OGC API - Features at /ogc: the core's parameter checks, paging and filters on the shipped atlas,
the Flask routes' negotiation, errors and headers, and real clients (OWSLib, GDAL's OAPIF driver)
against a running server, as QGIS would read it."""

from __future__ import annotations

import dataclasses
import gzip
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from geodata import Atlas
from geodata.import_plan import apply_import, plan_import
from geodata.importer import OFFLINE_GDAL
from geodata.ogc import (
    DEFAULT_LIMIT,
    EXTRA_LAYERS,
    ITEM_PARAMETERS,
    MAX_LIMIT,
    ApiError,
    ItemsQuery,
    atlas_collections,
    item_document,
    items_document,
    openapi_document,
    parse_bbox,
    parse_items_query,
    select,
)
from geodata.schema import ZONE_COLUMNS
from geodata.store import LayerInfo, Store
from tests.browser.harness import running_server

BASE = "http://example.test/ogc"
KALTIM = (115.0, -2.0, 118.0, 1.0)


@pytest.fixture(scope="module")
def collections(atlas):
    return atlas_collections(atlas)


def refused(call, *args) -> ApiError:
    with pytest.raises(ApiError) as caught:
        call(*args)
    return caught.value


def query(collection, **params) -> ItemsQuery:
    return parse_items_query(collection, {k: [str(v)] for k, v in params.items()})


def ids(document) -> list:
    return [f["id"] for f in document["features"]]


# --- the core: parameters -------------------------------------------------------------------------


def test_bbox_is_four_lon_lat_numbers():
    assert parse_bbox("115,-2,118.5,1") == (115.0, -2.0, 118.5, 1.0)
    for text, says in [
        ("115,-2,118", "4 numbers"),
        ("115,-2,118,1,x", "4 numbers"),
        ("a,b,c,d", "4 numbers"),
        ("115,-2,nan,1", "4 numbers"),
        ("115,-2,inf,1", "4 numbers"),
        ("115,-2,0,118,1,100", "2D"),
        ("115,-95,118,1", "outside"),
        ("115,-2,190,1", "outside"),
        ("115,1,118,-2", "min lat"),
        ("118,-2,115,1", "antimeridian"),
    ]:
        error = refused(parse_bbox, text)
        assert (error.status, error.code) == (400, "InvalidParameterValue") and says in error.message, text


def test_limit_offset_and_unknown_parameters(collections):
    zones = collections["zones"]
    assert query(zones) == ItemsQuery(None, DEFAULT_LIMIT, 0, ())
    assert query(zones, limit=MAX_LIMIT * 3).limit == MAX_LIMIT  # the standard: the maximum, not an error
    assert query(zones, limit=7, offset=3) == ItemsQuery(None, 7, 3, ())
    for params, says in [
        ({"limit": 0}, "limit"),
        ({"limit": -5}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": "1.5"}, "offset"),
        ({"offset": "9" * 5000}, "15 digits"),
        ({"limit": "5\n"}, "limit"),
        ({"colour": "red"}, "unknown parameter colour"),
        ({"area_ha": "large"}, "area_ha is a number"),
        ({"datetime": "last week"}, "datetime"),
    ]:
        error = refused(lambda p=params: query(zones, **p))
        assert error.status == 400 and says in error.message, params
    repeated = refused(parse_items_query, zones, {"kind": ["KEK", "KI"]})
    assert "more than once" in repeated.message
    assert query(zones, datetime="2024-01-01T00:00:00Z/..").filters == ()  # a time, not a property filter


def test_unknown_parameter_message_lists_what_is_accepted(collections):
    message = refused(lambda: query(collections["places"], provinsi="Bali")).message
    for name in (*ITEM_PARAMETERS, *collections["places"].types):
        assert name in message


# --- the core: selection and paging on the shipped atlas ------------------------------------------


def test_property_filters_match_the_atlas(atlas, collections):
    zones = collections["zones"]
    for kind in ("KEK", "KI"):
        selected = [zones.features[i]["id"] for i in select(zones, query(zones, kind=kind))]
        assert selected == list(atlas.zones.index[atlas.zones["kind"] == kind]) and selected
    sector = atlas.zones["sectors"].iloc[0][-1]
    with_sector = [z for z, tags in atlas.zones["sectors"].items() if sector in tags]
    assert [zones.features[i]["id"] for i in select(zones, query(zones, sectors=sector))] == with_sector
    area = atlas.zones["area_ha"].dropna().iloc[0]
    expected = list(atlas.zones.index[atlas.zones["area_ha"] == area])
    assert [
        zones.features[i]["id"] for i in select(zones, query(zones, area_ha=str(float(area))))
    ] == expected
    both = select(zones, query(zones, kind="KI", province="Kalimantan Timur"))
    truth = atlas.zones[(atlas.zones["kind"] == "KI") & (atlas.zones["province"] == "Kalimantan Timur")]
    assert [zones.features[i]["id"] for i in both] == list(truth.index) and len(truth)
    assert select(zones, query(zones, kind="kek")) == []  # values are compared exactly
    part = sector[:-1]  # a list item matches whole, never as a piece of another item
    exact = [z for z, tags in atlas.zones["sectors"].items() if part in tags]
    assert [zones.features[i]["id"] for i in select(zones, query(zones, sectors=part))] == exact


def test_bbox_selects_what_intersects_it(atlas, collections):
    zones, footprints = collections["zones"], collections["footprints"]
    inside = atlas.zones.cx[KALTIM[0] : KALTIM[2], KALTIM[1] : KALTIM[3]]
    selected = [zones.features[i]["id"] for i in select(zones, query(zones, bbox="115,-2,118,1"))]
    assert selected == list(inside.index) and 0 < len(selected) < len(atlas.zones)
    # a box on the edge of a footprint, away from its zone's point: the polygon is found, the point not
    zone_id = atlas.footprints.index[0]
    ring = atlas.footprints.geometry.iloc[0].exterior
    corner = ring.coords[len(ring.coords) // 4]
    edge = f"{corner[0] - 1e-4},{corner[1] - 1e-4},{corner[0] + 1e-4},{corner[1] + 1e-4}"
    assert zone_id in [footprints.features[i]["id"] for i in select(footprints, query(footprints, bbox=edge))]
    assert zone_id not in [zones.features[i]["id"] for i in select(zones, query(zones, bbox=edge))]


def test_pages_cover_every_match_once_with_next_and_prev_links(atlas, collections):
    zones = collections["zones"]
    total, limit = len(atlas.zones), 7
    pages, offset = [], 0
    while True:
        args = {"limit": str(limit), **({"offset": str(offset)} if offset else {})}
        page = items_document(zones, query(zones, **args), BASE, args)
        links = {link["rel"]: link["href"] for link in page["links"]}
        assert page["numberMatched"] == total
        assert page["numberReturned"] == len(page["features"]) == min(limit, total - offset)
        assert ("prev" in links) == (offset > 0)
        pages.append(ids(page))
        if "next" not in links:
            break
        assert links["next"] == f"{BASE}/collections/zones/items?limit={limit}&offset={offset + limit}"
        offset += limit
    assert [zone for page in pages for zone in page] == list(atlas.zones.index)
    assert len(pages) == -(-total // limit)
    whole = items_document(zones, query(zones, limit=total), BASE, {"limit": str(total)})
    assert whole["numberReturned"] == total and {link["rel"] for link in whole["links"]} == {
        "self",
        "collection",
    }
    beyond = items_document(zones, query(zones, offset=total + 5), BASE, {"offset": str(total + 5)})
    assert beyond["numberReturned"] == 0 and beyond["numberMatched"] == total
    assert {link["rel"] for link in beyond["links"]} == {"self", "collection", "prev"}


def test_links_keep_the_filters_and_serve_an_oversized_limit_as_the_maximum(collections):
    zones = collections["zones"]
    args = {"kind": "KEK", "limit": "1", "offset": "1"}
    page = items_document(zones, query(zones, **args), BASE, args)
    links = {link["rel"]: link["href"] for link in page["links"]}
    assert links["self"] == f"{BASE}/collections/zones/items?kind=KEK&limit=1&offset=1"
    assert links["prev"] == f"{BASE}/collections/zones/items?kind=KEK&limit=1"
    assert links["next"] == f"{BASE}/collections/zones/items?kind=KEK&limit=1&offset=2"
    huge = {"limit": str(MAX_LIMIT + 1)}
    assert f"limit={MAX_LIMIT}" in items_document(zones, query(zones, **huge), BASE, huge)["links"][0]["href"]


# --- the core: what the features carry -----------------------------------------------------------


def test_zones_carry_every_public_attribute(atlas, collections):
    zones = collections["zones"]
    assert [f["id"] for f in zones.features] == list(atlas.zones.index)
    names = {c.name for c in ZONE_COLUMNS} | {"primary_sector", "boundary", "measured_area_ha"}
    for feature, (_, zone) in zip(zones.features, atlas.zones.iterrows(), strict=True):
        properties = feature["properties"]
        assert names <= set(properties), names - set(properties)
        assert feature["geometry"] == {"type": "Point", "coordinates": [zone["lon"], zone["lat"]]}
        assert properties["sources"] == ";".join(zone["sources"]) and properties["as_of"] == zone["as_of"]
        assert properties["sectors"].split(";") == list(zone["sectors"])
        workforce = properties["workforce"]
        if pd.notna(zone["workforce"]):  # a whole number in the JSON, not 2100.0
            assert type(workforce) is int and workforce == zone["workforce"]
    assert zones.types["workforce"] == zones.types["established"] == "integer"
    json.dumps([f for f in zones.features], allow_nan=False)  # no NaN: strict JSON for every client


def test_footprints_say_when_they_are_indicative_circles(atlas, collections):
    footprints = collections["footprints"]
    assert [f["id"] for f in footprints.features] == list(atlas.footprints.index)
    kinds = {f["properties"]["boundary"] for f in footprints.features}
    assert kinds == {
        "official",
        "indicative",
    }  # the shipped data: 25 official KEK boundaries, circles elsewhere
    for feature in footprints.features:
        properties = feature["properties"]
        assert properties["name"] == atlas.zones.at[feature["id"], "name"]
        if properties["boundary"] == "indicative":
            assert properties["footprint_note"].startswith("circle of the official")
        else:  # an official boundary names where it comes from
            assert "kek.go.id" in properties["source"] and properties["legal_basis"]
        assert shapely.geometry.shape(feature["geometry"]).equals(
            atlas.footprints.at[feature["id"], "geometry"]
        )
    assert "indicative" in footprints.description


def test_single_feature_by_id_and_unknown_ids(collections):
    places = collections["places"]
    first = places.features[0]
    document = item_document(places, str(first["id"]), BASE)
    assert document["properties"] == first["properties"]
    assert document["links"][0]["href"] == f"{BASE}/collections/places/items/{first['id']}"
    error = refused(item_document, places, "atlantis", BASE)
    assert (error.status, error.code) == (404, "NotFound")


def test_extra_atlas_layers_and_imports_become_collections(atlas):
    lonlat = [(116.83, -1.26), (117.15, -0.5)]
    facilities = gpd.GeoDataFrame(
        {"id": ["pelabuhan_a", "gudang_b"], "open": [True, False], "berths": [np.int64(4), np.int64(1)]},
        geometry=[Point(xy) for xy in lonlat],
        crs=4326,
    ).to_crs(32750)  # a projected layer comes out in lon/lat
    extended = dataclasses.replace(atlas, facilities=facilities)
    overlay = gpd.GeoDataFrame(
        {"row": [1, 2], "nama": ["Calon A", None]}, geometry=[Point(110, -7), None], crs=4326
    )
    info = LayerInfo(
        "calon", "Calon lokasi", "overlay", "#e7298a", "calon.geojson", "2026-01-01T00:00:00Z", 2, 0, "point"
    )
    found = atlas_collections(extended, [(info, overlay)])
    extra = [n for n in EXTRA_LAYERS if isinstance(getattr(extended, n, None), gpd.GeoDataFrame)]
    assert "facilities" in extra
    assert list(found) == ["zones", "footprints", "places", *extra, "imports-calon"]
    shipped = [n for n in EXTRA_LAYERS if isinstance(getattr(atlas, n, None), gpd.GeoDataFrame)]
    assert list(atlas_collections(atlas)) == ["zones", "footprints", "places", *shipped]
    coordinates = [f["geometry"]["coordinates"] for f in found["facilities"].features]
    assert np.allclose(coordinates, lonlat)
    assert found["facilities"].types == {"id": "string", "open": "boolean", "berths": "integer"}
    facility = found["facilities"]
    assert [facility.features[i]["id"] for i in select(facility, query(facility, open="false"))] == [
        "gudang_b"
    ]
    assert refused(lambda: query(facility, open="maybe")).status == 400
    imported = found["imports-calon"]
    assert [f["id"] for f in imported.features] == [1, 2]  # the import's row numbers
    assert imported.features[1]["geometry"] is None and imported.bbox == (110.0, -7.0, 110.0, -7.0)
    assert select(imported, query(imported, bbox="109,-8,111,-6")) == [0]


def test_openapi_lists_exactly_the_parameters_the_items_accept(collections):
    from openapi_spec_validator import validate

    document = openapi_document(collections, BASE)
    validate(document)  # a valid OpenAPI 3.0 document, as the oas30 conformance class promises
    assert document["openapi"].startswith("3.0") and document["servers"] == [{"url": BASE}]
    for collection in collections.values():
        parameters = document["paths"][f"/collections/{collection.id}/items"]["get"]["parameters"]
        assert [p["name"] for p in parameters] == [*ITEM_PARAMETERS, *collection.types]
    limit = next(
        p
        for p in document["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]
        if p["name"] == "limit"
    )
    assert limit["schema"]["maximum"] == MAX_LIMIT and limit["schema"]["default"] == DEFAULT_LIMIT


# --- the Flask routes ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ATLAS_DATA_DIR", str(tmp_path_factory.mktemp("ogc-data")))
        from dashboard.factory import create_app

        yield create_app().server.test_client()


def test_landing_page_links_resolve_with_their_media_types(client):
    landing = client.get("/ogc")
    assert landing.status_code == 200 and landing.mimetype == "application/json"
    for link in landing.json["links"]:
        response = client.get(link["href"].replace("http://localhost", ""))
        assert response.status_code == 200, link
        assert response.headers["Content-Type"] == link["type"], link
    assert client.get("/ogc/").json == landing.json


def test_format_negotiation(client):
    items = "/ogc/collections/zones/items?limit=1"
    assert client.get(items).mimetype == "application/geo+json"
    assert client.get(items + "&f=json").mimetype == "application/geo+json"
    assert client.get(items, headers={"Accept": "text/html,*/*;q=0.8"}).status_code == 200
    assert client.get("/ogc/collections", headers={"Accept": "application/json"}).status_code == 200
    refused_type = client.get("/ogc/collections", headers={"Accept": "application/xml"})
    assert refused_type.status_code == 406 and refused_type.json["code"] == "NotAcceptable"
    for accept in ("application/vnd.oai.openapi+json;version=3.0", "application/vnd.oai.openapi+json"):
        api = client.get("/ogc/api", headers={"Accept": accept})
        assert api.headers["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0"
    wrong_f = client.get("/ogc/collections?f=html")
    assert wrong_f.status_code == 400 and "f=json" in wrong_f.json["description"]


@pytest.mark.parametrize(
    "path",
    [
        "/ogc/collections/zones/items?bbox=1,2",
        "/ogc/collections/zones/items?limit=1.5",
        "/ogc/collections/zones/items?offset=-3",
        "/ogc/collections/zones/items?kind=KEK&kind=KI",
        "/ogc/collections/zones/items?established=%00",
        "/ogc/collections/zones/items?" + "x" * 3000 + "=1",
        "/ogc/collections/zones/items/sei_mangkei?limit=1",
        "/ogc/collections?bbox=1,2,3,4",
        "/ogc/conformance?lang=id",
    ],
)
def test_bad_parameters_are_400_with_a_message_and_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert response.json["code"] == "InvalidParameterValue" and response.json["description"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


NAMES = st.sampled_from(
    ["bbox", "limit", "offset", "datetime", "f", "kind", "area_ha", "workforce", "sectors"]
)
VALUES = st.one_of(
    st.text(max_size=30),
    st.integers(-(10**30), 10**30).map(str),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=7).map(lambda v: ",".join(map(str, v))),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.lists(st.tuples(st.one_of(NAMES, st.text(min_size=1, max_size=10)), VALUES), max_size=4))
def test_any_query_is_answered_200_or_400_never_500(client, params):
    response = client.get("/ogc/collections/zones/items", query_string=params)
    assert response.status_code in (200, 400), (params, response.data[:200])
    assert response.json["type" if response.status_code == 200 else "code"]


def test_unknown_collections_and_features_are_404_json(client):
    for path in (
        "/ogc/collections/roads",
        "/ogc/collections/roads/items",
        "/ogc/collections/zones/items/nope",
    ):
        response = client.get(path)
        assert response.status_code == 404 and response.json["code"] == "NotFound", path


def test_items_are_gzipped_when_accepted(client, atlas):
    every = "/ogc/collections/zones/items?limit=10000"
    plain = client.get(every, headers={"Accept-Encoding": "identity"})
    packed = client.get(every, headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers and packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    document = json.loads(gzip.decompress(packed.data))
    assert len(document["features"]) == len(atlas.zones) and len(packed.data) < len(plain.data) / 3
    assert packed.headers["X-Frame-Options"] == "DENY"


# --- real clients against a running server -------------------------------------------------------


def import_sites(tmp_path: Path, atlas: Atlas, data_dir: Path) -> LayerInfo:
    """Import three candidate sites near Balikpapan as an overlay, as the dashboard's import does
    (the importer reads 'nama' as the name field)."""
    sites = gpd.GeoDataFrame(
        {"nama": ["Calon A", "Calon B", "Calon C"], "kecamatan": ["Balikpapan Utara", "Penajam", "Sepaku"]},
        geometry=[Point(116.86, -1.16), Point(116.70, -1.28), Point(116.80, -0.95)],
        crs=4326,
    )
    path = tmp_path / "calon_lokasi.geojson"
    sites.to_file(path, driver="GeoJSON")
    return apply_import(plan_import(path, atlas, layer="Calon lokasi"), Store(data_dir))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("ogc-server")
    with running_server(env={"ATLAS_DATA_DIR": str(data_dir)}) as url:
        yield url, data_dir


def test_owslib_reads_the_atlas_like_qgis(server, atlas, tmp_path):
    from owslib.ogcapi.features import Features

    url, data_dir = server
    api = Features(url + "/ogc")
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in api.conformance()["conformsTo"]
    listed = [c["id"] for c in api.collections()["collections"]]
    assert listed[:3] == ["zones", "footprints", "places"]
    assert api.collection("zones")["extent"]["spatial"]["bbox"][0] == pytest.approx(
        list(atlas.zones.total_bounds)
    )

    in_box = list(atlas.zones.cx[KALTIM[0] : KALTIM[2], KALTIM[1] : KALTIM[3]].index)
    page = api.collection_items("zones", limit=5, bbox=list(KALTIM))
    assert page["numberMatched"] == len(in_box) and ids(page) == in_box[:5]

    industrial = list(atlas.zones.index[atlas.zones["kind"] == "KI"])
    first = api.collection_items("zones", kind="KI", limit=2)
    second = api.collection_items("zones", kind="KI", limit=2, offset=2)
    assert ids(first) + ids(second) == industrial[:4] and first["numberMatched"] == len(industrial)
    assert all(f["properties"]["kind"] == "KI" for f in first["features"] + second["features"])

    feature = api.collection_item("places", atlas.places.index[0])
    assert feature["properties"]["sources"] == ";".join(atlas.places["sources"].iloc[0])

    info = import_sites(tmp_path, atlas, data_dir)  # the running server sees the store change
    collection_id = f"imports-{info.id}"
    assert collection_id in [c["id"] for c in api.collections()["collections"]]
    sites = api.collection_items(collection_id, bbox=[116.6, -1.4, 116.9, -1.1])
    assert sorted(f["properties"]["name"] for f in sites["features"]) == ["Calon A", "Calon B"]
    assert api.collection_items(collection_id, kecamatan="Sepaku")["numberMatched"] == 1


@pytest.fixture
def gdal_online():
    """GDAL's HTTP client as QGIS has it: the importer points it at a closed port in any process that
    imports uploads (this test process too), so this client undoes that for its own reads."""
    pyogrio.set_gdal_config_options({"GDAL_HTTP_PROXY": None, "GDAL_HTTP_TIMEOUT": "60"})
    yield
    pyogrio.set_gdal_config_options(OFFLINE_GDAL)


@pytest.mark.skipif("OAPIF" not in pyogrio.list_drivers(), reason="this GDAL has no OAPIF driver")
def test_gdal_oapif_driver_reads_the_layers_like_qgis(server, atlas, tmp_path, gdal_online):
    url, data_dir = server
    source = f"OAPIF:{url}/ogc"
    layers = dict(pyogrio.list_layers(source).tolist())
    assert {"zones": "Point", "footprints": "MultiPolygon", "places": "Point"}.items() <= layers.items()
    zones = pyogrio.read_dataframe(source, layer="zones")
    assert list(zones["id"]) == list(atlas.zones.index)
    assert np.allclose(zones.geometry.x, atlas.zones["lon"]) and np.allclose(
        zones.geometry.y, atlas.zones["lat"]
    )
    assert list(zones["sources"]) == [";".join(s) for s in atlas.zones["sources"]]
    footprints = pyogrio.read_dataframe(source, layer="footprints", bbox=KALTIM)
    box = shapely.box(*KALTIM)
    expected = [z for z, g in atlas.footprints.geometry.items() if g.intersects(box)]
    assert sorted(footprints["zone_id"]) == sorted(expected) and expected
    indicative = footprints[footprints["boundary"] == "indicative"]
    assert indicative["footprint_note"].str.startswith("circle of the official").all()
    info = import_sites(tmp_path, atlas, data_dir)
    sites = pyogrio.read_dataframe(source, layer=f"imports-{info.id}")
    assert list(sites["name"]) == ["Calon A", "Calon B", "Calon C"]
    assert [(p.x, p.y) for p in sites.geometry] == [(116.86, -1.16), (116.70, -1.28), (116.80, -0.95)]


def test_the_official_provinces_and_regencies_are_served_by_their_codes(atlas, collections):
    provinces, regencies = collections["provinces"], collections["regencies"]
    assert len(provinces.features) == 38 and len(regencies.features) == 514
    assert {f["id"] for f in provinces.features} == set(atlas.provinces["code"])
    balikpapan = next(f for f in regencies.features if f["id"] == "64.71")
    assert balikpapan["properties"]["name"] == "Kota Balikpapan"
    assert "Kepmendagri 2025" in provinces.title and "MIT" in regencies.description
