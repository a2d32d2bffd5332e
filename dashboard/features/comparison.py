"""The weighted comparison of candidate sites (in the Kaltim view): its table, formula and the
weights' sensitivity.
"""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, html

from dashboard.i18n import format_number, t
from dashboard.runtime import LiveRuntime, Runtime
from dashboard.state import ViewState
from dashboard.widgets import data_table, plain, table_head
from geodata import Atlas
from geodata.comparison import criteria_values
from geodata.scoring import CRITERIA, rank_sites, sensitivity


def comparison_outputs(runtime: Runtime, stored: Any) -> list[Any]:
    """The candidate-site comparison for the state's sites and weights (only in the Kaltim view), as
    plain JSON; built once per runtime, sites, weights and language, so a filter or ring change
    in the Kaltim view does not recompute it."""
    state = ViewState.from_dict(stored, runtime.vocabulary)
    if state.view != "kaltim" or not state.sites:
        return []
    return runtime.cached(
        ("comparison", state.sites, state.weights, state.lang), lambda: _comparison(runtime, state)
    )


def _comparison(runtime: Runtime, state: ViewState) -> list[Any]:
    weights = {c.id: w for c, w in zip(CRITERIA, state.weights, strict=True)}
    values = runtime.cached(
        ("criteria-values", state.sites), lambda: criteria_values(runtime.atlas, list(state.sites))
    )
    ranked = rank_sites(values, weights)
    report = sensitivity(values, weights)
    return plain(
        comparison_children(runtime.atlas, list(state.sites), values, ranked, report, weights, state.lang)
    )


def comparison_children(
    atlas: Atlas,
    sites: list[str],
    values: dict,
    ranked: list,
    report: list,
    weights: dict[str, float],
    lang: str,
) -> list[Any]:
    """The ranked comparison table (raw value and 0..1 score per criterion), its formula, and sensitivity."""
    missing = t("compare.missing", lang)
    head = [
        t("compare.rank", lang),
        t("compare.site", lang),
        t("compare.score", lang),
        t("compare.coverage", lang),
    ]
    head += [
        f"{t('criterion.' + c.id, lang)} ({t('compare.better.high' if c.higher_is_better else 'compare.better.low', lang)})"
        for c in CRITERIA
    ]
    rows = []
    for item in ranked:
        cells = [
            html.Td(str(item.rank) if item.rank is not None else missing),
            html.Th(atlas.zones.at[item.site, "name"], scope="row"),
            html.Td(
                format_number(item.score, lang, 3) if item.score is not None else missing,
                **{"data-score": item.score},
            ),
            html.Td(f"{format_number(item.coverage * 100, lang, 0)} %"),
        ]
        for criterion in CRITERIA:
            raw = values[item.site].get(criterion.id)
            scaled = item.normalised.get(criterion.id)
            if raw is None:
                cells.append(html.Td(missing, className="missing", title=missing))
            else:
                score = f" → {format_number(scaled, lang, 2)}" if scaled is not None else ""
                cells.append(html.Td(f"{format_number(raw, lang, 1)}{score}"))
        rows.append(html.Tr(cells, **{"data-site": item.site, "data-rank": item.rank}))
    table = html.Table(
        [table_head(head), html.Tbody(rows)],
        className="data-table compact",
        id="comparison-table",
    )
    sensitivity_rows = []
    for entry in report:
        changes = _ranges(entry.changes_at, lang) if entry.changes_at else t("compare.sensitivity.none", lang)
        leaders = ", ".join(atlas.zones.at[s, "name"] for s in entry.new_leaders) or "–"
        sensitivity_rows.append(
            html.Tr(
                [
                    html.Th(t("criterion." + entry.criterion, lang), scope="row"),
                    html.Td(format_number(weights.get(entry.criterion, 0.0), lang, 1)),
                    html.Td(changes),
                    html.Td(leaders),
                ],
                **{"data-criterion": entry.criterion},
            )
        )
    sensitivity_table = data_table(
        t("compare.sensitivity", lang),
        (t(f"compare.sensitivity.{k}", lang) for k in ("criterion", "weight", "changes", "leaders")),
        sensitivity_rows,
        className="data-table compact",
        id="sensitivity-table",
    )
    return [
        html.Div(table, className="table-scroll"),
        html.P(t("compare.formula", lang), className="formula small", id="comparison-formula"),
        html.Div(sensitivity_table, className="table-scroll"),
    ]


def _ranges(weights: tuple[float, ...], lang: str, step: float = 0.5) -> str:
    """0, 0.5, 1, 6.5, 7 -> '0-1, 6.5-7': the weight ranges in which the ranking differs."""
    spans: list[list[float]] = []
    for weight in weights:
        if spans and abs(weight - spans[-1][1] - step) < 1e-9:
            spans[-1][1] = weight
        else:
            spans.append([weight, weight])
    return ", ".join(
        format_number(a, lang, 1) if a == b else f"{format_number(a, lang, 1)}–{format_number(b, lang, 1)}"
        for a, b in spans
    )


def register(app: Dash, live: LiveRuntime) -> None:
    """The comparison's callbacks (it is computed only in the Kaltim view)."""

    app.clientside_callback(
        "window.dash_clientside.atlas.whenKaltim",
        Output("comparison-state", "data"),
        Input("view-state", "data"),
        State("site-comparison", "children"),
    )

    @app.callback(Output("site-comparison", "children"), Input("comparison-state", "data"))
    def _comparison(stored: Any) -> list[Any]:
        return comparison_outputs(live.get(), stored)
