"""A test LMS: an LTI 1.3 platform with its own RSA key, served over HTTP on localhost.

It does what Moodle or Canvas do for a launch, by the specification (IMS LTI 1.3 core and
Security Framework): a course page with a link to the tool, the third-party login initiation
sent to the tool, the OIDC authorisation endpoint that answers the tool's redirect with a
signed id token posted back to the tool, and its JWKS for the tool to check that signature.
`tamper` makes it send what a broken or hostile platform would: an expired token, one signed by
another key, for another audience, from an unknown deployment.
"""

from __future__ import annotations

import html
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, make_server

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

LTI = "https://purl.imsglobal.org/spec/lti/claim"
ROLES = {
    "learner": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
    "instructor": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
}


def _private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Platform:
    url: str = ""
    client_id: str = "meded-tool"
    deployment_id: str = "deployment-1"
    kid: str = field(default_factory=lambda: uuid.uuid4().hex)
    key: rsa.RSAPrivateKey = field(default_factory=_private_key)
    tool_init_url: str = ""
    tool_launch_url: str = ""
    sent: list[dict[str, Any]] = field(default_factory=list)  # every id token's claims

    @property
    def issuer(self) -> str:
        return self.url

    def jwks(self) -> dict[str, Any]:
        public = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [public | {"kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def course_link(self, *, user: str, role: str, activity: str, tamper: str = "") -> str:
        """The course page's link to the tool for this person."""
        hint = json.dumps({"role": role, "activity": activity, "tamper": tamper})
        return f"{self.url}/course?" + urlencode({"user": user, "hint": hint})

    # The platform's pages ------------------------------------------------------------------

    def course(self, query: dict[str, str]) -> str:
        fields = {
            "iss": self.issuer,
            "login_hint": query["user"],
            "target_link_uri": self.tool_launch_url,
            "lti_message_hint": query["hint"],
            "client_id": self.client_id,
            "lti_deployment_id": self.deployment_id,
        }
        return _form_page("Heel pain course", self.tool_init_url, "post", fields, "Open in MedEd")

    def authorize(self, query: dict[str, str]) -> str:
        assert query["client_id"] == self.client_id
        assert query["redirect_uri"] == self.tool_launch_url
        assert query["response_type"] == "id_token"
        hint = json.loads(query["lti_message_hint"])
        claims = self.claims(query["login_hint"], query["nonce"], hint)
        key: Any = self.key
        if hint["tamper"] == "wrong-key":
            key = _private_key()
        token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})
        self.sent.append(claims)
        fields = {"id_token": token, "state": query["state"]}
        return _form_page("Signing you in", query["redirect_uri"], "post", fields, "Continue")

    def claims(self, user: str, nonce: str, hint: dict[str, str]) -> dict[str, Any]:
        now = int(time.time())
        tamper = hint["tamper"]
        first, _, last = user.partition("-")
        return {
            "iss": self.issuer,
            "aud": "another-tool" if tamper == "wrong-audience" else self.client_id,
            "sub": f"lms-user-{user}",
            "iat": now - 3600 if tamper == "expired" else now,
            "exp": now - 1800 if tamper == "expired" else now + 300,
            "nonce": nonce,
            "given_name": first.title(),
            "family_name": last.title(),
            "email": f"{user}@students.example.edu",
            f"{LTI}/message_type": "LtiResourceLinkRequest",
            f"{LTI}/version": "1.3.0",
            f"{LTI}/deployment_id": "deployment-9"
            if tamper == "unknown-deployment"
            else self.deployment_id,
            f"{LTI}/target_link_uri": self.tool_launch_url,
            f"{LTI}/resource_link": {"id": "link-1", "title": "Heel pain quiz"},
            f"{LTI}/roles": ROLES[hint["role"]],
            f"{LTI}/context": {"id": "course-1", "label": "MED301", "title": "Heel pain"},
            f"{LTI}/custom": {"activity": hint["activity"]},
        }

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        path = environ["PATH_INFO"]
        if path == "/jwks":
            body, kind = json.dumps(self.jwks()), "application/json"
        elif path == "/course":
            body, kind = self.course(query), "text/html"
        elif path == "/auth":
            body, kind = self.authorize(query), "text/html"
        else:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        start_response("200 OK", [("Content-Type", f"{kind}; charset=utf-8")])
        return [body.encode()]


def _form_page(title: str, action: str, method: str, fields: dict[str, str], button: str) -> str:
    inputs = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in fields.items()
    )
    return (
        f'<!doctype html><html lang="en"><head><title>{title}</title></head><body>'
        f'<h1>{title}</h1><form method="{method}" action="{html.escape(action)}">'
        f'{inputs}<button type="submit">{button}</button></form></body></html>'
    )


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def running_platform(tool_url: str) -> Iterator[Platform]:
    platform = Platform()
    server = make_server("127.0.0.1", 0, platform, handler_class=_Quiet)
    platform.url = f"http://127.0.0.1:{server.server_port}"
    platform.tool_launch_url = f"{tool_url}/lti/launch/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield platform
    finally:
        server.shutdown()
        server.server_close()
