"""A stub OpenID Connect provider on loopback: authorize, token, userinfo and JWKS endpoints,
signing ID tokens with its own RSA key. The staff login tests (``tests/access/test_oidc.py``)
and the citizen sign-in tests (``tests/citizen``) use it; the authorize endpoint sends a
browser straight back with the code, as a provider does once the person has signed in."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "fastkontakt"
CODE = "the-code"


class StubProvider:
    """Token, userinfo and JWKS endpoints of an identity provider, signing with its own RSA key."""

    def __init__(self, client_id: str = CLIENT_ID) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.client_id = client_id
        self.nonce = ""
        self.claims: dict[str, Any] = {}
        self.id_token_extra: dict[str, Any] = {}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:  # noqa: N802 - the token endpoint
                length = int(self.headers["Content-Length"])
                form = parse_qs(self.rfile.read(length).decode())
                assert form["code"] == [CODE]
                self._json(
                    {
                        "access_token": "access",
                        "id_token": provider.id_token(),
                        "token_type": "Bearer",
                    }
                )

            def do_GET(self) -> None:  # noqa: N802 - authorize, userinfo and JWKS
                url = urlparse(self.path)
                if url.path == "/authorize":
                    query = parse_qs(url.query)
                    provider.nonce = query.get("nonce", [""])[0]
                    back = urlencode({"code": CODE, "state": query["state"][0]})
                    self.send_response(302)
                    self.send_header("Location", f"{query['redirect_uri'][0]}?{back}")
                    self.end_headers()
                elif url.path == "/jwks":
                    public = jwt.algorithms.RSAAlgorithm.to_jwk(
                        provider.key.public_key(), as_dict=True
                    )
                    self._json({"keys": [{**public, "kid": "k1", "alg": "RS256", "use": "sig"}]})
                else:
                    assert self.headers["Authorization"] == "Bearer access"
                    self._json(provider.claims)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def id_token(self) -> str:
        now = int(time.time())
        claims = {
            "iss": self.url,
            "aud": self.client_id,
            "sub": "user-1",
            "iat": now,
            "exp": now + 300,
            "nonce": self.nonce,
            **self.id_token_extra,
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "k1"})
