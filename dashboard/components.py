"""Pure HTML builders for the panels: KPI cards, zone detail, legend and the Kaltim distance tables."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.i18n import format_number, t
from geodata import Atlas
from geodata.scoring import CRITERIA


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
        [html.Thead(html.Tr([html.Th(h, scope="col") for h in head])), html.Tbody(rows)],
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
    sensitivity_table = html.Table(
        [
            html.Caption(t("compare.sensitivity", lang)),
            html.Thead(
                html.Tr(
                    [
                        html.Th(t(k, lang), scope="col")
                        for k in (
                            "compare.sensitivity.criterion",
                            "compare.sensitivity.weight",
                            "compare.sensitivity.changes",
                            "compare.sensitivity.leaders",
                        )
                    ]
                )
            ),
            html.Tbody(sensitivity_rows),
        ],
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


def saved_views_children(views: list, lang: str) -> list[Any]:
    """The saved views as a list with open, rename, reorder and delete controls for each."""
    if not views:
        return [html.Li(t("saved.empty", lang), className="muted")]
    items = []
    for position, view in enumerate(views):
        items.append(
            html.Li(
                [
                    html.Button(
                        view.title,
                        id={"type": "saved-open", "index": view.id},
                        className="link-button",
                        title=t("saved.open", lang),
                        n_clicks=0,
                    ),
                    html.Span(view.note, className="muted small") if view.note else None,
                    html.Div(
                        [
                            html.Label(
                                [
                                    html.Span(
                                        f"{t('saved.rename', lang)}: {view.title}",
                                        className="visually-hidden",
                                    ),
                                    dcc.Input(
                                        id={"type": "saved-edit", "index": view.id},
                                        value=view.title,
                                        type="text",
                                        maxLength=120,
                                    ),
                                ],
                                className="inline-label",
                            ),
                            _action("saved-rename", view.id, "saved.rename", lang),
                            _action("saved-up", view.id, "saved.up", lang, disabled=position == 0),
                            _action(
                                "saved-down", view.id, "saved.down", lang, disabled=position == len(views) - 1
                            ),
                            _action("saved-delete", view.id, "saved.delete", lang),
                        ],
                        className="saved-actions",
                    ),
                ],
                **{"data-view": view.id, "data-query": view.query},
            )
        )
    return items


def _action(kind: str, view_id: str, key: str, lang: str, disabled: bool = False) -> Any:
    return html.Button(
        t(key, lang),
        id={"type": kind, "index": view_id},
        className="small-button",
        n_clicks=0,
        disabled=disabled,
    )
