"""Launcher: the dashboard (or the naive baseline) on another data directory.

``python -m bench.serve --data DIR --port P [--naive]``. Needed because app.py always loads the
shipped data (geodata/data); an ATLAS_DATA_DIR setting read by app.py would make this unnecessary.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from dashboard.factory import create_app
from geodata import load_atlas


def main(argv: list[str] | None = None) -> None:
    """Load the atlas from --data, build the app (naive with --naive) and run it on 127.0.0.1."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="data directory laid out like geodata/data")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--naive", action="store_true", help="map callback resends the whole figure")
    args = parser.parse_args(argv)
    atlas = load_atlas(args.data)
    if args.naive:
        from bench.naive_app import create_naive_app

        app = create_naive_app(atlas)
    else:
        app = create_app(atlas)
    app.run(host="127.0.0.1", port=args.port, debug=False)


if __name__ == "__main__":
    main()
