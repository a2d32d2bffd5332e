"""The validated atlas kept on disk between starts: an unchanged data set is read and checked once.

Reading and validating every layer takes about 0.5 s of a 3 s start; loading the pickled result of
that work takes 0.02 s. The cache is trusted like Python's own ``__pycache__``: a file the app wrote
in a directory only its user may write, named by a key that covers everything the result depends
on (each layer's path and bytes, the code that reads them, the libraries that hold the frames). A
file that fails any of these checks, or does not unpickle, is ignored and the data is read again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geodata.atlas import Atlas

log = logging.getLogger(__name__)

CACHE_FILE = "atlas.pickle"  # one entry: the data set last loaded from this directory's deployment
FORMAT = b"atlas-cache-1"
LIBRARIES = ("pandas", "geopandas", "shapely", "numpy", "pyproj")
CODE = Path(__file__).resolve().parent


def cache_key(paths: Mapping[str, Path]) -> bytes:
    """SHA-256 of the cache format, Python and library versions, the geodata package's sources and
    every layer's name, path and bytes: any change to one of them is a different key."""
    digest = hashlib.sha256(FORMAT)
    digest.update(sys.version.encode())
    for library in LIBRARIES:
        digest.update(f"{library}={version(library)}".encode())
    for source in sorted(CODE.glob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    for layer, path in sorted(paths.items()):
        digest.update(f"{layer}={Path(path).resolve()}".encode())
        digest.update(Path(path).read_bytes() if Path(path).is_file() else b"missing")
    return digest.digest()


def _private(path: Path) -> bool:
    """Owned by this user and writable by no one else (the directory and the file)."""
    for item in (path.parent, path):
        info = item.stat()
        if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            log.warning("atlas cache %s is not private to this user; it is not read", item)
            return False
    return True


def read(directory: Path, key: bytes) -> Atlas | None:
    """The atlas cached under ``key``, or None (no file, another key, not private, unreadable)."""
    path = directory / CACHE_FILE
    try:
        if not path.is_file() or not _private(path):
            return None
        with path.open("rb") as file:
            if file.read(len(key)) != key:
                return None
            return pickle.load(file)  # a private file this app wrote, under its key
    except Exception:  # a cache never stops a start: read the data instead
        log.warning("atlas cache %s could not be read; reading the data", path, exc_info=True)
        return None


def write(directory: Path, key: bytes, atlas: Atlas) -> None:
    """Keep ``atlas`` under ``key``; written whole then renamed, so another worker reads old or new."""
    staged: Path | None = None
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".atlas-", delete=False) as file:
            staged = Path(file.name)
            file.write(key)
            pickle.dump(atlas, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(staged, directory / CACHE_FILE)
    except OSError:
        log.warning("atlas cache in %s could not be written; the next start reads the data", directory)
        if staged is not None:
            staged.unlink(missing_ok=True)
