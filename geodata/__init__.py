"""Atlas Kawasan's functional core: sourced layers in, validated GeoDataFrames and measures out.

Nothing here imports Dash; the dashboard is a shell around these plain functions.
"""

from geodata.atlas import Atlas, load_atlas
from geodata.problems import AtlasDataError, Problem

__all__ = ["Atlas", "AtlasDataError", "Problem", "load_atlas"]
