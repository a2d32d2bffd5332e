"""The sector palette stays readable for colour-blind readers: the main sectors' colours are apart
for normal vision and under simulated deuteranopia and protanopia, and every sector has a colour."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

# The design cards' main sectors: each must keep a hue of its own.
MAIN_SECTORS = (
    "palm_oil", "rubber", "bauxite", "smelter", "nickel", "steel", "cement", "petrochemical",
    "tobacco", "manufacturing", "tourism", "logistics", "energy", "digital",
)  # fmt: skip
MIN_DELTA_E = 15.0  # CIE76; ~2.3 is a just-noticeable difference, 15 reads as a different colour on a map
LAND = "#f4f1ea"  # dashboard.figures.LAND: a point must stand out from the land it sits on
MIN_DELTA_E_LAND = 20.0
MAX_MINOR_CHROMA = 35.0  # CIELAB chroma: the other sectors' colours are greyish
# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB.
SIMULATIONS = {
    "normal": np.eye(3),
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
}
SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
D65 = np.array([0.95047, 1.0, 1.08883])


def lab(color: str, vision: str) -> np.ndarray:
    """CIELAB (D65) of an sRGB hex colour as seen with ``vision``."""
    srgb = np.array([int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    xyz = SRGB_TO_XYZ @ np.clip(SIMULATIONS[vision] @ linear, 0, 1) / D65
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a: str, b: str, vision: str) -> float:
    return float(np.linalg.norm(lab(a, vision) - lab(b, vision)))


def test_simulation_merges_what_it_should():
    # The check can fail: red and green, far apart for normal vision, merge for a deuteranope.
    assert delta_e("#d62728", "#2ca02c", "normal") > 60
    assert delta_e("#d62728", "#2ca02c", "deuteranopia") < MIN_DELTA_E + 5


@pytest.mark.parametrize("vision", list(SIMULATIONS))
def test_main_sector_colours_are_apart(atlas, vision):
    colors = atlas.sectors["color"]
    assert set(MAIN_SECTORS) <= set(colors.index)
    close = [
        (a, b, round(delta_e(colors[a], colors[b], vision), 1))
        for a, b in itertools.combinations(MAIN_SECTORS, 2)
        if delta_e(colors[a], colors[b], vision) < MIN_DELTA_E
    ]
    assert not close
    assert all(delta_e(colors[s], LAND, vision) >= MIN_DELTA_E_LAND for s in MAIN_SECTORS)


def test_every_sector_has_a_colour_and_the_minor_ones_are_muted(atlas):
    colors = atlas.sectors["color"]
    assert colors.str.fullmatch(r"#[0-9a-f]{6}").all()
    minor = [s for s in colors.index if s not in MAIN_SECTORS]
    chroma = {s: float(np.hypot(*lab(colors[s], "normal")[1:])) for s in colors.index}
    assert minor and all(chroma[s] <= MAX_MINOR_CHROMA for s in minor)
    # the main hues carry the colour: most are more saturated than any minor sector
    assert sum(chroma[s] > MAX_MINOR_CHROMA for s in MAIN_SECTORS) >= len(MAIN_SECTORS) // 2
