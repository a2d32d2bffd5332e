"""Pure HTML builders for the panels: KPI cards, zone detail, legend and the Kaltim distance tables."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.i18n import t


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
