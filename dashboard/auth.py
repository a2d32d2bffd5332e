"""Who is asking, and may they: ``ATLAS_AUTH=none`` (a laptop), ``login`` (users in the database) or
``oidc`` (the office's single sign-on).

Every request passes one ``before_request`` check, so no route or callback can forget it:
anonymous requests to a page are sent to /login, anything else gets a 401 JSON; a Dash callback
request whose triggering input writes (``INPUT_ROLES``: import, undo, saved-view changes) needs
an editor, else it gets a 403 JSON in the user's language that assets/auth-refusal.js shows on the page.
Sessions are Flask's cookie signed with ``SECRET_KEY``, so every host sharing the key accepts them;
API clients may instead send HTTP Basic credentials of the same users. A state-changing request
authorised by the cookie, or sent by a browser with Basic credentials, must come from this site
(Sec-Fetch-Site, else Origin or Referer), so another site cannot post with them.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import html
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask, Response, g, has_request_context, jsonify, redirect, request, session

from dashboard.hardening import DISPATCH_PATH, malformed
from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from dashboard.settings import data_dir
from geodata.users import EDITOR, LOCAL_USER, ROLES, VIEWER, SignInRefused, User, UserStore, allows

log = logging.getLogger(__name__)
AUTH_ENV = "ATLAS_AUTH"
NONE, LOGIN, OIDC = "none", "login", "oidc"
MODES = (NONE, LOGIN, OIDC)
MIN_SECRET = 32
SESSION_HOURS = 12
BASIC_CACHE_S = 60.0
BASIC_CACHE_SIZE = 256
WARMUP = "atlas.warmup"  # a WSGI environ key no HTTP client can set: the factory's own first request
OPEN_PATHS = ("/login", "/logout", "/oidc/callback", "/favicon.ico")
BASIC_PREFIXES = ("/api/", "/ogc", "/tiles/")  # where programs (QGIS, scripts) sign in with HTTP Basic
API_PREFIXES = ("/_dash", "/api/", "/ogc", "/export/", "/saved-views/", "/_reload", "/tiles/")
# Inputs (ids, or the type of a pattern id) whose change stores or deletes something, and the role
# that needs: a callback request triggered by one of them is refused to a lower role. A viewer
# keeps personal saved views (the store refuses changes to anyone else's, see
# geodata.savedviews.may_change); sharing one with the office needs an editor.
# tests/test_auth.py lists every other input of the app as a read, so a new one must be decided.
INPUT_ROLES: dict[str, str] = {
    "import-contents": EDITOR,
    "import-confirm": EDITOR,
    "layer-remove": EDITOR,
    "layer-restore": EDITOR,
    "save-view": VIEWER,
    "saved-import-file": VIEWER,
    "saved-rename": VIEWER,
    "saved-up": VIEWER,
    "saved-down": VIEWER,
    "saved-delete": VIEWER,
    "saved-undo-click": VIEWER,
    "saved-share": EDITOR,
}


class AuthConfigError(ValueError):
    """The sign-in settings cannot work; the message says which variable to fix."""


@dataclass(frozen=True)
class OidcConfig:
    """The office's OpenID Connect provider and how its claims map to atlas roles."""

    issuer: str
    client_id: str
    client_secret: str
    role_claim: str = "roles"
    role_map: Mapping[str, str] = field(default_factory=dict)  # claim value -> atlas role
    default_role: str | None = None  # for a signed-in person none of whose claim values is mapped

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


@dataclass(frozen=True)
class AuthConfig:
    """How this deployment asks who you are (read from the environment once, at start)."""

    mode: str = NONE
    secret_key: str = ""
    cookie_secure: bool = False
    oidc: OidcConfig | None = None

    @property
    def enabled(self) -> bool:
        return self.mode != NONE

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> AuthConfig:
        """The settings, or AuthConfigError naming what is missing or wrong."""
        mode = environ.get(AUTH_ENV, NONE).strip().lower() or NONE
        if mode not in MODES:
            raise AuthConfigError(f"{AUTH_ENV} must be one of {', '.join(MODES)}, got '{mode[:20]}'")
        secure = _flag(environ, "ATLAS_COOKIE_SECURE")
        if mode == NONE:
            return cls(cookie_secure=secure)
        secret = environ.get("SECRET_KEY", "")
        if len(secret) < MIN_SECRET:
            raise AuthConfigError(
                f"{AUTH_ENV}={mode} needs SECRET_KEY: at least {MIN_SECRET} random characters, the same on every "
                "host (make one with: python -c 'import secrets; print(secrets.token_hex(32))')"
            )
        return cls(mode, secret, secure, _oidc_config(environ) if mode == OIDC else None)


def _flag(environ: Mapping[str, str], name: str) -> bool:
    value = environ.get(name, "").strip().lower()
    if value not in ("", "0", "1", "true", "false", "yes", "no"):
        raise AuthConfigError(f"{name} must be 1 or 0, got '{value[:20]}'")
    return value in ("1", "true", "yes")


def _oidc_config(environ: Mapping[str, str]) -> OidcConfig:
    """ATLAS_OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET, _ROLE_CLAIM (default roles), _ROLES
    ("value=role,value=role") and _DEFAULT_ROLE (optional)."""
    values = {
        key: environ.get(f"ATLAS_OIDC_{key}", "").strip() for key in ("ISSUER", "CLIENT_ID", "CLIENT_SECRET")
    }
    missing = [f"ATLAS_OIDC_{key}" for key, value in values.items() if not value]
    if missing:
        raise AuthConfigError(f"{AUTH_ENV}=oidc needs {', '.join(missing)}")
    if urlsplit(values["ISSUER"]).scheme not in ("https", "http"):
        raise AuthConfigError("ATLAS_OIDC_ISSUER must be the provider's https:// URL")
    role_map: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in environ.get("ATLAS_OIDC_ROLES", "").split(","))):
        claim_value, _, role = pair.rpartition("=")
        if not claim_value or role not in ROLES:
            raise AuthConfigError(
                f"ATLAS_OIDC_ROLES: '{pair[:60]}' is not VALUE=ROLE with ROLE one of {', '.join(ROLES)}"
            )
        role_map[claim_value] = role
    default = environ.get("ATLAS_OIDC_DEFAULT_ROLE", "").strip() or None
    if default is not None and default not in ROLES:
        raise AuthConfigError(f"ATLAS_OIDC_DEFAULT_ROLE must be one of {', '.join(ROLES)}")
    if not role_map and default is None:
        raise AuthConfigError(
            "oidc needs ATLAS_OIDC_ROLES (e.g. atlas-editors=editor) or ATLAS_OIDC_DEFAULT_ROLE"
        )
    claim = environ.get("ATLAS_OIDC_ROLE_CLAIM", "").strip() or "roles"
    return OidcConfig(
        values["ISSUER"], values["CLIENT_ID"], values["CLIENT_SECRET"], claim, role_map, default
    )


def oidc_role(claims: Mapping[str, Any], config: OidcConfig) -> str | None:
    """The highest atlas role any value of the role claim maps to (a string or a list of them), else
    the default role; None means this person may not use the atlas."""
    values = claims.get(config.role_claim)
    values = [values] if isinstance(values, str) else values if isinstance(values, list) else []
    mapped = [config.role_map[v] for v in values if isinstance(v, str) and v in config.role_map]
    return max(mapped, key=ROLES.index) if mapped else config.default_role


def current_user() -> User | None:
    """The user of this request (set by the check every request passes), None when anonymous or
    outside a request (Dash builds the layout once at start to learn its ids)."""
    return g.get("atlas_user") if has_request_context() else None


def actor_name() -> str:
    """Who a change is recorded under: the signed-in user ("local" without login)."""
    user = current_user()
    return user.name if user is not None else "anonymous"  # never: the request check stops anonymous writes


def view_owner() -> str | None:
    """Whose saved views this request sees and changes: the signed-in user's (with the shared
    ones), or None on the laptop without login, where there is one list and all of it is theirs."""
    local = has_request_context() and g.get("atlas_via") == "local"
    return None if local else actor_name()


def may_edit() -> bool:
    """Whether the user of this request is an editor (or the laptop's local user)."""
    user = current_user()
    return user is not None and user.may(EDITOR)


def _id_name(raw: str) -> str:
    """An input's id as INPUT_ROLES names it: the id, or a pattern id's ``type``."""
    if raw.startswith("{"):
        try:
            return str(json.loads(raw).get("type", ""))
        except (json.JSONDecodeError, AttributeError):
            return ""
    return raw


def callback_role(body: Mapping[str, Any], callbacks: Mapping[str, Any]) -> str:
    """The role a (well-formed) callback request needs: the highest of its writing inputs' roles
    when the callback has nothing but writing inputs, else of those that triggered it
    (``changedPropIds``, which is also what the callback reads as its trigger); viewer otherwise."""
    inputs = [_id_name(str(i.get("id", ""))) for i in callbacks[body["output"]].get("inputs", [])]
    if not all(name in INPUT_ROLES for name in inputs):
        inputs = [_id_name(str(p).rsplit(".", 1)[0]) for p in body.get("changedPropIds", [])]
    return max((INPUT_ROLES.get(name, VIEWER) for name in inputs), key=ROLES.index, default=VIEWER)


def callback_language(body: Mapping[str, Any]) -> str:
    """The page's language as the callback request carries it (its lang-toggle input or state)."""
    for item in [*body.get("inputs", []), *body.get("state", [])]:
        if isinstance(item, dict) and item.get("id") == "lang-toggle" and item.get("value") in LANGUAGES:
            return item["value"]
    return request_language()


def request_language() -> str:
    """?lang=, else the browser's preference, else Indonesian."""
    asked = request.args.get("lang") or request.form.get("lang")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def same_origin() -> bool:
    """Whether the request says it comes from a page of this site: the browser's Sec-Fetch-Site
    when sent (every current browser does; with this site's no-referrer policy its form posts
    carry ``Origin: null``), else Origin, else Referer."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    return source != "null" and bool(source) and urlsplit(source).netloc == request.host


def trusted_source() -> bool:
    """Whether a state-changing request may use its credentials: a cookie session only from this
    site's pages; HTTP Basic from programs, or from a browser (it sends Sec-Fetch-Site or Origin,
    and may replay cached Basic credentials for another site's form) only from this site too."""
    if g.atlas_via == "session":
        return same_origin()
    if "Sec-Fetch-Site" in request.headers or request.headers.get("Origin"):
        return same_origin()
    return True


def refusal(status: int, key: str, lang: str, role: str | None = None, **params: Any) -> Response:
    """A JSON refusal: ``error`` in ``lang`` for the page, ``messages`` in both, ``code`` for programs;
    ``role`` (a role id) is named in each message's own language."""
    messages = {
        language: t(key, language, **params, **({"role": t(f"role.{role}", language)} if role else {}))
        for language in LANGUAGES
    }
    response = jsonify({"error": messages[lang], "code": key, "messages": messages})
    response.status_code = status
    if status == 401 and request.path.startswith(BASIC_PREFIXES):  # not for the page: no browser dialog
        response.headers["WWW-Authenticate"] = 'Basic realm="Atlas Kawasan", charset="UTF-8"'
    return response


def _page_request() -> bool:
    """Whether a person's browser asks for a page (sent to /login) rather than a program for data."""
    if request.method != "GET" or request.path.startswith(API_PREFIXES):
        return False
    return request.path == "/" or "text/html" in request.headers.get("Accept", "")


class Gatekeeper:
    """The sign-in settings and users of one app, and the request check built on them."""

    def __init__(self, config: AuthConfig, users: UserStore | None) -> None:
        self.config = config
        self.users = users
        # Basic credentials verified lately: keyed by an HMAC of the header (never the password),
        # so a GIS client paging through /ogc pays Argon2 (~0.1-0.5 s of CPU) once a minute, not per page
        self._verified: OrderedDict[bytes, tuple[str, float]] = OrderedDict()
        self._lock = threading.Lock()

    def basic_user(self) -> User | None:
        """The user of a valid ``Authorization: Basic`` header (throttled like the login page)."""
        header = request.headers.get("Authorization", "")
        if self.users is None or not header.lower().startswith("basic "):
            return None
        key = hmac.digest(self.config.secret_key.encode(), header.encode(), "sha256")
        with self._lock:
            name, until = self._verified.get(key, ("", 0.0))
        if until > time.monotonic():
            return self.users.get(name)  # looked up again: a removal or a new role applies at once
        try:
            name, _, password = base64.b64decode(header[6:].strip(), validate=True).decode().partition(":")
            user = self.users.authenticate(name, password, request.remote_addr or "")
        except (binascii.Error, UnicodeDecodeError, SignInRefused):
            return None
        with self._lock:
            self._verified[key] = (user.name, time.monotonic() + BASIC_CACHE_S)
            while len(self._verified) > BASIC_CACHE_SIZE:
                self._verified.popitem(last=False)
        return user

    def session_user(self) -> User | None:
        """The user of the signed session cookie: looked up again in login mode, so a removed user
        or a changed role applies at once; as the provider said at sign-in in oidc mode."""
        name = session.get("user")
        if not isinstance(name, str):
            return None
        if self.config.mode == OIDC:
            role = session.get("role")
            return User(name, role) if role in ROLES else None
        return self.users.get(name) if self.users is not None else None

    def identify(self) -> None:
        """Set ``g.atlas_user`` and ``g.atlas_via`` ("local", "session", "basic" or None)."""
        g.atlas_user, g.atlas_via = None, None
        if not self.config.enabled:
            g.atlas_user, g.atlas_via = LOCAL_USER, "local"
            return
        user = self.session_user()
        if user is not None:
            g.atlas_user, g.atlas_via = user, "session"
            return
        user = self.basic_user()
        if user is not None:
            g.atlas_user, g.atlas_via = user, "basic"

    def check(self, callbacks: Mapping[str, Any]) -> Response | None:
        """The refusal for this request, or None to let it through."""
        if request.environ.get(WARMUP):
            return None
        self.identify()
        user = current_user()
        if request.path in OPEN_PATHS:
            return None
        if user is None:
            if _page_request():
                return redirect("/login?" + urlencode({"next": request.full_path.rstrip("?")}))
            return refusal(401, "auth.required", request_language())
        if (
            request.method not in ("GET", "HEAD", "OPTIONS")
            and g.atlas_via != "local"
            and not trusted_source()
        ):
            log.warning("refused %s %s: cookie session from another origin", request.method, request.path)
            return refusal(403, "auth.cross_site", request_language())
        if request.path == DISPATCH_PATH and request.method == "POST":
            body = request.get_json(silent=True)
            if malformed(body, callbacks) is not None:
                return None  # dashboard.hardening refuses it next, with a 400 that says why
            needed = callback_role(body, callbacks)
            if not user.may(needed):
                log.warning(
                    "refused callback %s to %s (%s)", body.get("output", "")[:80], user.name, user.role
                )
                return forbidden(user, callback_language(body))
        return None


def forbidden(user: User, lang: str) -> Response:
    """403: this user's role may not do that (the message names their role)."""
    return refusal(403, "auth.forbidden", lang, role=user.role)


def require(needed: str) -> Response | None:
    """The refusal for a route that needs ``needed`` (401 anonymous, 403 too low a role), else None."""
    user = current_user()
    if user is None:
        return refusal(401, "auth.required", request_language())
    return None if allows(user.role, needed) else forbidden(user, request_language())


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (never //elsewhere or a URL)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def login_page(lang: str, next_url: str, message: str = "", status: int = 200, form: bool = True) -> Response:
    """The sign-in form in ``lang``, with a link to the other language; without ``form`` (single
    sign-on) only the message and a link to try again."""
    other = "en" if lang == "id" else "id"
    esc = html.escape
    body = f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{esc(t("login.title", lang))} · Atlas Kawasan</title>
<style>body{{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}}
label{{display:block;margin:.8rem 0 .2rem}}input{{width:100%;padding:.4rem;box-sizing:border-box}}
button{{margin-top:1rem;padding:.5rem 1.2rem}}.error{{color:#a00}}</style></head>
<body><h1>Atlas Kawasan</h1><h2>{esc(t("login.title", lang))}</h2>
{f'<p class="error" role="alert" id="login-error">{esc(message)}</p>' if message else ""}
{password_form(lang, next_url) if form else f'<p><a id="login-again" href="/login">{esc(t("login.submit", lang))}</a></p>'}
<p><a href="/login?{esc(urlencode({"lang": other, "next": next_url}))}">{"English" if other == "en" else "Bahasa Indonesia"}</a></p>
</body></html>"""
    return Response(body, status=status, mimetype="text/html")


def password_form(lang: str, next_url: str) -> str:
    """The name and password form of ``ATLAS_AUTH=login``."""
    esc = html.escape
    return f"""<form method="post" action="/login">
<input type="hidden" name="next" value="{esc(next_url)}"><input type="hidden" name="lang" value="{lang}">
<label for="name">{esc(t("login.name", lang))}</label>
<input id="name" name="name" autocomplete="username" required autofocus>
<label for="password">{esc(t("login.password", lang))}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" id="login-submit">{esc(t("login.submit", lang))}</button></form>"""


def _sign_in(user: User) -> None:
    session.clear()  # a new session on every sign-in: nothing planted before it survives
    session.permanent = True
    session["user"] = user.name
    session["role"] = user.role


def _register_login(server: Flask, keeper: Gatekeeper) -> None:
    @server.route("/login", methods=["GET", "POST"])
    def login() -> Response:
        lang = request_language()
        next_url = _safe_next(request.values.get("next"))
        if request.method == "GET":
            return login_page(lang, next_url)
        if not same_origin():
            return login_page(lang, next_url, t("auth.cross_site", lang), 403)
        name, password = request.form.get("name", ""), request.form.get("password", "")
        try:
            user = keeper.users.authenticate(name, password, request.remote_addr or "")
        except SignInRefused as refused:
            if refused.wait_s:
                page = login_page(lang, next_url, t("login.throttled", lang, s=int(refused.wait_s) + 1), 429)
                page.headers["Retry-After"] = str(int(refused.wait_s) + 1)
                return page
            return login_page(lang, next_url, t("login.wrong", lang), 401)
        _sign_in(user)
        log.info("signed in: %s (%s)", user.name, user.role)
        return redirect(next_url)


def _register_oidc(server: Flask, keeper: Gatekeeper) -> None:
    # only an office with single sign-on needs these
    from authlib.integrations.base_client.errors import OAuthError
    from authlib.integrations.flask_client import OAuth
    from joserfc.errors import JoseError
    from requests import RequestException

    config = keeper.config.oidc
    oauth = OAuth(server)
    oauth.register(
        "office",
        server_metadata_url=config.metadata_url,
        client_id=config.client_id,
        client_secret=config.client_secret,
        client_kwargs={"scope": "openid profile email"},
    )

    @server.route("/login")
    def login() -> Response:
        session["next"] = _safe_next(request.args.get("next"))
        return oauth.office.authorize_redirect(request.url_root.rstrip("/") + "/oidc/callback")

    @server.route("/oidc/callback")
    def oidc_callback() -> Response:
        lang = request_language()
        try:  # checks the state, then the ID token's signature, issuer, audience, expiry and nonce
            token = oauth.office.authorize_access_token()
        except (OAuthError, JoseError, RequestException) as exc:  # refused, forged, or provider unreachable
            log.warning("single sign-on refused: %s", exc)
            return login_page(lang, "/", t("login.sso_failed", lang), 401, form=False)
        claims = token.get("userinfo") or {}
        role = oidc_role(claims, config)
        name = str(claims.get("preferred_username") or claims.get("email") or claims.get("sub") or "")
        if role is None or not name:
            log.warning("single sign-on: %r has no atlas role", name)
            return login_page(lang, "/", t("login.no_role", lang), 403, form=False)
        next_url = session.get("next", "/")
        _sign_in(User(name[:64], role))
        return redirect(_safe_next(next_url))


def install_auth(server: Flask, callbacks: Mapping[str, Any], config: AuthConfig) -> Gatekeeper:
    """Configure the session cookie, the login (or single sign-on) routes, logout, and the check of
    every request; returns the gatekeeper (its users are None with ATLAS_AUTH=none)."""
    users = UserStore.for_data_dir(data_dir()) if config.enabled else None
    keeper = Gatekeeper(config, users)
    if config.enabled:
        server.config.update(
            SECRET_KEY=config.secret_key,
            SESSION_COOKIE_NAME="atlas_session",
            SESSION_COOKIE_HTTPONLY=True,
            SESSION_COOKIE_SAMESITE="Lax",
            SESSION_COOKIE_SECURE=config.cookie_secure,
            PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
        )
        (_register_oidc if config.mode == OIDC else _register_login)(server, keeper)

        @server.route("/logout", methods=["POST"])
        def logout() -> Response:
            if not same_origin():
                return refusal(403, "auth.cross_site", request_language())
            session.clear()
            return redirect("/login")

    server.before_request(lambda: keeper.check(callbacks))
    return keeper
