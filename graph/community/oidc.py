"""Signing in with an OpenID Connect provider (ProConnect, the State's federation for public agents): the
authorization code flow with PKCE, a state and a nonce, and the checks of the ID token.

The protocol's rules are Authlib's (PKCE challenge, the claims of an ID token: issuer, audience, expiry, nonce,
authorised party, access-token hash) and joserfc's (the token's signature, against the provider's published
keys, with the algorithms it announces); the requests go through the project's one HTTP client
(``graph.http``). ProConnect answers the user-info endpoint with a signed JWT rather than JSON: both are read,
the JWT checked like the ID token.

    client = OidcClient(settings)
    url, pending = client.begin(redirect_uri)        # send the browser to url; keep pending (signed cookie)
    identity = client.finish(code, state, redirect_uri, pending)    # back at the callback
    client.logout_url(identity.id_token, post_logout_redirect_uri, state)
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken, UserInfo
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from graph.config import Settings
from graph.errors import RessourcerieError
from graph.http import Http, HttpFailure

DISCOVERY = "/.well-known/openid-configuration"
METADATA_SECONDS = 3600.0
LEEWAY = 60  # seconds of clock difference accepted on exp, iat


class SignInFailed(RessourcerieError):
    """A sign-in that cannot be completed: refused by the provider, a state or nonce that does not match, a token
    whose signature or claims do not hold, a provider that cannot be reached."""

    status = 400


@dataclass(frozen=True)
class Pending:
    """What the browser carries (in a signed cookie) between leaving for the provider and coming back."""

    state: str
    nonce: str
    verifier: str
    back: str  # where to go after signing in

    def dump(self) -> str:
        return json.dumps([self.state, self.nonce, self.verifier, self.back])

    @classmethod
    def load(cls, text: str) -> Pending | None:
        try:
            state, nonce, verifier, back = json.loads(text)
        except (ValueError, TypeError):
            return None
        return cls(str(state), str(nonce), str(verifier), str(back))


@dataclass(frozen=True)
class Identity:
    claims: dict[str, Any]  # the ID token's claims, completed by the user-info endpoint's
    id_token: str


class OidcClient:
    def __init__(self, settings: Settings, http: Http | None = None) -> None:
        self.issuer = settings.oidc_issuer.rstrip("/")
        self.client_id = settings.oidc_client_id
        self.client_secret = settings.oidc_client_secret
        self.scopes = settings.oidc_scopes
        self.http = http or Http(timeout=10.0, retries=1)
        self._metadata: dict[str, Any] | None = None
        self._fetched = 0.0
        self._keys: KeySet | None = None
        self._lock = threading.Lock()

    # --- the provider ---------------------------------------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        with self._lock:
            if self._metadata is None or time.monotonic() - self._fetched > METADATA_SECONDS:
                data = self._json("GET", self.issuer + DISCOVERY)
                if str(data.get("issuer", "")).rstrip("/") != self.issuer:
                    raise SignInFailed(f"the provider's discovery document names another issuer: {data.get('issuer')}")
                for needed in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                    if not data.get(needed):
                        raise SignInFailed(f"the provider's discovery document has no {needed}")
                self._metadata, self._fetched, self._keys = data, time.monotonic(), None
            return self._metadata

    def keys(self, refresh: bool = False) -> KeySet:
        if self._keys is None or refresh:
            self._keys = KeySet.import_key_set(self._json("GET", self.metadata()["jwks_uri"]))  # type: ignore[arg-type]
        return self._keys

    def _json(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self.http.request(method, url, retry=method == "GET", **kwargs)
        except HttpFailure as e:
            raise SignInFailed(f"the sign-in provider cannot be reached: {e.reason}") from None
        if response.status_code >= 400:
            raise SignInFailed(f"the sign-in provider answered {response.status_code} at {url}: {response.text[:300]}")
        try:
            data = response.json()
        except ValueError:
            raise SignInFailed(f"the sign-in provider's answer at {url} is not JSON") from None
        if not isinstance(data, dict):
            raise SignInFailed(f"the sign-in provider's answer at {url} is not a JSON object")
        return data

    # --- the flow -------------------------------------------------------------------------------------------

    def begin(self, redirect_uri: str, back: str = "/") -> tuple[str, Pending]:
        pending = Pending(secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48), back)
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "scope": self.scopes,
            "state": pending.state,
            "nonce": pending.nonce,
            "code_challenge": create_s256_code_challenge(pending.verifier),
            "code_challenge_method": "S256",
        }
        return f"{self.metadata()['authorization_endpoint']}?{urlencode(params)}", pending

    def finish(self, code: str, state: str, redirect_uri: str, pending: Pending | None) -> Identity:
        if pending is None:
            raise SignInFailed("the sign-in was not started from this browser, or it took too long: start again")
        if not state or not secrets.compare_digest(state, pending.state):
            raise SignInFailed("the state sent back by the provider is not the one this sign-in sent")
        if not code:
            raise SignInFailed("the provider sent back no authorisation code")
        token = self._json(
            "POST",
            self.metadata()["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": pending.verifier,
            },
            headers={"Authorization": _basic(self.client_id, self.client_secret), "Accept": "application/json"},
        )
        id_token, access_token = str(token.get("id_token", "")), str(token.get("access_token", ""))
        if not id_token:
            raise SignInFailed("the provider's token answer has no ID token")
        claims = self.verify(id_token, pending.nonce, access_token)
        info = self.userinfo(access_token) if access_token and self.metadata().get("userinfo_endpoint") else {}
        if info and info.get("sub") != claims.get("sub"):
            raise SignInFailed("the user information is about another person than the ID token")
        return Identity({**info, **claims}, id_token)

    def verify(self, id_token: str, nonce: str, access_token: str = "") -> dict[str, Any]:
        """The claims of an ID token whose signature, issuer, audience, dates and nonce hold; else SignInFailed."""
        params: dict[str, Any] = {"nonce": nonce, "client_id": self.client_id}
        if access_token:
            params["access_token"] = access_token
        decoded = self._decode(id_token)
        options: dict[str, Any] = {
            "iss": {"essential": True, "value": self.metadata()["issuer"]},
            "aud": {"essential": True, "value": self.client_id},
        }
        claims = CodeIDToken(decoded.claims, decoded.header, options, params)
        try:
            claims.validate(now=int(time.time()), leeway=LEEWAY)
        except JoseError as e:
            raise SignInFailed(f"the ID token is refused: {e.error}: {e.description or ''}".strip(": ")) from None
        return dict(claims)

    def _decode(self, token: str) -> jwt.Token:
        algorithms = self.metadata().get("id_token_signing_alg_values_supported") or ["RS256"]
        registry = JWSRegistry(algorithms=[a for a in algorithms if a != "none"])
        try:
            try:
                return jwt.decode(token, self.keys(), registry=registry)
            except JoseError:  # the provider may have rotated its keys: read them again once
                return jwt.decode(token, self.keys(refresh=True), registry=registry)
        except (JoseError, ValueError) as e:
            raise SignInFailed(f"the token's signature does not hold: {e}") from None

    def userinfo(self, access_token: str) -> dict[str, Any]:
        url = self.metadata()["userinfo_endpoint"]
        try:
            response = self.http.request("GET", url, headers={"Authorization": f"Bearer {access_token}"})
        except HttpFailure as e:
            raise SignInFailed(f"the sign-in provider cannot be reached: {e.reason}") from None
        if response.status_code >= 400:
            raise SignInFailed(f"the user-information endpoint answered {response.status_code}")
        if response.headers.get("content-type", "").split(";")[0].strip() == "application/jwt":
            decoded = self._decode(response.text.strip())
            info = dict(decoded.claims)
            if info.get("iss") and info["iss"] != self.metadata()["issuer"]:
                raise SignInFailed("the user information was signed by another issuer")
            return dict(UserInfo(info))
        try:
            return dict(UserInfo(response.json()))
        except ValueError:
            raise SignInFailed("the user information is neither JSON nor a JWT") from None

    def logout_url(self, id_token: str, post_logout_redirect_uri: str, state: str) -> str | None:
        """Where to send the browser to sign out of the provider too (None when it offers no logout)."""
        end = self.metadata().get("end_session_endpoint")
        if not end:
            return None
        params = {"post_logout_redirect_uri": post_logout_redirect_uri, "state": state, "client_id": self.client_id}
        if id_token:
            params["id_token_hint"] = id_token
        return f"{end}?{urlencode(params)}"


def _basic(user: str, password: str) -> str:
    """client_secret_basic (RFC 6749, 2.3.1): the id and secret form-encoded, then Basic."""
    pair = f"{quote(user, safe='')}:{quote(password, safe='')}".encode()
    return "Basic " + base64.b64encode(pair).decode()
