"""The validated atlas kept between starts: the same data comes back without being read again; any
change to a layer is read and validated again; a cache that is not the app's own is never trusted."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from geopandas.testing import assert_geodataframe_equal
from pandas.testing import assert_frame_equal

from geodata import AtlasDataError, atlas, atlascache, load_atlas


def _not_read(*_args, **_kwargs):
    raise AssertionError("the data was read again")


def test_a_second_load_of_the_same_data_is_the_same_atlas_without_reading_it(
    data_copy, tmp_path, monkeypatch
):
    cache = tmp_path / "cache"
    first = load_atlas(data_copy, cache_dir=cache)
    assert oct((cache / atlascache.CACHE_FILE).stat().st_mode & 0o777) == "0o600"
    monkeypatch.setattr(atlas, "read_atlas", _not_read)
    second = load_atlas(data_copy, cache_dir=cache)
    for layer in ("zones", "footprints", "places", "infrastructure", "roads", "facilities", "provinces"):
        assert_geodataframe_equal(getattr(second, layer), getattr(first, layer))
    assert_frame_equal(second.national, first.national)
    assert second.files == first.files


def test_a_changed_layer_is_validated_again_and_a_bad_one_is_refused(data_copy, tmp_path):
    cache = tmp_path / "cache"
    load_atlas(data_copy, cache_dir=cache)
    zones = data_copy / "zones.csv"
    zones.write_text(zones.read_text(encoding="utf-8").replace("\n", "\nnot,a,zone\n", 1), encoding="utf-8")
    with pytest.raises(AtlasDataError, match=r"zones\.csv"):
        load_atlas(data_copy, cache_dir=cache)


def test_the_same_bytes_at_another_path_is_another_key(data_copy, tmp_path):
    paths = atlas.layer_paths(data_copy)
    other = tmp_path / "other"
    other.mkdir()
    (other / "zones.csv").write_bytes(paths["zones"].read_bytes())
    moved = atlas.layer_paths(data_copy, {"zones": other / "zones.csv"})
    assert atlascache.cache_key(paths) != atlascache.cache_key(moved)
    assert atlascache.cache_key(paths) == atlascache.cache_key(atlas.layer_paths(data_copy))


@pytest.mark.parametrize("spoil", ["group-writable file", "world-writable directory", "garbage", "other key"])
def test_a_cache_that_is_not_the_apps_own_is_not_trusted(data_copy, tmp_path, monkeypatch, caplog, spoil):
    cache = tmp_path / "cache"
    load_atlas(data_copy, cache_dir=cache)
    path = cache / atlascache.CACHE_FILE
    if spoil == "group-writable file":
        path.chmod(0o620)
    elif spoil == "world-writable directory":
        cache.chmod(0o777)
    elif spoil == "garbage":
        key = atlascache.cache_key(atlas.layer_paths(data_copy))
        path.write_bytes(key + b"not a pickle")
    else:
        path.write_bytes(b"\0" * 32 + pickle.dumps("an atlas from elsewhere"))
    read = []
    original = atlas.read_atlas
    monkeypatch.setattr(atlas, "read_atlas", lambda paths: read.append(paths) or original(paths))
    again = load_atlas(data_copy, cache_dir=cache)
    assert read and len(again.zones) > 0  # read from the files, not the cache
    if spoil != "other key":
        assert "atlas cache" in caplog.text


def test_a_cache_that_cannot_be_written_does_not_stop_the_load(data_copy, tmp_path, caplog):
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    loaded = load_atlas(data_copy, cache_dir=blocked / "cache")
    assert len(loaded.zones) > 0 and "could not be written" in caplog.text
    assert not list(Path(tmp_path).glob("**/.atlas-*"))
