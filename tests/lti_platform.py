"""A test LMS: an LTI 1.3 platform with its own RSA key, served over HTTP on localhost.

It does what Moodle or Canvas do for a launch, by the specification (IMS LTI 1.3 core and
Security Framework): a course page with a link to the tool, the third-party login initiation
sent to the tool, the OIDC authorisation endpoint that answers the tool's redirect with a
signed id token posted back to the tool, and its JWKS for the tool to check that signature.
A teacher's deep-linking request gets the tool's signed answer back at the return URL, checked
against the tool's JWKS. `tamper` makes it send what a broken or hostile platform would: an expired token, one signed by
another key, for another audience, from an unknown deployment.
"""

from __future__ import annotations

import html
import json
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

LTI = "https://purl.imsglobal.org/spec/lti/claim"
DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
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
    tool_jwks_url: str = ""
    sent: list[dict[str, Any]] = field(default_factory=list)  # every id token's claims
    placed: list[dict[str, Any]] = field(default_factory=list)  # deep-linked content items
    errors: list[str] = field(default_factory=list)  # what the platform refused, and why

    @property
    def issuer(self) -> str:
        return self.url

    def jwks(self) -> dict[str, Any]:
        public = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [public | {"kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def course_link(
        self, *, user: str, role: str, activity: str = "", tamper: str = "", deep: bool = False
    ) -> str:
        """The course page's link to the tool for this person; `deep`: the teacher's "add an
        activity from MedEd" (a deep-linking request) instead of a link's launch."""
        hint = json.dumps({"role": role, "activity": activity, "tamper": tamper, "deep": deep})
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
        message: dict[str, Any] = (
            {
                f"{LTI}/message_type": "LtiDeepLinkingRequest",
                DEEP_LINKING_SETTINGS: {
                    "deep_link_return_url": f"{self.url}/deep-link-return",
                    "accept_types": ["ltiResourceLink"],
                    "accept_presentation_document_targets": ["window"],
                    "data": "course-1-placement",
                },
            }
            if hint.get("deep")
            else {
                f"{LTI}/message_type": "LtiResourceLinkRequest",
                f"{LTI}/resource_link": {"id": "link-1", "title": "Heel pain quiz"},
                f"{LTI}/custom": {"activity": hint["activity"]},
            }
        )
        return message | {
            "iss": self.issuer,
            "aud": "another-tool" if tamper == "wrong-audience" else self.client_id,
            "sub": f"lms-user-{user}",
            "iat": now - 3600 if tamper == "expired" else now,
            "exp": now - 1800 if tamper == "expired" else now + 300,
            "nonce": nonce,
            "given_name": first.title(),
            "family_name": last.title(),
            "email": f"{user}@students.example.edu",
            f"{LTI}/version": "1.3.0",
            f"{LTI}/deployment_id": "deployment-9"
            if tamper == "unknown-deployment"
            else self.deployment_id,
            f"{LTI}/target_link_uri": self.tool_launch_url,
            f"{LTI}/roles": ROLES[hint["role"]],
            f"{LTI}/context": {"id": "course-1", "label": "MED301", "title": "Heel pain"},
        }

    def deep_link_return(self, form: dict[str, str]) -> str:
        """Check the tool's signed answer against the tool's own JWKS, as an LMS does, and
        place its links in the course."""
        token = form["JWT"]
        with urllib.request.urlopen(self.tool_jwks_url, timeout=5) as reply:  # noqa: S310
            keys = json.load(reply)["keys"]
        kid = jwt.get_unverified_header(token).get("kid")
        key = next(k for k in keys if kid is None or k.get("kid") == kid)
        claims = jwt.decode(
            token,
            RSAAlgorithm.from_jwk(json.dumps(key)),  # type: ignore[arg-type]
            algorithms=["RS256"],
            audience=self.issuer,
            issuer=self.client_id,
        )
        assert claims[f"{LTI}/message_type"] == "LtiDeepLinkingResponse"
        assert claims[f"{LTI}/deployment_id"] == self.deployment_id
        assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "course-1-placement"
        items = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
        self.placed.extend(items)
        titles = "".join(f"<li>{html.escape(item['title'])}</li>" for item in items)
        return (
            '<!doctype html><html lang="en"><head><title>Placed</title></head><body>'
            f"<h1>Placed in the course</h1><ul>{titles}</ul></body></html>"
        )

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        try:
            return self._serve(environ, start_response)
        except Exception as problem:  # a test platform: say what went wrong, on the page
            self.errors.append(repr(problem))
            start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
            return [repr(problem).encode()]

    def _serve(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        path = environ["PATH_INFO"]
        if path == "/jwks":
            body, kind = json.dumps(self.jwks()), "application/json"
        elif path == "/course":
            body, kind = self.course(query), "text/html"
        elif path == "/auth":
            body, kind = self.authorize(query), "text/html"
        elif path == "/deep-link-return":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            form = {
                k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(length).decode()).items()
            }
            body, kind = self.deep_link_return(form), "text/html"
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


class _ThreadedServer(ThreadingMixIn, WSGIServer):
    """A thread per connection: Chromium opens spare connections it may never use, and a
    one-thread server would wait on one of them while a real request queues."""

    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def running_platform(tool_url: str) -> Iterator[Platform]:
    platform = Platform()
    server = make_server(
        "127.0.0.1", 0, platform, server_class=_ThreadedServer, handler_class=_Quiet
    )
    platform.url = f"http://127.0.0.1:{server.server_port}"
    platform.tool_launch_url = f"{tool_url}/lti/launch/"
    platform.tool_jwks_url = f"{tool_url}/lti/jwks/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield platform
    finally:
        server.shutdown()
        server.server_close()
