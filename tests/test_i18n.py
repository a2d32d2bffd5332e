"""Indonesian and English number formats and label coverage."""

import math

import pytest

from dashboard.i18n import TEXTS, format_hectares, format_idr_trillion, format_km, format_number, t


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [
        (2.42, "id", "Rp 2,42 T"),
        (2.42, "en", "IDR 2.42 T"),
        (1234.5, "id", "Rp 1.234,50 T"),
        (1234.5, "en", "IDR 1,234.50 T"),
    ],
)
def test_rupiah_trillions(value, lang, text):
    assert format_idr_trillion(value, lang) == text


@pytest.mark.parametrize(("lang", "text"), [("id", "126.506"), ("en", "126,506")])
def test_thousands_separators(lang, text):
    assert format_number(126506, lang) == text


def test_decimals_and_units():
    assert format_km(23.45, "id") == "23,4" or format_km(23.45, "id") == "23,5"
    assert format_km(1234.0, "en") == "1,234.0"
    assert format_hectares(2002.77, "id") == "2.003 ha"
    assert format_hectares(41.26, "en") == "41.3 ha"


def test_missing_numbers_are_a_dash_not_zero():
    assert format_number(None, "id") == "–"
    assert format_number(math.nan, "en") == "–"
    assert format_idr_trillion(None, "id") == "–"


def test_every_text_exists_in_both_languages_and_placeholders_fill():
    for key, entry in TEXTS.items():
        assert entry.get("id") and entry.get("en"), key
    assert t("kpi.reporting", "id", n=3, m=10) == "3 dari 10 kawasan melaporkan"
    assert t("kpi.reporting", "en", n=3, m=10) == "3 of 10 zones report it"
