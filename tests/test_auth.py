"""Who may do what: the role check on every request of a real app (Flask test client), the login
page, POST /api/imports, the sign-in settings, and embedding in a portal."""

from __future__ import annotations

import base64
import io
import json
import time
from typing import Any
from urllib.parse import urlencode

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import box, mapping
from sqlalchemy import func, select

from dashboard.auth import (
    INPUT_ROLES,
    AuthConfig,
    AuthConfigError,
    OidcConfig,
    callback_role,
    oidc_role,
)
from dashboard.factory import create_app
from dashboard.hardening import frame_ancestors_from_env
from geodata.store import Store
from geodata.tiles import build_tiles
from geodata.users import UserStore, sign_ins

SECRET = "k" * 48
PASSWORD = {"vera": "viewer-password-1", "edda": "editor-password-1"}
ORIGIN = {"Origin": "http://localhost"}
KENDAL = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"id": "kendal"},
            "geometry": mapping(box(110.19, -6.93, 110.22, -6.90)),
        }
    ],
}
POINTS = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "Gudang"},
            "geometry": {"type": "Point", "coordinates": [117, -1]},
        }
    ],
}


def _app(atlas, tmp_path_factory, **env: str):
    with pytest.MonkeyPatch.context() as patch:
        data = tmp_path_factory.mktemp("auth-data")
        patch.setenv("ATLAS_DATA_DIR", str(data))
        patch.delenv("DATABASE_URL", raising=False)
        for name, value in env.items():
            patch.setenv(name, value)
        app = create_app(atlas)
        if env.get("ATLAS_AUTH") == "login":
            users = UserStore.for_data_dir(data)
            users.add("vera", "viewer", PASSWORD["vera"])
            users.add("edda", "editor", PASSWORD["edda"])
        return app, data


@pytest.fixture(scope="module")
def login_app(atlas, tmp_path_factory):
    return _app(atlas, tmp_path_factory, ATLAS_AUTH="login", SECRET_KEY=SECRET)


@pytest.fixture(scope="module")
def laptop_app(atlas, tmp_path_factory):
    return _app(atlas, tmp_path_factory, ATLAS_AUTH="none")


def signed_in(app, name: str):
    client = app.server.test_client()
    answer = client.post(
        "/login", data={"name": name, "password": PASSWORD[name], "next": "/"}, headers=ORIGIN
    )
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    return client


READ_INPUTS = {
    "url", "view-tabs", "sector-filter", "kind-filter", "status-filter", "province-filter", "regency-filter",
    "zone-search", "color-mode", "basemap-toggle", "map-layers", "lang-toggle", "ring-distances",
    "comparison-sites", "weight", "facilities-toggle", "facility-radius", "map", "investment-chart",
    "filter-reset", "view-state", "basemap-effective", "footprint-filter", "title-table", "table-state",
    "comparison-state", "saved-open", "saved-prev", "saved-next", "import-done", "export-request", "export-cancel",
    "import-cancel",
    "tool-tabs", "controls-toggle", "legend-fold", "presentation-toggle", "saved-views",
    "year-slider", "year-clear", "year-play", "year-interval", "year-state", "tile-layers", "tile-category",
    # copied in the browser to saved-import-file and import-contents, the inputs the server checks
    "saved-import", "import-upload",
    "regency-scope",
}  # fmt: skip


def _input(raw_id: str, prop: str, value: Any, changed: set[str]) -> Any:
    """One input entry of a callback request; a pattern input as a one-element list."""
    if raw_id.startswith("{"):
        kind = json.loads(raw_id)["type"]
        entry = {
            "id": {"index": "v1", "type": kind},
            "property": prop,
            "value": value if kind in changed else 0,
        }
        return [entry]
    return {"id": raw_id, "property": prop, "value": value if raw_id in changed else None}


def callback_body(app, output: str, changed: str, value: Any = 1, state: list | None = None) -> dict:
    """A well-formed request for the callback of ``output`` as if input ``changed`` had just changed."""
    spec = app.callback_map[output]
    inputs = [_input(i["id"], i["property"], value, {changed}) for i in spec["inputs"]]
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    outputs = [{"id": p.split(".")[0], "property": p.split(".")[1].split("@")[0]} for p in parts]
    prop = next(i["property"] for i in spec["inputs"] if changed in (i["id"], _type(i["id"])))
    changed_id = (
        json.dumps({"index": "v1", "type": changed}, separators=(",", ":"))
        if changed not in (i["id"] for i in spec["inputs"])
        else changed
    )
    return {
        "output": output,
        "outputs": outputs if output.startswith("..") else outputs[0],
        "inputs": inputs,
        "state": state
        if state is not None
        else [{"id": s["id"], "property": s["property"], "value": None} for s in spec.get("state", [])],
        "changedPropIds": [f"{changed_id}.{prop}"],
    }


def _type(raw_id: str) -> str:
    return json.loads(raw_id)["type"] if raw_id.startswith("{") else raw_id


def writing_requests(app) -> list[tuple[str, str]]:
    """(callback output, writing input) for every writing input of every callback."""
    return [
        (output, _type(i["id"]))
        for output, spec in app.callback_map.items()
        for i in spec["inputs"]
        if _type(i["id"]) in INPUT_ROLES
    ]


def dispatch(client, body: dict, headers: dict | None = None):
    return client.post("/_dash-update-component", json=body, headers=ORIGIN if headers is None else headers)


def dispatch_job(client, body: dict, timeout: float = 120.0):
    """A background callback (the import check): its job's handles, then polled as the page does
    until the answer comes; each poll passes the same role check."""
    answer = dispatch(client, body)
    assert answer.status_code == 200 and "cacheKey" in answer.json, answer.get_data(as_text=True)
    handles = urlencode({"cacheKey": answer.json["cacheKey"], "job": answer.json["job"]})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        polled = client.post(f"/_dash-update-component?{handles}", json=body, headers=ORIGIN)
        if polled.status_code != 200 or "response" in polled.json:
            return polled
        time.sleep(0.2)
    raise TimeoutError("the import check did not answer")


def upload(document: dict) -> str:
    return "data:application/geo+json;base64," + base64.b64encode(json.dumps(document).encode()).decode()


# --- the policy itself -------------------------------------------------------------------------


def test_every_writing_input_of_the_app_is_known_and_each_is_checked(login_app):
    app, _ = login_app
    found = {write for _, write in writing_requests(app)}
    assert found == set(INPUT_ROLES)  # a renamed input would silently lose its check
    assert len(writing_requests(app)) == 12
    inputs = {_type(i["id"]) for spec in app.callback_map.values() for i in spec["inputs"]}
    # every other input only reads; a new input must be added here or to INPUT_ROLES, deliberately
    assert inputs - set(INPUT_ROLES) == READ_INPUTS


def test_the_callback_role_follows_what_triggered_it():
    callbacks = {
        "a.children": {"inputs": [{"id": "save-view"}, {"id": "lang-toggle"}]},
        "b.children": {"inputs": [{"id": "import-confirm"}]},
        "c.children": {"inputs": [{"id": "view-state"}]},
        "d.children": {"inputs": [{"id": '{"index":["ALL"],"type":"layer-remove"}'}, {"id": "lang-toggle"}]},
    }
    assert (
        callback_role({"output": "a.children", "changedPropIds": ["lang-toggle.value"]}, callbacks)
        == "viewer"
    )
    assert (
        callback_role({"output": "a.children", "changedPropIds": ["save-view.n_clicks"]}, callbacks)
        == "viewer"  # a personal view; sharing it needs an editor
    )
    shared = '{"index":"x","type":"saved-share"}.n_clicks'
    assert callback_role({"output": "a.children", "changedPropIds": [shared]}, callbacks) == "editor"
    assert callback_role({"output": "b.children", "changedPropIds": []}, callbacks) == "editor"  # only writes
    assert (
        callback_role({"output": "c.children", "changedPropIds": ["view-state.data"]}, callbacks) == "viewer"
    )
    removed = '{"index":"x","type":"layer-remove"}.n_clicks'
    assert callback_role({"output": "d.children", "changedPropIds": [removed]}, callbacks) == "editor"


# --- anonymous -------------------------------------------------------------------------------


def test_anonymous_pages_go_to_login_and_everything_else_is_401(login_app):
    app, _ = login_app
    client = app.server.test_client()
    page = client.get("/?view=kaltim&zone=kendal")
    assert (
        page.status_code == 302
        and page.headers["Location"] == "/login?next=%2F%3Fview%3Dkaltim%26zone%3Dkendal"
    )
    form = client.get(page.headers["Location"]).get_data(as_text=True)
    assert 'name="next" value="/?view=kaltim&amp;zone=kendal"' in form  # back to the same view after
    for url in (
        "/_dash-layout",
        "/_dash-dependencies",
        "/ogc",
        "/ogc/collections",
        "/export/csv",
        "/footprints.geojson",
        "/tiles/parcels.json",
        "/tiles/parcels/0/0/0.pbf",
    ):
        answer = client.get(url)
        assert answer.status_code == 401, url
        assert "WWW-Authenticate" in answer.headers if url.startswith(("/ogc", "/tiles/")) else True
    for output, write in writing_requests(app):
        answer = dispatch(client, callback_body(app, output, write))
        assert answer.status_code == 401 and answer.json["code"] == "auth.required", (output, write)
        assert "WWW-Authenticate" not in answer.headers  # no browser password dialog over the page
    answer = client.post(
        "/api/imports", data={"file": (io.BytesIO(json.dumps(POINTS).encode()), "a.geojson")}
    )
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"].startswith("Basic")


def test_the_login_page_speaks_both_languages_and_refuses_wrong_and_cross_site(login_app):
    app, _ = login_app
    client = app.server.test_client()
    assert "Kata sandi" in client.get("/login").get_data(as_text=True)
    assert "Password" in client.get("/login?lang=en").get_data(as_text=True)
    assert "Password" in client.get("/login", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    wrong = client.post("/login", data={"name": "edda", "password": "nope", "lang": "en"}, headers=ORIGIN)
    assert wrong.status_code == 401 and "Wrong name or password" in wrong.get_data(as_text=True)
    forged = client.post(
        "/login",
        data={"name": "edda", "password": PASSWORD["edda"]},
        headers={"Origin": "https://evil.example"},
    )
    assert forged.status_code == 403 and "Set-Cookie" not in forged.headers
    away = client.post(
        "/login",
        data={"name": "edda", "password": PASSWORD["edda"], "next": "//evil.example/x"},
        headers=ORIGIN,
    )
    assert away.status_code == 302 and away.headers["Location"] == "/"


# --- viewer ----------------------------------------------------------------------------------


def test_a_viewer_looks_and_exports_but_every_write_is_403(login_app):
    app, _ = login_app
    client = signed_in(app, "vera")
    assert client.get("/").status_code == 200
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "import-not-allowed" in layout and '"data-allowed":"false"' in layout and "vera" in layout
    assert client.get("/ogc/collections").status_code == 200
    assert client.get("/export/csv").status_code == 200
    regencies = next(o for o in app.callback_map if o.startswith("regency-filter"))
    read = dispatch(client, callback_body(app, regencies, "regency-scope", ["kalimantan_timur"]))
    assert read.status_code == 200
    for output, write in writing_requests(app):
        answer = dispatch(client, callback_body(app, output, write))
        if INPUT_ROLES[write] == "viewer":  # her own saved views
            assert answer.status_code in (200, 204), (output, write)
            continue
        assert answer.status_code == 403, (output, write)
        assert answer.json["messages"]["en"].startswith("Refused: your role (viewer)")
        assert answer.json["messages"]["id"].startswith("Ditolak: peran Anda (pembaca)")
    saved = next(o for o in app.callback_map if o.startswith("..saved-views"))
    english = callback_body(app, saved, "saved-share")
    for item in english["inputs"]:
        if isinstance(item, dict) and item["id"] == "lang-toggle":
            item["value"] = "en"
    assert dispatch(client, english).json["error"].startswith("Refused")  # in the page's language
    # the same callback re-rendered for a language switch is a read
    assert dispatch(client, callback_body(app, saved, "lang-toggle", "en")).status_code == 200
    api = client.post(
        "/api/imports", data={"file": (io.BytesIO(json.dumps(POINTS).encode()), "a.geojson")}, headers=ORIGIN
    )
    assert api.status_code == 403


def test_tiles_are_read_by_any_signed_in_role_and_by_a_program_with_basic(login_app, tmp_path):
    app, data = login_app
    rng = np.random.default_rng(5)
    lon, lat = rng.uniform(117.0, 117.2, 20), rng.uniform(-1.2, -1.0, 20)
    parcels = gpd.GeoDataFrame(geometry=shapely.box(lon, lat, lon + 0.01, lat + 0.01), crs="EPSG:4326")
    parcels.to_file(tmp_path / "petak.fgb", driver="FlatGeobuf", engine="pyogrio")
    build_tiles(tmp_path / "petak.fgb", data, progress=lambda _: None)
    assert app.server.test_client().get("/tiles/petak.json").status_code == 401
    assert signed_in(app, "vera").get("/tiles/petak.json").status_code == 200
    program = app.server.test_client()
    assert program.get("/tiles/petak/0/0/0.pbf", headers=basic("vera", PASSWORD["vera"])).status_code == 200
    assert program.get("/tiles/petak/0/0/0.pbf", headers=basic("vera", "wrong")).status_code == 401


# --- editor ----------------------------------------------------------------------------------


def test_an_editor_imports_through_the_page_callbacks(login_app):
    app, data = login_app
    client = signed_in(app, "edda")
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "import-not-allowed" not in layout and '"data-allowed":"true"' in layout
    plan_output = next(
        o for o in app.callback_map if o.startswith("..import-report.children...import-matches")
    )
    state = [
        {"id": "import-filename", "property": "data", "value": "gudang.geojson"},
        {"id": "import-mode", "property": "value", "value": "overlay"},
        {"id": "lang-toggle", "property": "value", "value": "en"},
    ]
    body = callback_body(app, plan_output, "import-contents", upload(POINTS), state)
    planned = dispatch_job(client, body)
    assert planned.status_code == 200, planned.get_data(as_text=True)
    token = planned.json["response"]["import-token"]["data"]
    apply_output = next(o for o in app.callback_map if o.startswith("..import-report.children@"))
    state = [
        {"id": "import-token", "property": "data", "value": token},
        {"id": "import-matches", "property": "value", "value": []},
        {"id": "import-override", "property": "value", "value": []},
        {"id": "lang-toggle", "property": "value", "value": "en"},
    ]
    applied = dispatch(client, callback_body(app, apply_output, "import-confirm", 1, state))
    assert applied.status_code == 200 and "Imported: gudang" in applied.get_data(as_text=True)
    assert "gudang" in [info.id for info in Store(data).layers()]
    for output, write in writing_requests(app):
        assert dispatch(client, callback_body(app, output, write)).status_code in (200, 204), (output, write)


def saved_request(app, changed: str, view_id: str = "", title: str = "", query: str = "", undo: Any = None):
    """A request of the saved-views callback as the page sends it when ``changed`` was clicked (on
    the view ``view_id``, whose rename box holds ``title``)."""
    output = next(o for o in app.callback_map if o.startswith("..saved-views"))
    body = callback_body(app, output, changed)
    for item in body["inputs"]:
        if isinstance(item, list):
            item[0]["id"]["index"] = view_id
    if view_id:
        body["changedPropIds"] = [
            json.dumps({"index": view_id, "type": changed}, separators=(",", ":")) + ".n_clicks"
        ]
    edit = {"index": view_id, "type": "saved-edit"}
    body["state"] = [
        {"id": "saved-title", "property": "value", "value": title},
        {"id": "saved-note", "property": "value", "value": ""},
        {"id": "url", "property": "search", "value": query},
        [{"id": edit, "property": "value", "value": title}] if view_id else [],
        [{"id": edit, "property": "id", "value": edit}] if view_id else [],
        {"id": "saved-undo", "property": "data", "value": undo},
    ]
    return body


def controls(answer) -> dict[str, set[str]]:
    """The saved views a callback answer lists, each with the kinds of control it has."""
    found: dict[str, set[str]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("id"), dict) and "index" in node["id"]:
                found.setdefault(node["id"]["index"], set()).add(node["id"]["type"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    assert answer.status_code == 200, answer.get_data(as_text=True)
    walk(answer.json["response"]["saved-views"]["children"])
    return found


def test_saved_views_are_personal_until_an_editor_shares_them(login_app):
    app, data = login_app
    views = Store(data).views
    edda, vera = signed_in(app, "edda"), signed_in(app, "vera")
    dispatch(edda, saved_request(app, "save-view", title="Rencana Edda", query="?view=kaltim"))
    dispatch(edda, saved_request(app, "save-view", title="Untuk kantor", query="?sector=nickel"))
    mine = {v.title: v for v in views.list("edda")}
    assert {mine["Rencana Edda"].owner, mine["Untuk kantor"].owner} == {"edda"}
    personal, office = mine["Rencana Edda"].id, mine["Untuk kantor"].id
    shared = dispatch(edda, saved_request(app, "saved-share", office))
    assert "Dibagikan ke kantor: Untuk kantor" in shared.get_data(as_text=True)
    assert "saved-share" in controls(shared)[office] and "saved-delete" in controls(shared)[personal]
    assert [v.title for v in views.list("vera") if v.owner == "edda"] == ["Untuk kantor"]

    # the viewer sees the shared view (owner and badge) without its controls, not the personal one
    listed = dispatch(vera, saved_request(app, "lang-toggle"))
    assert controls(listed).get(office) == {"saved-open"} and personal not in controls(listed)
    assert "oleh edda" in listed.get_data(as_text=True) and "Dibagikan" in listed.get_data(as_text=True)
    assert dispatch(vera, saved_request(app, "saved-share", office)).status_code == 403
    renamed = dispatch(vera, saved_request(app, "saved-rename", office, title="diambil alih"))
    assert "milik orang lain" in renamed.get_data(as_text=True)
    assert dispatch(vera, saved_request(app, "saved-delete", personal)).status_code == 200
    assert {v.title for v in views.list("edda")} >= {"Rencana Edda", "Untuk kantor"}  # nothing changed

    # she keeps personal views of her own, which edda does not see
    saved = dispatch(vera, saved_request(app, "save-view", title="Catatan Vera", query="?zone=kendal"))
    own = next(v for v in views.list("vera") if v.title == "Catatan Vera")
    assert (own.owner, own.shared) == ("vera", False) and "saved-share" not in controls(saved)[own.id]
    assert "Catatan Vera" not in [v.title for v in views.list("edda")]
    # an undo forged to plant a shared view under edda's name stores a personal one of hers
    forged = {"id": "forged1", "title": "Palsu", "note": "", "query": "", "created": ""}
    undo = {"view": {**forged, "owner": "edda", "shared": True}, "position": 0}
    dispatch(vera, saved_request(app, "saved-undo-click", "forged1", undo=undo))
    planted = next(v for v in views.list() if v.title == "Palsu")
    assert (planted.owner, planted.shared) == ("vera", False)
    exported = json.loads(vera.get("/saved-views/export").get_data())
    assert {v["title"] for v in exported["views"]} >= {"Untuk kantor", "Catatan Vera", "Palsu"}
    assert "Rencana Edda" not in {v["title"] for v in exported["views"]}

    dispatch(edda, saved_request(app, "saved-share", office))  # personal again
    assert office not in controls(dispatch(vera, saved_request(app, "lang-toggle")))


def test_the_cookie_alone_does_not_authorise_a_post_from_another_site(login_app):
    app, _ = login_app
    client = signed_in(app, "edda")
    file = {"file": (io.BytesIO(json.dumps(POINTS).encode()), "gudang2.geojson")}
    assert client.post("/api/imports", data=file).status_code == 403  # no Origin, no Referer
    file = {"file": (io.BytesIO(json.dumps(POINTS).encode()), "gudang2.geojson")}
    forged = client.post("/api/imports", data=file, headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403 and forged.json["code"] == "auth.cross_site"
    confirm = next(o for o in app.callback_map if o.startswith("..import-report.children@"))
    assert dispatch(client, callback_body(app, confirm, "import-confirm"), {}).status_code == 403
    # a browser's Fetch Metadata decides over Origin (its form posts here carry Origin: null)
    body = callback_body(app, confirm, "import-confirm")
    assert dispatch(client, body, {**ORIGIN, "Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert dispatch(client, body, {"Origin": "null", "Sec-Fetch-Site": "same-origin"}).status_code == 200
    assert dispatch(client, body, {"Origin": "null"}).status_code == 403


def basic(name: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()}


def test_api_imports_with_basic_auth_same_messages_as_the_browser(login_app):
    app, _ = login_app
    client = app.server.test_client()
    editor = basic("edda", PASSWORD["edda"])
    stored = client.post(
        "/api/imports",
        data={
            "file": (io.BytesIO(json.dumps(KENDAL).encode()), "batas.geojson"),
            "mode": "footprints",
            "layer": "batas_kendal",
        },
        headers=editor,
    )
    assert stored.status_code == 201, stored.json
    assert stored.json["layer"]["id"] == "batas_kendal" and stored.json["layer"]["kind"] == "footprints"
    assert [m["zone_id"] for m in stored.json["matches"]] == ["kendal"]
    assert client.get("/ogc/collections", headers=editor).status_code == 200
    bad = client.post(
        "/api/imports?lang=en",
        data={"file": (io.BytesIO(b'{"type": "FeatureCollection"'), "rusak.geojson")},
        headers=editor,
    )
    assert bad.status_code == 422 and not bad.json["ok"] and bad.json["errors"][0]["text"]
    indonesian = client.post(
        "/api/imports",
        data={"file": (io.BytesIO(json.dumps(KENDAL).encode()), "batas.csv"), "mode": "sideways"},
        headers=editor,
    )
    assert indonesian.status_code == 400 and indonesian.json["error"].startswith("mode harus")
    assert client.post("/api/imports", data={}, headers=editor).json["code"] == "api.no_file"
    viewer = client.post(
        "/api/imports",
        data={"file": (io.BytesIO(json.dumps(POINTS).encode()), "a.geojson")},
        headers=basic("vera", PASSWORD["vera"]),
    )
    assert viewer.status_code == 403
    wrong = client.post(
        "/api/imports",
        data={"file": (io.BytesIO(b"x"), "a.geojson")},
        headers=basic("edda", "wrong-password"),
    )
    assert wrong.status_code == 401
    # a browser replaying cached Basic credentials for another site's form is refused too
    for source in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}):
        replayed = client.post(
            "/api/imports",
            data={"file": (io.BytesIO(json.dumps(POINTS).encode()), "a.geojson")},
            headers=editor | source,
        )
        assert replayed.status_code == 403 and replayed.json["code"] == "auth.cross_site"


def test_a_removed_user_or_a_changed_role_applies_at_the_next_request(login_app):
    app, data = login_app
    users = UserStore.for_data_dir(data)
    users.add("tamu", "editor", "temporary-password")
    PASSWORD["tamu"] = "temporary-password"
    client = signed_in(app, "tamu")
    confirm = next(o for o in app.callback_map if o.startswith("..import-report.children@"))
    assert dispatch(client, callback_body(app, confirm, "import-confirm")).status_code == 200
    users.set_role("tamu", "viewer")
    assert dispatch(client, callback_body(app, confirm, "import-confirm")).status_code == 403
    users.remove("tamu")
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/").status_code == 302


def test_logout_ends_the_session(login_app):
    app, _ = login_app
    client = signed_in(app, "vera")
    assert client.post("/logout", headers={"Origin": "https://evil.example"}).status_code == 403
    assert client.get("/_dash-layout").status_code == 200
    out = client.post("/logout", headers=ORIGIN)
    assert out.status_code == 302 and out.headers["Location"] == "/login"
    assert client.get("/_dash-layout").status_code == 401


# --- laptop ----------------------------------------------------------------------------------


def test_without_login_the_laptop_user_may_do_everything(laptop_app):
    app, data = laptop_app
    client = app.server.test_client()
    assert client.get("/").status_code == 200
    assert "import-not-allowed" not in client.get("/_dash-layout").get_data(as_text=True)
    assert "login-submit" not in client.get("/login").get_data(as_text=True)  # no sign-in form
    answer = client.post(
        "/api/imports", data={"file": (io.BytesIO(json.dumps(POINTS).encode()), "gudang.geojson")}
    )
    assert answer.status_code == 201 and answer.json["layer"]["features"] == 1
    for output, write in writing_requests(app):
        assert dispatch(client, callback_body(app, output, write), {}).status_code in (200, 204), (
            output,
            write,
        )
    saved = dispatch(client, saved_request(app, "save-view", title="Satu daftar", query="?view=kaltim"))
    view = next(v for v in Store(data).views.list() if v.title == "Satu daftar")
    assert view.owner is None and controls(saved)[view.id] >= {"saved-rename", "saved-delete"}
    assert "saved-share" not in controls(saved)[view.id] and "Dibagikan" not in saved.get_data(as_text=True)


# --- settings --------------------------------------------------------------------------------


def test_a_login_needs_a_secret_key_and_known_settings():
    assert AuthConfig.from_env({}).mode == "none"
    with pytest.raises(AuthConfigError, match="needs SECRET_KEY"):
        AuthConfig.from_env({"ATLAS_AUTH": "login"})
    with pytest.raises(AuthConfigError, match="needs SECRET_KEY"):
        AuthConfig.from_env({"ATLAS_AUTH": "login", "SECRET_KEY": "short"})
    with pytest.raises(AuthConfigError, match="one of none, login, oidc"):
        AuthConfig.from_env({"ATLAS_AUTH": "ldap"})
    with pytest.raises(AuthConfigError, match="ATLAS_COOKIE_SECURE"):
        AuthConfig.from_env({"ATLAS_COOKIE_SECURE": "maybe"})
    config = AuthConfig.from_env({"ATLAS_AUTH": "Login", "SECRET_KEY": SECRET, "ATLAS_COOKIE_SECURE": "1"})
    assert (config.mode, config.cookie_secure, config.enabled) == ("login", True, True)


def test_oidc_settings_and_role_mapping():
    env = {"ATLAS_AUTH": "oidc", "SECRET_KEY": SECRET}
    with pytest.raises(
        AuthConfigError, match="ATLAS_OIDC_ISSUER, ATLAS_OIDC_CLIENT_ID, ATLAS_OIDC_CLIENT_SECRET"
    ):
        AuthConfig.from_env(env)
    env |= {
        "ATLAS_OIDC_ISSUER": "https://sso.bappenas.example/realms/atlas",
        "ATLAS_OIDC_CLIENT_ID": "atlas",
        "ATLAS_OIDC_CLIENT_SECRET": "s3cret",
    }
    with pytest.raises(AuthConfigError, match="ATLAS_OIDC_ROLES"):
        AuthConfig.from_env(env)
    with pytest.raises(AuthConfigError, match="'gis=boss' is not VALUE=ROLE"):
        AuthConfig.from_env(env | {"ATLAS_OIDC_ROLES": "gis=boss"})
    config = AuthConfig.from_env(
        env
        | {
            "ATLAS_OIDC_ROLES": "atlas-editors=editor, atlas-admins=admin,staff=viewer",
            "ATLAS_OIDC_ROLE_CLAIM": "groups",
        }
    ).oidc
    assert config.metadata_url == "https://sso.bappenas.example/realms/atlas/.well-known/openid-configuration"
    assert oidc_role({"groups": ["staff", "atlas-editors"]}, config) == "editor"
    assert oidc_role({"groups": "atlas-admins"}, config) == "admin"
    assert oidc_role({"groups": ["visitors"]}, config) is None
    assert oidc_role({"roles": ["atlas-admins"]}, config) is None  # another claim than configured
    fallback = OidcConfig("https://x", "a", "b", default_role="viewer")
    assert oidc_role({}, fallback) == "viewer"


def test_frame_ancestors_allow_only_the_named_portals_and_https_cookies_are_secure(
    login_app, atlas, tmp_path_factory
):
    app, _ = login_app
    default = app.server.test_client().get("/login")
    assert default.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in default.headers["Content-Security-Policy"]
    portal = "https://portal.bappeda.example.go.id"
    embedded, _ = _app(
        atlas,
        tmp_path_factory,
        ATLAS_FRAME_ANCESTORS=f"{portal} 'self'",
        ATLAS_AUTH="login",
        SECRET_KEY=SECRET,
        ATLAS_COOKIE_SECURE="1",
    )
    page = embedded.server.test_client().get("/login")
    assert "X-Frame-Options" not in page.headers
    assert f"frame-ancestors {portal} 'self';" in page.headers["Content-Security-Policy"]
    signed = embedded.server.test_client().post(
        "/login", data={"name": "edda", "password": PASSWORD["edda"]}, headers=ORIGIN
    )
    assert signed.status_code == 302 and "; Secure" in signed.headers["Set-Cookie"]  # served over HTTPS
    with pytest.raises(ValueError, match="not an origin"):
        frame_ancestors_from_env({"ATLAS_FRAME_ANCESTORS": "https://ok.example *"})


def test_basic_credentials_cost_one_argon2_check_a_minute_and_a_removal_still_applies(login_app):
    app, data = login_app
    users = UserStore.for_data_dir(data)
    users.add("qgis", "viewer", "qgis-password-12")
    client = app.server.test_client()
    headers = basic("qgis", "qgis-password-12")
    assert [client.get("/ogc/collections", headers=headers).status_code for _ in range(3)] == [200] * 3
    with users.engine.connect() as connection:
        checks = connection.execute(select(func.count()).where(sign_ins.c.name == "qgis")).scalar_one()
    assert checks == 1
    assert client.get("/ogc/collections", headers=basic("qgis", "qgis-password-13")).status_code == 401
    users.remove("qgis")
    assert client.get("/ogc/collections", headers=headers).status_code == 401
