"""Thin callbacks: each wires inputs to geodata and the pure builders, nothing more.

The work of each callback is a module-level function of (runtime, inputs) so that tests call it
directly; ``register_callbacks`` only attaches them. Every input is re-validated (the browser is
not trusted), and the map gets Patches, never new geometry.
"""

from __future__ import annotations

import logging

from dash import Dash

from dashboard.features import comparison, filters, imports, language, mapview, savedviews, screen, table
from dashboard.runtime import LiveRuntime
from geodata.savedviews import SavedViewStore

log = logging.getLogger(__name__)


def register_callbacks(app: Dash, live: LiveRuntime, views: SavedViewStore) -> None:
    """Attach every callback of the page to ``app``; each reads the live runtime (imports included)."""

    mapview.register(app, live)
    filters.register(app, live)
    language.register(app, live)
    table.register(app, live)
    comparison.register(app, live)
    savedviews.register(app, views)
    imports.register(app, live)
    screen.register(app, views)
