"""``POST /api/imports``: other systems send a file to import, with the same checks, rules and
messages as the browser's import panel, and get JSON back.

Form fields: ``file`` (multipart, required), ``mode`` (overlay, the default, or footprints),
``layer`` (the layer's name; picks it from a file holding several), ``zone`` (repeatable: confirm
only these footprint matches; default all) and ``override`` (repeatable zone ids whose doubtful
footprint is stored anyway). Answers: 201 with the stored layer, 400 for a malformed request, 422
with the problems (in the language of ``lang`` or Accept-Language) when the file is refused, 401
anonymous, 403 for a viewer or a cookie sent from another site (see dashboard.auth).
"""

from __future__ import annotations

from dataclasses import asdict

from flask import Flask, Response, jsonify, request

from dashboard.auth import actor_name, refusal, request_language, require
from dashboard.features.imports import localise, plan_bytes, store_import
from dashboard.runtime import LiveRuntime
from geodata.import_plan import FOOTPRINTS, MODES, OVERLAY
from geodata.problems import Problem
from geodata.store import StoreUnreadable
from geodata.upload import ImportLimits, ImportRejected
from geodata.users import EDITOR

IMPORTS_URL = "/api/imports"


def _answer(document: dict, status: int) -> Response:
    response = jsonify(document)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _problems(problems: list[Problem], lang: str) -> Response:
    errors = [{**p.as_dict(), "text": localise(p, lang)} for p in problems]
    return _answer({"ok": False, "errors": errors}, 422)


def register_api(server: Flask, live: LiveRuntime) -> None:
    """Attach POST /api/imports."""

    @server.route(IMPORTS_URL, methods=["POST"])
    def api_import() -> Response:
        refused = require(EDITOR)
        if refused is not None:
            return refused
        lang = request_language()
        upload = request.files.get("file")
        mode = request.form.get("mode", OVERLAY)
        if upload is None or not upload.filename:
            return refusal(400, "api.no_file", lang)
        if mode not in MODES:
            return refusal(400, "api.bad_mode", lang, modes=", ".join(MODES))
        limits = ImportLimits.from_env()
        zones = request.form.getlist("zone")
        try:
            plan = plan_bytes(
                live.get().atlas,
                live.store,
                upload.filename,
                upload.read(),
                mode,
                limits,
                request.form.get("layer") or None,
            )
            info = store_import(
                plan,
                live.store,
                actor_name(),
                confirmed=(zones or None) if plan.mode == FOOTPRINTS else None,
                override=request.form.getlist("override"),
            )
        except (ImportRejected, StoreUnreadable) as exc:
            return _problems(exc.problems, lang)
        except ValueError as exc:  # a confirmed zone that is not among the matches
            return _problems([Problem(upload.filename, None, None, str(exc))], lang)
        document = {
            "ok": True,
            "layer": asdict(info),
            "notes": [localise(n, lang) for n in plan.notes],
            "matches": [asdict(m) for m in plan.matches],
        }
        return _answer(document, 201)
