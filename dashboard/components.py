"""Pure HTML builders for the panels: KPI cards, zone detail, legend and the Kaltim distance tables."""

from __future__ import annotations
