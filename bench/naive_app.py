"""The naive baseline: the same app, except that the map callback sends a complete new figure.

What the design is measured against: on every change the server rebuilds the whole map for the
state (``dashboard.figures.full_map_figure``: every trace, with the provinces and all footprints
inline), and sends it all; the browser then re-ingests the geometry. Everything else (layout,
other callbacks, data) is the real app's, so the difference in a filter interaction is exactly the
cost of resending the map instead of the app's Patch of what changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from unittest import mock

from dash import Dash, Output

from dashboard import factory, figures
from dashboard.state import ViewState
from geodata import Atlas


def naive_map_callback(function: Callable[..., Any], runtime: Any) -> Callable[..., Any]:
    """Wrap the real map callback: keep what it records, but answer with the whole figure."""

    def rebuilt(stored: Any, *args: Any) -> Any:
        _patch, *rest = function(stored, *args)
        current = runtime.get() if hasattr(runtime, "get") else runtime  # a LiveRuntime or a Runtime
        state = ViewState.from_dict(stored, current.vocabulary)
        figure = figures.full_map_figure(
            current.atlas, current.model, current.hovers, state, state.selection(current.atlas.zones),
            current.overlays,
        )  # fmt: skip
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
