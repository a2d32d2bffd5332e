"""Shared widgets: the small builders every feature uses (a text with its own id, a labelled
field, a radio group, a legend swatch, a source list) and the registry of the texts the language
switch rewrites (their strings are in dashboard.i18n).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dash import dcc, html
from dash.development.base_component import Component

from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from geodata.scoring import CRITERIA


def plain(value: Any) -> Any:
    """The JSON-ready form Dash sends for a component tree: components as their
    {props, type, namespace} dicts, tuples as lists.

    A callback result made only of plain JSON types is encoded by orjson in one pass; a single
    component anywhere sends the whole response through Plotly's slow cleaning walk instead."""
    if isinstance(value, Component):
        value = value.to_plotly_json()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def swatch(color: str, label: str, shape: str = "dot") -> Any:
    return html.Li(
        [html.Span(className=f"swatch swatch-{shape}", style={"--swatch": color}), html.Span(label)]
    )


def source_items(sources: tuple[str, ...] | None) -> list[Any]:
    items = []
    for source in sources or ():
        if source.startswith(("http://", "https://")):
            items.append(html.Li(html.A(source, href=source, target="_blank", rel="noopener noreferrer")))
        else:
            items.append(html.Li(source))
    return items


# id of a text element -> its i18n key; rendered in the default language and switched by a callback
TEXT_ELEMENTS: dict[str, str] = {
    "app-subtitle": "app.subtitle",
    "label-sector": "filter.sector",
    "label-kind": "filter.kind",
    "label-status": "filter.status",
    "label-province": "filter.province",
    "label-regency": "filter.regency",
    "label-search": "filter.search",
    "filter-reset": "filter.reset",
    "label-color": "control.color",
    "label-basemap": "control.basemap",
    "label-layers": "control.layers",
    "label-lang": "control.language",
    "label-view": "control.view",
    "title-investment": "chart.investment",
    "title-national": "chart.national",
    "title-detail": "detail.title",
    "label-rings": "kaltim.rings",
    "data-note": "data.note",
    "presentation-toggle": "present.toggle",
    "title-comparison": "compare.title",
    "label-sites": "compare.sites",
    "label-weights": "compare.weights",
    "title-export": "export.title",
    "label-export-target": "export.target",
    "label-export-size": "export.size",
    "export-png": "export.png",
    "export-pdf": "export.pdf",
    "export-csv": "export.csv",
    "export-xlsx": "export.xlsx",
    "export-geojson": "export.geojson",
    "export-gpkg": "export.gpkg",
    "export-facilities": "export.facilities",
    "export-cancel": "export.cancel",
    "label-facility-radius": "facilities.radius",
    "title-saved": "saved.title",
    "label-saved-title": "saved.name",
    "label-saved-note": "saved.note",
    "save-view": "saved.save",
    "saved-export": "saved.export",
    "title-table": "table.title",
    "label-tools": "screen.tools",
    "controls-toggle": "screen.controls",
    "pane-kaltim-hint": "panel.kaltim.hint",
    "title-import": "import.title",
    "label-import-mode": "import.mode",
    "import-confirm": "import.confirm",
    "import-cancel": "import.cancel",
    "title-import-layers": "import.layers",
    "label-tiles": "tiles.layers",
    "label-tile-category": "tiles.category",
    **{f"label-weight-{c.id}": f"criterion.{c.id}" for c in CRITERIA},
}


# The mode bar shows on hover only (it covered the investment chart's top bar), without the buttons
# that send data to Plotly's cloud (the CSP blocks them, and nothing leaves this machine).
GRAPH_CONFIG = {
    "displaylogo": False,
    "scrollZoom": True,
    "displayModeBar": "hover",
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "showLink": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "sendDataToCloud", "editInChartStudio"],
}


DROPDOWN_TEXTS = (
    "select_all", "deselect_all", "selected_count", "search", "clear_search", "clear_selection",
    "no_options_found",
)  # fmt: skip


def dropdown_labels(lang: str) -> dict[str, str]:
    """The Dropdown's own texts (select all, search, ...) in the page's language."""
    return {name: t(f"dropdown.{name}", lang) for name in DROPDOWN_TEXTS}


def text(element_id: str, tag: Any = html.Span, **kwargs: Any) -> Any:
    return tag(t(TEXT_ELEMENTS[element_id], DEFAULT_LANGUAGE), id=element_id, **kwargs)


def in_both(texts: dict[str, str]) -> list[html.Span]:
    """A text in both languages (``texts`` by language); the stylesheet shows the one of the page's
    language (app-root's lang, which the language switch sets), so no callback has to rewrite it:
    the sign-in bar, and a part rendered later, which the language switch's outputs cannot name
    (a missing output stops that callback)."""
    return [html.Span(texts[lang], className=f"only-{lang}") for lang in LANGUAGES]


def both(key: str) -> list[html.Span]:
    """``in_both`` of the text ``key`` of dashboard.i18n."""
    return in_both({lang: t(key, lang) for lang in LANGUAGES})


def field(label_id: str, control: Any) -> html.Div:
    return html.Div([text(label_id, html.Label, htmlFor=control.id), control], className="field")


def radio_group(label_id: str, control_id: str, options: list[dict[str, Any]], value: Any) -> html.Fieldset:
    return html.Fieldset(
        [
            text(label_id, html.Legend),
            dcc.RadioItems(id=control_id, options=options, value=value, inline=True),
        ]
    )


def table_head(headings: Iterable[str]) -> html.Thead:
    """A data table's header row, each heading a column header for screen readers."""
    return html.Thead(html.Tr([html.Th(heading, scope="col") for heading in headings]))


def data_table(caption: str, headings: Iterable[str], rows: list[Any], **props: Any) -> html.Table:
    """A captioned data table: caption, header row, body rows."""
    return html.Table([html.Caption(caption), table_head(headings), html.Tbody(rows)], **props)
