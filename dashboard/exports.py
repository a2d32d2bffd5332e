"""Exports of exactly what is on screen (the URL state): images, tables, geodata and a one-page brief.

Every export states its filters, the date it was made, and the sources and as-of dates of its data.
PNG and PDF are drawn by Kaleido on the local Chromium (seconds each); one runs at a time.
"""

from __future__ import annotations

import io
import math
import threading
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from dashboard import figures
from dashboard.i18n import format_hectares, format_idr_trillion, format_km, format_number, t
from dashboard.runtime import Runtime, kaltim_report
from dashboard.state import ViewState
from geodata.export import to_csv, to_geojson, to_gpkg, to_xlsx, zone_table
from geodata.facilities import facility_features, facility_table, select_facilities
from geodata.query import summarize

if TYPE_CHECKING:
    from fpdf import FPDF

PNG_SIZES = {
    "projector": {"width": 1920, "height": 1080, "scale": 1},  # 1920 x 1080 px
    "print": {"width": 1754, "height": 1240, "scale": 2},  # 3508 x 2480 px = A4 landscape at 300 dpi
}
PNG_TARGETS = ("map", "investment", "national")
_kaleido = threading.Lock()


class ExportError(RuntimeError):
    """An export that could not be made; the message is for the user."""


@dataclass(frozen=True)
class ExportFile:
    """A finished export: its bytes, MIME type and suggested file name."""

    content: bytes
    mimetype: str
    filename: str

    @classmethod
    def png(cls, content: bytes, target: str, size: str) -> ExportFile:
        """A rendered PNG, named after what it shows and when."""
        return cls(content, "image/png", f"atlas-kawasan-{target}-{size}-{date.today().isoformat()}.png")


def camera_from(args: Any) -> dict[str, Any] | None:
    """The user's map camera from request parameters, if complete and plausible for Indonesia."""
    try:
        lon, lat, zoom = (float(args.get(key, "")) for key in ("lon", "lat", "zoom"))
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in (lon, lat, zoom)):
        return None
    if not (80 <= lon <= 155 and -20 <= lat <= 15 and 1 <= zoom <= 18):
        return None
    return {"center": {"lon": lon, "lat": lat}, "zoom": zoom}


def describe_filters(runtime: Runtime, state: ViewState) -> str:
    """The active filters in words, for file metadata and captions."""
    lang = state.lang
    parts = []
    if state.sector:
        parts.append(
            t("filter.sector", lang)
            + ": "
            + ", ".join(runtime.atlas.sectors.at[s, f"label_{lang}"] for s in state.sector)
        )
    if state.kind:
        parts.append(t("filter.kind", lang) + ": " + ", ".join(t("kind." + k, lang) for k in state.kind))
    if state.status:
        parts.append(
            t("filter.status", lang) + ": " + ", ".join(t("status." + s, lang) for s in state.status)
        )
    if state.province:
        parts.append(t("filter.province", lang) + ": " + ", ".join(state.province))
    if state.regency:
        names = dict(zip(runtime.atlas.regencies["code"], runtime.atlas.regencies["name"], strict=True))
        parts.append(t("filter.regency", lang) + ": " + ", ".join(names[code] for code in state.regency))
    return "; ".join(parts) or t("filter.any", lang)


def about(runtime: Runtime, state: ViewState, query: str) -> dict[str, str]:
    """Metadata written into every export."""
    return {
        "title": t("app.title", state.lang),
        "view": t(f"tab.{state.view}", state.lang),
        "filters": describe_filters(runtime, state),
        "url_state": query or "(default)",
        "exported": date.today().isoformat(),
        "note": t("data.note", state.lang),
        "sources": "per zone in the 'sources' column; figures carry their own as-of dates",
    }


def _stamp(figure: go.Figure, runtime: Runtime, state: ViewState) -> go.Figure:
    caption = (
        f"{t('app.title', state.lang)} · {t(f'tab.{state.view}', state.lang)} · {describe_filters(runtime, state)}"
        f" · {date.today().isoformat()} · {t('legend.provinces', state.lang)}"
    )
    figure.add_annotation(
        text=caption, xref="paper", yref="paper", x=0.005, y=0.005, xanchor="left", yanchor="bottom",
        showarrow=False, bgcolor="rgba(255,255,255,0.85)", font={"size": 13, "color": "#1a1a1a"},
    )  # fmt: skip
    return figure


def screen_figure(
    runtime: Runtime, state: ViewState, target: str, camera: dict[str, Any] | None
) -> go.Figure:
    """The figure the user sees for ``target`` (map, investment or national chart)."""
    atlas = runtime.atlas
    mask = state.selection(atlas.zones)
    if target == "map":
        figure = figures.export_map_figure(
            atlas, runtime.model, runtime.hovers, state, mask, camera, runtime.overlays
        )
    elif target == "investment":
        figure = go.Figure(figures.investment_figure(atlas, runtime.model, atlas.zones[mask], state))
        figure.update_layout(title={"text": t("chart.investment", state.lang)}, margin={"t": 60})
    else:
        figure = go.Figure(figures.national_figure(atlas, state.lang))
        figure.update_layout(title={"text": t("chart.national", state.lang)}, margin={"t": 60})
    return _stamp(figure, runtime, state)


def render_png(figure: go.Figure, size: str) -> bytes:
    """PNG bytes at a preset size; one Kaleido render at a time so two cores are not swamped."""
    preset = PNG_SIZES[size]
    with _kaleido:
        try:
            return figure.to_image(format="png", **preset)
        except Exception as exc:  # Kaleido reports Chromium failures with many exception types
            raise ExportError(f"the image could not be drawn ({type(exc).__name__}: {exc})") from exc


def table_export(runtime: Runtime, state: ViewState, query: str, kind: str) -> ExportFile:
    """CSV, Excel, GeoJSON or GeoPackage of the filtered zone table; 'facilities' is the CSV of the
    plants the sector and province filters show, and the GeoJSON carries them too when the layer is on."""
    atlas = runtime.atlas
    mask = state.selection(atlas.zones)
    table = zone_table(atlas, mask)
    meta = about(runtime, state, query)
    stem = f"atlas-kawasan-{date.today().isoformat()}"
    plants = facility_table(
        atlas.facilities, select_facilities(atlas.facilities, state.sector, state.province)
    )
    if kind == "facilities":
        return ExportFile(to_csv(plants), "text/csv", f"{stem}-facilities.csv")
    if kind == "csv":
        return ExportFile(to_csv(table), "text/csv", f"{stem}.csv")
    if kind == "xlsx":
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return ExportFile(to_xlsx(table, meta), mime, f"{stem}.xlsx")
    if kind == "geojson":
        extra = facility_features(plants) if state.facilities else []
        return ExportFile(to_geojson(atlas, table, meta, extra), "application/geo+json", f"{stem}.geojson")
    return ExportFile(to_gpkg(atlas, table, meta), "application/geopackage+sqlite3", f"{stem}.gpkg")


def png_export(
    runtime: Runtime, state: ViewState, target: str, size: str, camera: dict[str, Any] | None
) -> ExportFile:
    """A PNG of the map or a chart at projector or print size."""
    return ExportFile.png(render_png(screen_figure(runtime, state, target, camera), size), target, size)


def _latin1(text: Any) -> str:
    """fpdf's core fonts speak Latin-1; keep what they can show and mark the rest."""
    return (
        str(text)
        .replace("–", "-")
        .replace("—", "-")
        .replace("·", "-")
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


def pdf_brief(runtime: Runtime, state: ViewState, query: str, camera: dict[str, Any] | None) -> ExportFile:
    """A one-page A4 brief: title, map, KPIs, the Kaltim table in that view, zones, sources and dates."""
    atlas = runtime.atlas
    lang = state.lang
    mask = state.selection(atlas.zones)
    shown = atlas.zones[mask]
    summary = summarize(shown)
    map_png = render_png(screen_figure(runtime, state, "map", camera), "projector")
    from fpdf import FPDF  # imported on first use: fpdf2 and its font tools add ~0.35 s to the start

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(12, 10, 12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(
        0,
        8,
        _latin1(f"{t('app.title', lang)} - {t(f'tab.{state.view}', lang)}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "", 8.5)
    printed = "Dicetak" if lang == "id" else "Printed"
    pdf.multi_cell(
        0, 4, _latin1(f"{printed}: {date.today().isoformat()}  |  {describe_filters(runtime, state)}")
    )
    pdf.image(io.BytesIO(map_png), x=12, w=186, h=104.6)
    pdf.ln(1)
    kpis = [
        (t("kpi.zones", lang), format_number(summary.zones, lang), t("kpi.of_total", lang, m=len(atlas.zones))),
        (t("kpi.investment", lang), format_idr_trillion(summary.investment_idr_trillion.value, lang)
         if summary.investment_idr_trillion.reporting else "-",
         t("kpi.reporting", lang, n=summary.investment_idr_trillion.reporting, m=summary.zones)),
        (t("kpi.workforce", lang), format_number(summary.workforce.value, lang) if summary.workforce.reporting else "-",
         t("kpi.reporting", lang, n=summary.workforce.reporting, m=summary.zones)),
        (t("kpi.area", lang), format_hectares(summary.area_ha.value, lang) if summary.area_ha.reporting else "-",
         t("kpi.reporting", lang, n=summary.area_ha.reporting, m=summary.zones)),
    ]  # fmt: skip
    y = pdf.get_y()
    for column, (label, value, note) in enumerate(kpis):
        pdf.set_xy(12 + column * 46.5, y)
        pdf.set_font("Helvetica", "B", 8)
        pdf.cell(46, 4, _latin1(label), new_x="LEFT", new_y="NEXT")
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(46, 6, _latin1(value), new_x="LEFT", new_y="NEXT")
        pdf.set_font("Helvetica", "", 7)
        pdf.cell(46, 3.5, _latin1(note))
    pdf.set_xy(12, y + 15)
    if state.view == "kaltim":
        _kaltim_table(pdf, runtime, state)
    _zone_list(pdf, shown, lang)
    _sources(pdf, shown, lang)
    content = bytes(pdf.output())
    return ExportFile(content, "application/pdf", f"atlas-kawasan-brief-{date.today().isoformat()}.pdf")


def _kaltim_table(pdf: FPDF, runtime: Runtime, state: ViewState) -> None:
    lang = state.lang
    report = kaltim_report(runtime, state.rings)
    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(0, 5, _latin1(t("kaltim.table", lang)), new_x="LMARGIN", new_y="NEXT")
    widths = (70, 28, 28, 22, 38)
    heads = (
        "kaltim.col.zone",
        "kaltim.col.straight",
        "kaltim.col.road",
        "kaltim.col.ring",
        "kaltim.col.port",
    )
    pdf.set_font("Helvetica", "B", 7)
    for width, head in zip(widths, heads, strict=True):
        pdf.cell(width, 4, _latin1(t(head, lang)), border="B")
    pdf.ln()
    pdf.set_font("Helvetica", "", 7)
    for site in report["sites"]:
        port = site["nearest_port"]
        cells = (
            site["name"],
            format_km(site["straight_km_to_ikn"], lang),
            format_km(site["road_km_to_ikn"], lang) + ("*" if site["road_km_estimated"] else "")
            if site["road_km_to_ikn"] is not None else t("kaltim.no_road", lang),
            f"{site['within_ring_km']:g}" if site["within_ring_km"] is not None else t("kaltim.outside", lang),
            f"{format_km(port['km'], lang)} ({port['id']})" if port else "-",
        )  # fmt: skip
        for width, cell in zip(widths, cells, strict=True):
            pdf.cell(width, 3.6, _latin1(cell)[:60])
        pdf.ln()
    pdf.ln(1.5)


def _zone_list(pdf: FPDF, shown, lang: str) -> None:
    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(
        0,
        5,
        _latin1("Kawasan" if lang == "id" else "Zones") + f" ({len(shown)})",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "", 6.5)
    names = [
        f"{zone['name']} ({zone['kind']}, {t('status.' + zone['status'], lang)}, {zone['as_of']})"
        for _, zone in shown.iterrows()
    ]
    top = pdf.get_y()
    rows = (len(names) + 1) // 2
    for index, name in enumerate(names):
        column, row = divmod(index, rows) if rows else (0, 0)
        pdf.set_xy(12 + column * 93, top + row * 3.1)
        pdf.cell(92, 3.1, _latin1(name)[:75])
    pdf.set_xy(12, top + rows * 3.1 + 1.5)


def _sources(pdf: FPDF, shown, lang: str) -> None:
    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(0, 5, _latin1(t("field.sources", lang)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 5.5)
    seen: list[str] = []
    for sources in shown["sources"]:
        seen += [s for s in sources if s not in seen]
    room = int((285 - pdf.get_y()) / 2.4)
    listed = seen[: max(room, 0)]
    for source in listed:
        pdf.cell(0, 2.4, _latin1(source)[:190], new_x="LMARGIN", new_y="NEXT")
    if len(seen) > len(listed):
        more = len(seen) - len(listed)
        text = (
            f"... {more} sumber lain di ekspor CSV"
            if lang == "id"
            else f"... {more} more sources in the CSV export"
        )
        pdf.cell(0, 2.4, _latin1(text), new_x="LMARGIN", new_y="NEXT")
