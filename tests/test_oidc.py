"""Single sign-on end to end against a small OpenID Connect provider run here: discovery, the
redirect, the code exchange, the ID token's RS256 signature and nonce, and the role mapping.

The provider is this test's own (a Flask app on a local port that signs ID tokens with a key made
here), not a real office product such as Keycloak: what it proves is the atlas's side of the
protocol as Authlib implements it."""

from __future__ import annotations

import threading
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask, jsonify, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

from dashboard.factory import create_app
from dashboard.i18n import t

CLIENT_ID, CLIENT_SECRET = "atlas-kawasan", "client-secret-for-tests"


class Provider:
    """Discovery, JWKS and a token endpoint that answers the code with an ID token for ``claims``."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "office-1"})
        self.signing_key = self.key
        self.claims: dict = {}
        self.nonce = ""
        app = Flask("provider")
        app.add_url_rule("/.well-known/openid-configuration", view_func=self.discovery)
        app.add_url_rule("/jwks", view_func=lambda: jsonify({"keys": [self.key.as_dict(private=False)]}))
        app.add_url_rule("/token", view_func=self.token, methods=["POST"])
        self.server = make_server("127.0.0.1", 0, app)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def discovery(self):
        return jsonify(
            {
                "issuer": self.issuer,
                "authorization_endpoint": self.issuer + "/authorize",
                "token_endpoint": self.issuer + "/token",
                "jwks_uri": self.issuer + "/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        )

    def token(self):
        credentials = request.authorization  # client_secret_basic, Authlib's default
        if request.form.get("code") != "the-code" or (credentials.username, credentials.password) != (
            CLIENT_ID,
            CLIENT_SECRET,
        ):
            return jsonify({"error": "invalid_grant"}), 400
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": self.nonce}
        id_token = jwt.encode({"alg": "RS256", "kid": "office-1"}, claims | self.claims, self.signing_key)
        return jsonify(
            {"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": id_token}
        )


@pytest.fixture(scope="module")
def provider():
    office = Provider()
    yield office
    office.server.shutdown()


@pytest.fixture(scope="module")
def app(provider, atlas, tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        for proxy in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
            patch.delenv(proxy, raising=False)
        patch.setenv("ATLAS_DATA_DIR", str(tmp_path_factory.mktemp("oidc-data")))
        patch.setenv("ATLAS_AUTH", "oidc")
        patch.setenv("SECRET_KEY", "o" * 48)
        patch.setenv("ATLAS_OIDC_ISSUER", provider.issuer)
        patch.setenv("ATLAS_OIDC_CLIENT_ID", CLIENT_ID)
        patch.setenv("ATLAS_OIDC_CLIENT_SECRET", CLIENT_SECRET)
        patch.setenv("ATLAS_OIDC_ROLE_CLAIM", "groups")
        patch.setenv("ATLAS_OIDC_ROLES", "atlas-editors=editor,staff=viewer")
        yield create_app(atlas)


def sign_in(app, provider: Provider, claims: dict, next_url: str = "/?view=kaltim"):
    """Follow the redirect to the provider, then come back with its code as a browser would."""
    client = app.server.test_client()
    away = client.get(f"/login?next={next_url}")
    assert away.status_code == 302 and away.headers["Location"].startswith(provider.issuer + "/authorize?")
    asked = parse_qs(urlsplit(away.headers["Location"]).query)
    assert asked["client_id"] == [CLIENT_ID] and asked["redirect_uri"] == ["http://localhost/oidc/callback"]
    assert "openid" in asked["scope"][0]
    provider.nonce, provider.claims = asked["nonce"][0], claims
    back = client.get(f"/oidc/callback?code=the-code&state={asked['state'][0]}")
    return client, back


def test_an_office_editor_signs_in_and_may_import(app, provider):
    client, back = sign_in(
        app, provider, {"sub": "u-17", "preferred_username": "sari", "groups": ["staff", "atlas-editors"]}
    )
    assert back.status_code == 302 and back.headers["Location"] == "/?view=kaltim"
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "sari (editor)" in layout and "import-not-allowed" not in layout


def test_office_staff_sign_in_as_viewers(app, provider):
    client, back = sign_in(app, provider, {"sub": "u-18", "email": "budi@bappeda.example", "groups": "staff"})
    assert back.status_code == 302
    layout = client.get("/_dash-layout").get_data(as_text=True)
    assert "budi@bappeda.example (pembaca)" in layout and "import-not-allowed" in layout


def test_a_person_without_a_mapped_group_is_refused(app, provider):
    client, back = sign_in(
        app, provider, {"sub": "u-19", "preferred_username": "tamu", "groups": ["visitors"]}
    )
    page = back.get_data(as_text=True)
    assert back.status_code == 403 and t("login.no_role", "id") in page
    assert 'id="login-again"' in page and "password" not in page  # single sign-on asks no password here
    assert client.get("/_dash-layout").status_code == 401


def test_a_token_signed_by_another_key_or_a_replayed_state_is_refused(app, provider):
    provider.signing_key = RSAKey.generate_key(2048, parameters={"kid": "office-1"})
    try:
        client, back = sign_in(
            app, provider, {"sub": "u-20", "preferred_username": "mallory", "groups": "atlas-editors"}
        )
    finally:
        provider.signing_key = provider.key
    assert back.status_code == 401 and t("login.sso_failed", "id") in back.get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 401
    client = app.server.test_client()
    assert client.get("/oidc/callback?code=the-code&state=made-up").status_code == 401
