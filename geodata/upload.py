"""The gate an untrusted upload passes before anything reads it: size limits, zip checks, a temp directory.

Every file is copied (or, for a zip, checked member by member and then extracted) into a fresh
temporary directory, so that the readers only ever see files there and nothing an upload holds is
written anywhere else. A refused upload raises ImportRejected, the one error type of an import.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import time
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from geodata.problems import AtlasDataError, Problem
from geodata.store import data_dir

MB = 1024 * 1024
CHUNK = 1024 * 1024
MAX_PROBLEMS = 50
# A dataset the atlas reads, by extension; .zip and .kmz are archives holding one of these.
FORMATS = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".shp": "shp",
    ".kml": "kml",
    ".csv": "csv",
}
ARCHIVES = {".zip", ".kmz"}
READABLE = ".geojson, .gpkg, .shp, .kml or .csv file"
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
SUPPORTED = (
    "GeoJSON (.geojson), GeoPackage (.gpkg), zipped Shapefile (.zip), KML (.kml, .kmz) or CSV with lon/lat"
)
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
SCRATCH = "tmp"
# Leftovers of a crash: older than any job may run, so never a running job's files.
STALE_SECONDS = 900
LEFTOVER_GLOBS = (".views-*.tmp", ".imports.*.tmp.gpkg*")  # from before the database (geodata.store)


def scratch_dir(directory: Path | str | None = None) -> Path:
    """The one directory where uploads are staged: ``tmp/`` in the data directory, created."""
    path = data_dir(directory) / SCRATCH
    path.mkdir(parents=True, exist_ok=True)
    return path


def sweep_leftovers(directory: Path | str | None = None, older_than: float = STALE_SECONDS) -> int:
    """Delete staged uploads and half-written temporary files older than ``older_than`` seconds
    (left by a crash or a kill); returns how many were removed. Run at start and after each job."""
    root = data_dir(directory)
    if not root.is_dir():
        return 0
    cutoff = time.time() - older_than
    candidates = [p for pattern in LEFTOVER_GLOBS for p in root.glob(pattern)]
    if (root / SCRATCH).is_dir():
        candidates += list((root / SCRATCH).iterdir())
    removed = 0
    for path in candidates:
        try:
            if path.lstat().st_mtime > cutoff:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed += 1
        except FileNotFoundError:  # another worker swept it first
            continue
    return removed


class ImportRejected(AtlasDataError):
    """An import refused: every problem found, each naming the file, the feature or line and the fix."""

    def __init__(self, problems: list[Problem]) -> None:
        if len(problems) > MAX_PROBLEMS:
            rest = len(problems) - MAX_PROBLEMS
            problems = [
                *problems[:MAX_PROBLEMS],
                Problem(problems[0].file, None, None, f"... and {rest} more"),
            ]
        super().__init__(problems)

    def report(self) -> str:
        """The problems as the validator prints them, under a head that says nothing was imported."""
        count = len(self.problems)
        head = f"Not imported: {count} problem{'s' if count != 1 else ''}:"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


@dataclass(frozen=True)
class ImportLimits:
    """How much an upload may hold; a zip is judged by what it would unpack to, before unpacking."""

    max_bytes: int = 50 * MB
    max_features: int = 50_000
    max_unpacked_bytes: int = 500 * MB
    max_ratio: float = 100.0  # uncompressed / compressed size of one zip member above 1 MB
    max_members: int = 200
    max_columns: int = 500  # a GeoPackage table holds at most 2,000; the atlas needs a dozen
    max_vertices: int = 2_000_000  # all coordinates of all features together
    max_seconds: float = 60.0  # wall time of one read; SQL in a GeoPackage is interrupted past it

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ImportLimits:
        """Limits from ATLAS_IMPORT_MAX_MB, _MAX_FEATURES, _MAX_UNPACKED_MB and _MAX_SECONDS."""
        env = os.environ if environ is None else environ
        defaults = cls()

        def positive(name: str, default: float) -> float:
            raw = env.get(name, "").strip()
            if not raw:
                return default
            try:
                value = float(raw)
            except ValueError:
                value = -1.0
            if not value > 0:
                raise ValueError(f"{name} must be a positive number, got '{raw}'")
            return value

        return cls(
            max_bytes=int(positive("ATLAS_IMPORT_MAX_MB", defaults.max_bytes / MB) * MB),
            max_features=int(positive("ATLAS_IMPORT_MAX_FEATURES", defaults.max_features)),
            max_unpacked_bytes=int(
                positive("ATLAS_IMPORT_MAX_UNPACKED_MB", defaults.max_unpacked_bytes / MB) * MB
            ),
            max_seconds=positive("ATLAS_IMPORT_MAX_SECONDS", defaults.max_seconds),
        )


@dataclass(frozen=True)
class Staged:
    """A dataset copied into a temporary directory: where it is, what format, how messages name it."""

    path: Path
    format: str
    label: str


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB / 10 else f"{size} bytes"


def _reject(file: str, message: str, code: str = "", **params: object) -> ImportRejected:
    return ImportRejected([Problem(file, None, None, message, code, tuple(params.items()))])


def _check_size(file: str, size: int, limits: ImportLimits) -> None:
    if size > limits.max_bytes:
        raise _reject(
            file,
            f"is {_megabytes(size)}; the import limit is {_megabytes(limits.max_bytes)} "
            "(split the file, or raise ATLAS_IMPORT_MAX_MB)",
        )


def _member_problem(info: zipfile.ZipInfo, limits: ImportLimits) -> str | None:
    """Why one zip member must not be extracted, judged from the archive's directory alone."""
    name = info.filename
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or "\x00" in name:
        return f"holds '{name}', an absolute path; zip the files with relative names"
    if ".." in parts:
        return f"holds '{name}', a path that climbs out of the archive ('..'); zip the files again"
    if stat.S_ISLNK(info.external_attr >> 16):
        return f"holds '{name}', a symbolic link; zip the files themselves"
    if info.flag_bits & 0x1:
        return f"holds '{name}' encrypted; zip it without a password"
    if info.file_size > MB and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        ratio = info.file_size / max(info.compress_size, 1)
        return (
            f"holds '{name}', which unpacks {ratio:.0f} times larger than it is packed "
            f"(limit {limits.max_ratio:g}); this looks like a zip bomb"
        )
    return None


def _checked_members(archive: zipfile.ZipFile, file: str, limits: ImportLimits) -> list[zipfile.ZipInfo]:
    """The members worth extracting, after checking every entry of the archive's directory."""
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise _reject(file, f"holds {len(infos)} files; the limit is {limits.max_members}")
    problems = [Problem(file, None, None, why) for info in infos if (why := _member_problem(info, limits))]
    total = sum(info.file_size for info in infos)
    if total > limits.max_unpacked_bytes:
        problems.append(
            Problem(
                file,
                None,
                None,
                f"unpacks to {_megabytes(total)}; the limit is {_megabytes(limits.max_unpacked_bytes)} "
                "(a zip bomb, or raise ATLAS_IMPORT_MAX_UNPACKED_MB)",
            )
        )
    if problems:
        raise ImportRejected(problems)
    return [
        info
        for info in infos
        if not info.is_dir()
        and not any(part.startswith(".") or part == "__MACOSX" for part in PurePosixPath(info.filename).parts)
    ]


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target_dir: Path, file: str) -> Path:
    """Copy one checked member under ``target_dir``, never writing more than its declared size."""
    target = (target_dir / PurePosixPath(info.filename.replace("\\", "/"))).resolve()
    if not target.is_relative_to(target_dir.resolve()):
        raise _reject(file, f"holds '{info.filename}', a path outside the archive")
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with archive.open(info) as source, target.open("wb") as sink:
        while chunk := source.read(CHUNK):
            written += len(chunk)
            if written > info.file_size:
                raise _reject(file, f"holds '{info.filename}', which unpacks larger than it declares")
            sink.write(chunk)
    return target


def _unzip(path: Path, file: str, workdir: Path, limits: ImportLimits) -> list[Path]:
    try:
        with zipfile.ZipFile(path) as archive:
            members = _checked_members(archive, file, limits)
            return [_extract(archive, info, workdir, file) for info in members]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, ValueError) as exc:
        raise _reject(file, f"is not a readable zip archive ({exc}); zip the files again") from None
    except OSError as exc:
        raise _reject(file, f"cannot be unpacked ({exc.strerror or exc})") from None


def _pick(candidates: list[Path], file: str, wanted: str | None, what: str) -> Path:
    if not candidates:
        raise _reject(file, f"holds no {what}; zip one {READABLE} (a shapefile with its .shx, .dbf and .prj)")
    if len(candidates) == 1:
        return candidates[0]
    chosen = [c for c in candidates if wanted and c.stem.lower() == wanted.lower()]
    if len(chosen) == 1:
        return chosen[0]
    names = ", ".join(sorted(c.stem for c in candidates))
    raise _reject(
        file,
        f"holds {len(candidates)} datasets ({names}); choose one with --layer NAME",
        "several_layers",
        n=len(candidates),
        names=names,
    )


def _stage_archive(path: Path, file: str, workdir: Path, limits: ImportLimits, wanted: str | None) -> Staged:
    extracted = _unzip(path, file, workdir, limits)
    wanted_formats = {"kml"} if path.suffix.lower() == ".kmz" else set(FORMATS.values())
    datasets = [p for p in extracted if FORMATS.get(p.suffix.lower()) in wanted_formats]
    chosen = _pick(datasets, file, wanted, "map data" if len(wanted_formats) > 1 else "KML document")
    return Staged(chosen, FORMATS[chosen.suffix.lower()], f"{file}/{chosen.relative_to(workdir).as_posix()}")


def _stage_file(path: Path, file: str, workdir: Path, limits: ImportLimits) -> Staged:
    suffix = path.suffix.lower()
    stem = _SAFE_NAME.sub("_", path.stem).strip("._") or "upload"
    parts = [path]
    if suffix == ".shp":
        parts = [p for p in (path.with_suffix(s) for s in SHAPEFILE_PARTS) if p.is_file()]
        parts += [p for p in (path.with_suffix(s.upper()) for s in SHAPEFILE_PARTS) if p.is_file()]
        _check_size(file, sum(p.stat().st_size for p in parts), limits)
    for part in parts:
        shutil.copyfile(part, workdir / f"{stem}{part.suffix.lower()}")
    return Staged(workdir / f"{stem}{suffix}", FORMATS[suffix], file)


@contextmanager
def staged(path: Path, limits: ImportLimits, wanted: str | None = None) -> Iterator[Staged]:
    """The upload copied or safely unpacked into a temporary directory, removed afterwards.

    ``wanted`` picks one dataset (by its file stem) from an archive that holds several.
    """
    path = Path(path)
    file = path.name
    suffix = path.suffix.lower()
    if suffix not in FORMATS and suffix not in ARCHIVES:
        kind = f"a '{suffix}' file" if suffix else "a file without an extension"
        raise _reject(file, f"is {kind}; import {SUPPORTED}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _reject(file, f"cannot be read: {exc.strerror or exc}") from None
    if not path.is_file():
        raise _reject(file, "is not a file")
    _check_size(file, size, limits)
    if size == 0:
        raise _reject(file, "is empty (0 bytes); export the layer again")
    with tempfile.TemporaryDirectory(prefix="atlas-import-", dir=scratch_dir()) as tmp:
        workdir = Path(tmp)
        try:
            if suffix in ARCHIVES:
                yield _stage_archive(path, file, workdir, limits, wanted)
            else:
                yield _stage_file(path, file, workdir, limits)
        except OSError as exc:
            raise _reject(file, f"cannot be read: {exc.strerror or exc}") from None


def save_upload(filename: str, data: bytes, directory: Path, limits: ImportLimits) -> Path:
    """Write an uploaded file's bytes into ``directory`` (a temporary one) under a safe name.

    The browser sends a name and bytes; only the name's last part is kept, so an upload called
    '../../x.geojson' still lands in ``directory``.
    """
    base = re.split(r"[\\/]", filename)[-1]
    _check_size(base or "upload", len(data), limits)
    suffix = Path(base).suffix.lower()
    stem = _SAFE_NAME.sub("_", Path(base).stem).strip("._") or "upload"
    target = Path(directory) / f"{stem}{suffix}"
    target.write_bytes(data)
    return target
