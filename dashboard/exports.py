"""Exports of exactly what is on screen (the URL state): images, tables, geodata and a one-page brief.

Every export states its filters, the date it was made, and the sources and as-of dates of its data.
PNG and PDF are drawn by Kaleido on the local Chromium (seconds each); one runs at a time on a machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import math
import os
import signal
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go
from filelock import FileLock
from filelock import Timeout as LockTimeout

from dashboard import figures
from dashboard.i18n import format_hectares, format_idr_trillion, format_km, format_number, t
from dashboard.runtime import Runtime, kaltim_report
from dashboard.state import ViewState
from geodata.export import to_csv, to_geojson, to_gpkg, to_xlsx, zone_table
from geodata.facilities import facility_features, facility_table, select_facilities
from geodata.query import summarize

if TYPE_CHECKING:
    from fpdf import FPDF

log = logging.getLogger(__name__)

PNG_SIZES = {
    "projector": {"width": 1920, "height": 1080, "scale": 1},  # 1920 x 1080 px
    "print": {"width": 1754, "height": 1240, "scale": 2},  # 3508 x 2480 px = A4 landscape at 300 dpi
}
PNG_TARGETS = ("map", "investment", "national")
# Kaleido starts a Chromium for each image, and export jobs run in processes of their own (Dash's
# diskcache manager starts one per job): a lock file, not a thread lock, keeps one render at a time on
# the machine, so two planners' exports do not share two cores and both run into Kaleido's time limit.
# A new FileLock for each render: a job process is forked, and filelock refuses an inherited instance.
RENDER_LOCK_FILE = Path(tempfile.gettempdir()) / "atlas-kawasan-render.lock"
# Kaleido 1.5 may call its drawing function in another JavaScript context than its loaded page's (on
# a loaded machine, seen in CI): the render fails with this ReferenceError and nothing drawn. Each
# try first points Kaleido at the loaded page (_point_at_loaded_page); should a page still lack its
# script, Kaleido reloads its tab after every drawing, and the same browser draws again in that tab.
KALEIDO_NOT_READY = "kaleido_scopes is not defined"
RENDER_ATTEMPTS = 2
CONTEXT_CREATED = "Runtime.executionContextCreated"
# One image's limit, the browser's start included (a map PNG takes 5-9 s, a print one about twice
# that). A Chromium that hangs (seen under load: a page whose load event never came) is killed at the
# limit, so it cannot hold the machine's render lock and every later export behind it.
RENDER_SECONDS = 90.0
# Closing the browser has a limit of its own: choreographer's close waits, without one, for the answer to
# Browser.close, which a hung Chromium never sends; the process group is then killed.
CLOSE_SECONDS = 15.0
# How long an export waits for the machine's render lock: a few images' worth, each bounded above.
LOCK_SECONDS = 4 * (RENDER_SECONDS + CLOSE_SECONDS)


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
    """The user's map camera from request parameters, if complete and plausible for Indonesia, with
    the screen map's size (``mapw``, ``maph`` px) when given, so the image shows what the screen showed."""
    try:
        lon, lat, zoom = (float(args.get(key, "")) for key in ("lon", "lat", "zoom"))
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in (lon, lat, zoom)):
        return None
    if not (80 <= lon <= 155 and -20 <= lat <= 15 and 1 <= zoom <= 18):
        return None
    camera: dict[str, Any] = {"center": {"lon": lon, "lat": lat}, "zoom": zoom}
    try:
        screen = (float(args.get("mapw", "")), float(args.get("maph", "")))
    except ValueError:
        return camera
    if all(math.isfinite(v) and 100 <= v <= 10000 for v in screen):
        camera["screen"] = screen
    return camera


def describe_filters(runtime: Runtime, state: ViewState) -> str:
    """The active filters in words, for file metadata and captions; the year first (a year view is
    about that year before anything else)."""
    lang = state.lang
    parts = [] if state.year is None else [t("year.filter", lang, year=state.year)]
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


def year_title(state: ViewState, separator: str = " · ") -> str:
    """What a title adds for a year view (' · 2015'); nothing without a year."""
    return "" if state.year is None else f"{separator}{state.year}"


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


CHART_CAPTION_MARGIN = 110  # px under a chart's plot area: tick labels, axis title, then the caption
BOX = {"bgcolor": "rgba(255,255,255,0.88)", "bordercolor": "#888888", "borderwidth": 1, "borderpad": 6}
LEGEND_ROWS = 14
EARTH_CIRCUMFERENCE_M = 40075016.686
NICE_STEPS = (1, 2, 5)


def _stamp(figure: go.Figure, runtime: Runtime, state: ViewState, on_map: bool) -> go.Figure:
    """The caption (title, view, filters, date, boundary source): inside a map's corner, under a
    chart's axis so that it never covers a bar."""
    caption = (
        f"{t('app.title', state.lang)} · {t(f'tab.{state.view}', state.lang)} · {describe_filters(runtime, state)}"
        f" · {date.today().isoformat()} · {t('legend.provinces', state.lang)}"
    )
    place = (
        {"y": 0.005, "yanchor": "bottom"}
        if on_map
        else {"y": 0, "yanchor": "top", "yshift": 30 - CHART_CAPTION_MARGIN}
    )
    if not on_map:
        figure.update_layout(margin={"b": CHART_CAPTION_MARGIN})
    figure.add_annotation(
        text=caption, xref="paper", yref="paper", x=0.005, xanchor="left", **place,
        showarrow=False, bgcolor="rgba(255,255,255,0.85)", font={"size": 13, "color": "#1a1a1a"},
    )  # fmt: skip
    return figure


def metres_per_pixel(zoom: float, lat: float) -> float:
    """Ground metres per CSS pixel of a MapLibre map (512 px tiles) at ``zoom`` and latitude ``lat``."""
    return EARTH_CIRCUMFERENCE_M * math.cos(math.radians(lat)) / (512 * 2**zoom)


def scale_length(zoom: float, lat: float, max_px: float) -> tuple[float, float]:
    """The longest 1, 2 or 5 x 10^n km bar that fits in ``max_px``: (km, its length in px)."""
    km_per_px = metres_per_pixel(zoom, lat) / 1000
    limit = km_per_px * max_px
    exponent = math.floor(math.log10(limit))
    km = max(step * 10.0**exponent for step in NICE_STEPS if step * 10.0**exponent <= limit)
    return km, km / km_per_px


def add_scale_bar(figure: go.Figure, width_px: int) -> None:
    """A metric scale bar (a line shape and its label) above the caption, from the map's camera."""
    camera = figure.layout.map
    km, length = scale_length(float(camera.zoom), float(camera.center.lat), width_px * 0.15)
    x0, y = 0.012, 0.06
    x1 = x0 + length / width_px
    line = {"color": "#1a1a1a", "width": 3}
    figure.add_shape(type="line", xref="paper", yref="paper", x0=x0, x1=x1, y0=y, y1=y, line=line)
    for x in (x0, x1):
        figure.add_shape(type="line", xref="paper", yref="paper", x0=x, x1=x, y0=y, y1=y + 0.012, line=line)
    figure.add_annotation(
        text=f"{km:g} km", xref="paper", yref="paper", x=(x0 + x1) / 2, y=y + 0.012, yanchor="bottom",
        showarrow=False, font={"size": 15, "color": "#1a1a1a"}, bgcolor="rgba(255,255,255,0.7)",
    )  # fmt: skip


def legend_text(runtime: Runtime, state: ViewState, shown_zones: Any) -> str:
    """The map's colour key as annotation HTML: a coloured disc per kind, or per primary sector of
    the shown zones (the most frequent first, LEGEND_ROWS at most)."""
    lang = state.lang
    if state.color == "kind":
        entries = [(figures.KIND_COLORS[k], t("kind." + k, lang)) for k in figures.KIND_COLORS]
        rest = 0
    else:
        counts = shown_zones["primary_sector"].value_counts()
        sectors = runtime.atlas.sectors
        entries = [
            (runtime.model.sector_colors.get(s, figures.UNKNOWN_COLOR), sectors.at[s, f"label_{lang}"])
            for s in counts.index[:LEGEND_ROWS]
        ]
        rest = max(len(counts) - LEGEND_ROWS, 0)
    lines = [f"<b>{t('legend.title', lang)}</b>"]
    lines += [f'<span style="color:{color}">●</span> {label}' for color, label in entries]
    if rest:
        lines.append(t("legend.more", lang, n=rest))
    if state.color != "kind":
        lines.append(f"<i>{t('legend.outline', lang)}</i>")
    return "<br>".join(lines)


def kaltim_rows(runtime: Runtime, state: ViewState) -> tuple[list[str], list[tuple[str, ...]]]:
    """The Kaltim distance table (headers and rows of text) for the PDF brief and the map PNG."""
    lang = state.lang
    report = kaltim_report(runtime, state.rings)
    heads = [
        t(head, lang)
        for head in (
            "kaltim.col.zone",
            "kaltim.col.straight",
            "kaltim.col.road",
            "kaltim.col.ring",
            "kaltim.col.port",
        )
    ]
    rows = []
    for site in report["sites"]:
        port = site["nearest_port"]
        rows.append((
            site["name"],
            format_km(site["straight_km_to_ikn"], lang),
            format_km(site["road_km_to_ikn"], lang) + ("*" if site["road_km_estimated"] else "")
            if site["road_km_to_ikn"] is not None else t("kaltim.no_road", lang),
            f"{site['within_ring_km']:g}" if site["within_ring_km"] is not None else t("kaltim.outside", lang),
            f"{format_km(port['km'], lang)} ({port['id']})" if port else "-",
        ))  # fmt: skip
    return heads, rows


LABEL_FONT_FAMILY = "'Noto Sans', 'DejaVu Sans', sans-serif"
LABEL_CHAR_WIDTH = 0.58  # a label's width per character, in font sizes (a generous sans average)


def _mercator_px(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """World pixel coordinates of a point on a MapLibre map (512 px tiles) at ``zoom``."""
    scale = 512 * 2**zoom
    y = math.log(math.tan(math.pi / 4 + math.radians(max(min(lat, 85.0), -85.0)) / 2))
    return scale * (lon + 180) / 360, scale * (1 - y / math.pi) / 2


def burn_labels(figure: go.Figure, width: int, height: int) -> None:
    """Turn the map's label traces into layout annotations, placed like MapLibre places them (the
    upper trace first, then in feature order, a label that would overlap a placed one dropped).

    Why: Kaleido takes its picture as soon as MapLibre has loaded, while symbol labels are still
    fading in, so MapLibre's own labels come out faint or missing; annotations are drawn at once."""
    camera = figure.layout.map
    zoom, center = float(camera.zoom), camera.center
    cx, cy = _mercator_px(float(center.lon), float(center.lat), zoom)
    placed: list[tuple[float, float, float, float]] = []
    for index in reversed(figures.LABEL_TRACES):
        trace = figure.data[index]
        if trace.visible is False or not trace.text:
            continue
        size = float(trace.textfont.size)
        above = str(trace.textposition).startswith("top")
        offset = float(trace.marker.size or 0) / 2 + 2
        for lon, lat, text in zip(trace.lon, trace.lat, trace.text, strict=True):
            if lon is None or lat is None or not text:
                continue
            px, py = _mercator_px(float(lon), float(lat), zoom)
            x, y = width / 2 + px - cx, height / 2 + py - cy
            half, tall = len(text) * size * LABEL_CHAR_WIDTH / 2, size * 1.3
            box = (x - half, y - offset - tall, x + half, y - offset) if above else (
                x - half, y + offset, x + half, y + offset + tall
            )  # fmt: skip
            inside = box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height
            if not inside or any(
                box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed
            ):
                continue
            placed.append(box)
            figure.add_annotation(
                text=f"<b>{text}</b>", name="label", xref="paper", yref="paper", x=x / width,
                y=1 - (box[3] if above else box[1]) / height, yanchor="bottom" if above else "top",
                showarrow=False, font={"family": LABEL_FONT_FAMILY, "size": size, "color": trace.textfont.color},
            )  # fmt: skip
        trace.text = None
        trace.mode = "markers"


def _map_furniture(
    figure: go.Figure, runtime: Runtime, state: ViewState, shown_zones: Any, width_px: int
) -> None:
    """What a printed map needs beside the map: title, legend, scale bar and, in the Kaltim view,
    the distance table."""
    lang = state.lang
    figure.add_annotation(
        text=f"<b>{t('app.title', lang)}</b> · {t(f'tab.{state.view}', lang)}{year_title(state)}", xref="paper", yref="paper",
        x=0.01, y=0.985, xanchor="left", yanchor="top", showarrow=False, align="left",
        font={"size": 26, "color": "#1a1a1a"}, **BOX,
    )  # fmt: skip
    figure.add_annotation(
        text=legend_text(runtime, state, shown_zones), xref="paper", yref="paper", x=0.99, y=0.985,
        xanchor="right", yanchor="top", showarrow=False, align="left", font={"size": 15}, **BOX,
    )  # fmt: skip
    add_scale_bar(figure, width_px)
    if state.view == "kaltim":
        heads, rows = kaltim_rows(runtime, state)
        lines = [f"<b>{t('kaltim.table', lang)}</b>", "<b>" + " · ".join(heads) + "</b>"]
        lines += [" · ".join(row) for row in rows]
        figure.add_annotation(
            text="<br>".join(lines), xref="paper", yref="paper", x=0.99, y=0.03, xanchor="right",
            yanchor="bottom", showarrow=False, align="left", font={"size": 14}, **BOX,
        )  # fmt: skip


def fit_camera(camera: dict[str, Any] | None, width: int, height: int) -> dict[str, Any] | None:
    """The screen's camera for an image ``width`` x ``height`` px: the same centre, and a zoom that
    shows at least what the screen's map (``screen`` = its width and height in px) showed."""
    if not camera:
        return None
    fitted = {key: value for key, value in camera.items() if key != "screen"}
    if camera.get("screen"):
        screen_w, screen_h = camera["screen"]
        fitted["zoom"] = camera["zoom"] + math.log2(min(width / screen_w, height / screen_h))
    return fitted


def screen_figure(
    runtime: Runtime, state: ViewState, target: str, camera: dict[str, Any] | None, size: str = "projector"
) -> go.Figure:
    """The figure the user sees for ``target`` (map, investment or national chart), framed for the
    ``size`` preset; a map carries its title, legend, labels, scale bar (and Kaltim table)."""
    atlas = runtime.atlas
    mask = state.selection(atlas.zones)
    if target == "map":
        width, height = PNG_SIZES[size]["width"], PNG_SIZES[size]["height"]
        figure = figures.export_map_figure(
            atlas,
            runtime.model,
            runtime.hovers,
            state,
            mask,
            fit_camera(camera, width, height),
            runtime.overlays,
        )
        burn_labels(figure, width, height)
        _map_furniture(figure, runtime, state, atlas.zones[mask], width)
    elif target == "investment":
        figure = go.Figure(figures.investment_figure(atlas.zones, runtime.model, atlas.zones[mask], state))
        figure.update_layout(
            title={"text": t("chart.investment", state.lang) + year_title(state)}, margin={"t": 60}
        )
    else:
        figure = go.Figure(figures.national_figure(atlas, state.lang, state.year))
        figure.update_layout(
            title={"text": t("chart.national", state.lang) + year_title(state)}, margin={"t": 60}
        )
    return _stamp(figure, runtime, state, on_map=target == "map")


def render_png(figure: go.Figure, size: str) -> bytes:
    """PNG bytes at a preset size; one Kaleido render at a time on the machine, each within
    RENDER_SECONDS. The drawing runs in an event loop of its own thread, as Kaleido's own sync call
    does, so a caller that has a loop (or none) is served alike."""
    opts = {"format": "png", **PNG_SIZES[size]}
    try:
        lock = FileLock(RENDER_LOCK_FILE, mode=0o666, timeout=LOCK_SECONDS).acquire()
    except LockTimeout as exc:
        raise ExportError(f"other images were being drawn for more than {LOCK_SECONDS:g} s") from exc
    with lock, ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _draw_png(figure.to_dict(), opts)).result()


async def _draw_png(figure: dict[str, Any], opts: dict[str, Any]) -> bytes:
    """Start a Chromium, draw (again in the reloaded tab if the page had not loaded), always close it."""
    import kaleido  # 0.06 s that a start need not pay: only an export draws

    # No MathJax: Kaleido's page would load it from a CDN (our figures have no TeX), and offline
    # every render would wait for that request to fail before its own scripts ran.
    renderer = kaleido.Kaleido(n=1, timeout=None, mathjax=False)
    limit = asyncio.timeout(RENDER_SECONDS)
    try:
        async with limit:
            await renderer.open()
            attempts_left = RENDER_ATTEMPTS
            while True:
                try:
                    await _point_at_loaded_page(renderer)
                    return await renderer.calc_fig(figure, opts=opts)
                except Exception as exc:
                    attempts_left -= 1
                    if KALEIDO_NOT_READY not in str(exc) or not attempts_left:
                        raise
                    log.warning(
                        "Kaleido drew before its page had loaded; drawing again (%d tries left)",
                        attempts_left,
                    )
    # Kaleido reports Chromium failures with many exception types; choreographer turns the limit's
    # cancellation of a starting browser into one of its own, so the limit is asked whether it struck.
    except Exception as exc:
        if limit.expired():
            raise ExportError(f"the image was not drawn within {RENDER_SECONDS:g} s") from exc
        raise ExportError(f"the image could not be drawn ({type(exc).__name__}: {exc})") from exc
    finally:
        await _close(renderer)


async def _point_at_loaded_page(renderer: Any) -> None:
    """Wait until the page in Kaleido's tab has its scripts, and have Kaleido call into that page.

    Kaleido takes the JavaScript context to draw in from the first "context created" event after it
    navigates or reloads; on a loaded machine that can be another context than the loaded page's
    (seen in CI: ``kaleido_scopes is not defined``, in the retry's reloaded tab too). Re-enabling the
    Runtime domain makes Chromium report every live context again: the default one that has
    ``kaleido_scopes`` is the page's."""
    ktab = await renderer.tabs_ready.get()  # the one tab (n=1), lent to us and given back
    try:
        tab = ktab.tab
        while await _typeof_scopes(tab, None) != "object":  # the page in the main frame, as it is now
            await asyncio.sleep(0.05)
        contexts: list[dict[str, Any]] = []

        async def record(event: dict[str, Any]) -> None:
            contexts.append(event["params"]["context"])

        tab.subscribe(CONTEXT_CREATED, record)
        try:
            await tab.send_command("Runtime.disable")
            await tab.send_command("Runtime.enable")
            while not contexts:  # the events come before the answer; their callbacks run as tasks
                await asyncio.sleep(0.01)
        finally:
            tab.unsubscribe(CONTEXT_CREATED)
        for context in reversed(contexts):
            if (
                context.get("auxData", {}).get("isDefault")
                and await _typeof_scopes(tab, context["id"]) == "object"
            ):
                ktab._current_js_id = context["id"]
                return
    finally:
        renderer.tabs_ready.put_nowait(ktab)


async def _typeof_scopes(tab: Any, context: int | None) -> str | None:
    """``typeof kaleido_scopes`` in a context of the tab (None: the main frame's page)."""
    params: dict[str, Any] = {"expression": "typeof kaleido_scopes", "returnByValue": True}
    if context is not None:
        params["contextId"] = context
    answer = await tab.send_command("Runtime.evaluate", params=params)
    return answer.get("result", {}).get("result", {}).get("value")


async def _close(renderer: Any) -> None:
    """End Kaleido's browser within CLOSE_SECONDS; past that, or if closing fails, kill its process
    group, so that no Chromium outlives its render (nor holds up the thread that waits for it)."""
    try:
        async with asyncio.timeout(CLOSE_SECONDS):
            await renderer.close()
        return
    except Exception:
        log.exception("Kaleido's browser did not close cleanly within %g s; killing it", CLOSE_SECONDS)
    process = getattr(renderer, "subprocess", None)  # absent if the browser never started
    if process is not None and process.poll() is None:
        with contextlib.suppress(ProcessLookupError):  # choreographer starts it in a session of its own
            os.killpg(process.pid, signal.SIGKILL)
        await asyncio.to_thread(process.wait)


def table_export(runtime: Runtime, state: ViewState, query: str, kind: str) -> ExportFile:
    """CSV, Excel, GeoJSON or GeoPackage of the filtered zone table; 'facilities' is the CSV of the
    plants the sector and province filters show, and the GeoJSON carries them too when the layer is on."""
    atlas = runtime.atlas
    mask = state.selection(atlas.zones)
    table = zone_table(atlas, mask)
    meta = about(runtime, state, query)
    # A CSV has no room for a caption: a year view says its year in the file name.
    stem = "atlas-kawasan" + ("" if state.year is None else f"-{state.year}") + f"-{date.today().isoformat()}"
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
    return ExportFile.png(render_png(screen_figure(runtime, state, target, camera, size), size), target, size)


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
        _latin1(f"{t('app.title', lang)} - {t(f'tab.{state.view}', lang)}{year_title(state, ' - ')}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("Helvetica", "", 8.5)
    printed = t("export.printed", lang)
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
    heads, rows = kaltim_rows(runtime, state)
    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(0, 5, _latin1(t("kaltim.table", state.lang)), new_x="LMARGIN", new_y="NEXT")
    widths = (70, 28, 28, 22, 38)
    pdf.set_font("Helvetica", "B", 7)
    for width, head in zip(widths, heads, strict=True):
        pdf.cell(width, 4, _latin1(head), border="B")
    pdf.ln()
    pdf.set_font("Helvetica", "", 7)
    for cells in rows:
        for width, cell in zip(widths, cells, strict=True):
            pdf.cell(width, 3.6, _latin1(cell)[:60])
        pdf.ln()
    pdf.ln(1.5)


def _zone_list(pdf: FPDF, shown, lang: str) -> None:
    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(
        0,
        5,
        _latin1(t("export.zones", lang)) + f" ({len(shown)})",
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
