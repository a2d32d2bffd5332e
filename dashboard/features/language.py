"""The language switch: every text, option label and dropdown text of the page in the chosen
language (the strings themselves are in dashboard.i18n).
"""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output

from dashboard.features import screen, timebar
from dashboard.features.imports import import_mode_options, import_override_options
from dashboard.features.panels import national_sources
from dashboard.i18n import LANGUAGES, t
from dashboard.runtime import LiveRuntime, Runtime
from dashboard.widgets import TEXT_ELEMENTS, dropdown_labels, plain
from geodata import Atlas
from geodata.query import province_id
from geodata.schema import KINDS, STATUSES

# Every element whose text the language switch sets: the shared ones and the time slider's.
TEXTS: dict[str, str] = {**TEXT_ELEMENTS, **timebar.TEXT_ELEMENTS}

OPTION_IDS = (
    "export-target",
    "export-size",
    "view-tabs",
    "sector-filter",
    "kind-filter",
    "status-filter",
    "province-filter",
    "zone-search",
    "color-mode",
    "basemap-toggle",
    "map-layers",
    "facilities-toggle",
    "tool-tabs",
    "import-mode",
    "import-override",
)


DROPDOWN_IDS = ("sector-filter", "province-filter", "regency-filter", "zone-search", "comparison-sites")
# The dropdowns' placeholders (i18n keys) by id.
PLACEHOLDERS = {
    "sector-filter": "filter.any",
    "province-filter": "filter.any",
    "regency-filter": "filter.any",
    "zone-search": "filter.search",
    "tile-category": "tiles.all",
}


def option_sets(atlas: Atlas, lang: str) -> dict[str, list[dict[str, Any]]]:
    """Translated options of every choice control; sector options keep the vocabulary's order."""
    sectors = atlas.sectors
    provinces = sorted(atlas.provinces["name"])
    return {
        "sector-filter": [{"label": sectors.at[s, f"label_{lang}"], "value": s} for s in sectors.index],
        "kind-filter": [{"label": t("kind." + k, lang), "value": k} for k in KINDS],
        "status-filter": [{"label": t("status." + s, lang), "value": s} for s in STATUSES],
        "province-filter": [{"label": name, "value": province_id(name)} for name in provinces],
        "zone-search": [
            {"label": name, "value": zone_id}
            for zone_id, name in sorted(atlas.zones["name"].items(), key=lambda item: item[1])
        ],
        "color-mode": [
            {"label": t("color.sector", lang), "value": "sector"},
            {"label": t("color.kind", lang), "value": "kind"},
        ],
        "view-tabs": [
            {"label": t("tab.national", lang), "value": "national"},
            {"label": t("tab.kaltim", lang), "value": "kaltim"},
        ],
        "basemap-toggle": [
            {"label": t("basemap.offline", lang), "value": "offline"},
            {"label": t("basemap.online", lang), "value": "online"},
        ],
        "map-layers": [{"label": t("layer.regencies", lang), "value": "regencies"}],
        "facilities-toggle": [{"label": t("facilities.toggle", lang), "value": "on"}],
        "export-target": [
            {"label": t("export.target.map", lang), "value": "map"},
            {"label": t("export.target.investment", lang), "value": "investment"},
            {"label": t("export.target.national", lang), "value": "national"},
        ],
        "export-size": [
            {"label": t("export.size.projector", lang), "value": "projector"},
            {"label": t("export.size.print", lang), "value": "print"},
        ],
        "tool-tabs": screen.tool_tab_options(lang),
        "import-mode": import_mode_options(lang),
        "import-override": import_override_options(lang),
    }


def language_outputs(runtime: Runtime, lang: Any) -> dict[str, Any]:
    """Every text, option label, dropdown text and tab label in a language (the national chart
    follows the year too: dashboard.features.timebar), by element id (built once per language and runtime, as plain JSON)."""
    lang = lang if lang in LANGUAGES else "id"
    return runtime.cached(("language", lang), lambda: _language_outputs(runtime.atlas, lang))


def _language_outputs(atlas: Any, lang: str) -> dict[str, Any]:
    options = option_sets(atlas, lang)
    labels = dropdown_labels(lang)
    return plain(
        {
            "texts": {element_id: t(key, lang) for element_id, key in TEXTS.items()},
            "options": {cid: options[cid] for cid in OPTION_IDS},
            "labels": dict.fromkeys(DROPDOWN_IDS, labels),
            "placeholders": {cid: t(key, lang) for cid, key in PLACEHOLDERS.items()},
            "sites": options["zone-search"],
            "lang": lang,
            "national_source": national_sources(atlas, lang),
        }
    )


def register(app: Dash, live: LiveRuntime) -> None:
    """The language switch's callback."""

    @app.callback(
        output={
            "texts": {element_id: Output(element_id, "children") for element_id in TEXTS},
            "options": {cid: Output(cid, "options") for cid in OPTION_IDS},
            "labels": {cid: Output(cid, "labels") for cid in DROPDOWN_IDS},
            "placeholders": {cid: Output(cid, "placeholder") for cid in PLACEHOLDERS},
            "sites": Output("comparison-sites", "options"),
            "lang": Output("app-root", "lang"),
            "national_source": Output("national-source", "children"),
        },
        inputs={"lang": Input("lang-toggle", "value")},
        # The layout is in the default language already (tests/test_first_page.py), so page load
        # skips this 43 kB answer; a URL's lang still runs it (the URL sync sets the switch).
        prevent_initial_call=True,
    )
    def _language(lang: Any) -> dict[str, Any]:
        return language_outputs(live.get(), lang)
