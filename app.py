"""Start Atlas Kawasan: ``python app.py [--host 127.0.0.1] [--port 8050] [--production]``.

``--production`` serves with waitress (dashboard.production: slow clients cost a socket, not a
thread); without it, Flask's development server. ``server`` is the Flask app for any other WSGI
server; with ``REDIS_URL``, ``celery_app`` is the Celery app whose workers run the exports
(``celery -A app:celery_app worker``). Invalid data stops the start with the validator's messages,
not a traceback.
"""

from __future__ import annotations

import argparse
import sys

from dashboard.auth import AuthConfigError
from dashboard.factory import create_app
from dashboard.jobs import celery_app_of
from geodata import AtlasDataError


def _build():
    try:
        return create_app()
    except AuthConfigError as exc:
        print(f"Atlas Kawasan cannot start: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except AtlasDataError as exc:
        print("Atlas Kawasan cannot start: the data is not valid.", file=sys.stderr)
        print(exc.report(), file=sys.stderr)
        print("Fix the files above, or check them with: python -m geodata validate", file=sys.stderr)
        raise SystemExit(2) from None


app = _build()
server = app.server
celery_app = celery_app_of(server)  # the Celery app whose workers run the exports, with REDIS_URL


def main(argv: list[str] | None = None) -> None:
    """Run the development server; debug only when asked for."""
    parser = argparse.ArgumentParser(description="Atlas Kawasan dashboard")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8050, help="port (default 8050)")
    parser.add_argument("--debug", action="store_true", help="Dash debug mode (never on a shared network)")
    parser.add_argument(
        "--production", action="store_true", help="serve with waitress (bounded, slow-client safe)"
    )
    parser.add_argument("--threads", type=int, default=8, help="worker threads with --production (default 8)")
    args = parser.parse_args(argv)
    if args.production:
        from dashboard.production import build_server

        print(
            f"Atlas Kawasan (waitress, {args.threads} threads) on http://{args.host}:{args.port}", flush=True
        )
        build_server(server, args.host, args.port, args.threads).run()
        return
    app.run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
