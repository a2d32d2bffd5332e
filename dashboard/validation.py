"""The layout Dash checks callbacks against, reduced to what the check reads.

Because the layout is a function, Dash keeps one full copy of it as ``app.validation_layout`` and
inlines it in every HTML page (``_dash-config``), figures included: ~97 kB of the 100 kB page. The
renderer only uses it to find each callback's component by id and to check that the property
exists on that component's type, so a tree of the same components with their ids and nested
components, and nothing else, gives the same validation.
"""

from __future__ import annotations

import copy
from typing import Any

from dash.development.base_component import Component


def _components_only(value: Any) -> Any:
    """``value`` reduced to its components (a component, or a list keeping only components), or None."""
    if isinstance(value, Component):
        return id_skeleton(value)
    if isinstance(value, (list, tuple)):
        kept = [id_skeleton(v) for v in value if isinstance(v, Component)]
        return kept or None
    return None


def id_skeleton(component: Component) -> Component:
    """A copy of ``component``'s tree keeping only each component's type, ``id`` and nested components."""
    skeleton = copy.copy(component)
    wildcards = tuple(component._valid_wildcard_attributes)  # data-*, aria-*
    for prop in list(vars(skeleton)):
        if prop == "id" or (
            prop not in component._prop_names and not (wildcards and prop.startswith(wildcards))
        ):
            continue
        nested = _components_only(getattr(component, prop))
        if nested is None:
            delattr(skeleton, prop)
        else:
            setattr(skeleton, prop, nested)
    return skeleton
