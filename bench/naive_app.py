"""The naive baseline: the same app, except that the map callback sends a complete new figure.

What the Patch design is measured against: on every change the server rebuilds the whole map
(``dashboard.figures.base_map_figure``, every footprint included), applies the same filter,
colours, selection and camera the real callback computed, and sends it all; the browser then
re-ingests the geometry. Everything else (layout, other callbacks, data) is the real app's, so
the difference in a filter interaction is exactly the cost of resending the map.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from unittest import mock

import plotly.graph_objects as go
from dash import Dash, Output, Patch

from dashboard import factory, figures
from geodata import Atlas


def apply_patch(figure: go.Figure, patch: Patch) -> go.Figure:
    """Apply a Dash Patch's assignments to a go.Figure (the map callback only assigns)."""
    for operation in patch.to_plotly_json()["operations"]:
        if operation["operation"] != "Assign":
            raise NotImplementedError(f"patch operation {operation['operation']} is not supported")
        location = operation["location"]
        value = operation["params"]["value"]
        if location[0] == "data":
            figure.data[location[1]][tuple(location[2:])] = value
        elif location[0] == "layout":
            figure.layout[tuple(location[1:])] = value
        else:
            raise NotImplementedError(f"patch location {location!r}")
    return figure


def naive_map_callback(function: Callable[..., Any], runtime: Any) -> Callable[..., Any]:
    """Wrap the real map callback: same Patch computed, then rebuilt into a whole new figure."""

    def rebuilt(*args: Any) -> Any:
        patch, *rest = function(*args)
        current = runtime.get() if hasattr(runtime, "get") else runtime  # a LiveRuntime or a Runtime
        extra = (current.overlays,) if hasattr(current, "overlays") else ()
        figure = apply_patch(figures.base_map_figure(current.atlas, current.model, *extra), patch)
        return (figure, *rest)

    return rebuilt


class _NaiveMapRegistrar:
    """Stands in for the Dash app while callbacks are registered and swaps the map callback's body."""

    def __init__(self, app: Dash, runtime: Any) -> None:
        self._app = app
        self._runtime = runtime

    def callback(self, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Any]:
        register = self._app.callback(*args, **kwargs)
        first = args[0] if args else None
        if isinstance(first, Output) and (first.component_id, first.component_property) == ("map", "figure"):
            return lambda function: register(naive_map_callback(function, self._runtime))
        return register

    def __getattr__(self, name: str) -> Any:
        return getattr(self._app, name)


def create_naive_app(atlas: Atlas) -> Dash:
    """``dashboard.factory.create_app`` with the map callback made naive."""
    original = factory.register_callbacks

    def register(app: Dash, runtime: Any, *args: Any, **kwargs: Any) -> Any:
        return original(_NaiveMapRegistrar(app, runtime), runtime, *args, **kwargs)

    with mock.patch.object(factory, "register_callbacks", register):
        app = factory.create_app(atlas)
    if not any("map.figure" in key for key in app.callback_map):
        raise RuntimeError("the naive app has no map callback; has the map's id changed?")
    return app
