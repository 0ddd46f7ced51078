"""A real OpenID provider (django-oidc-provider, this package) in a throwaway process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "meded-tests"
CLIENT_SECRET = "provider-secret-for-tests-only"
PEOPLE = {"ada-lovelace": "ada-password", "grace-hopper": "grace-password"}


@dataclass(frozen=True)
class Provider:
    url: str

    @property
    def issuer(self) -> str:
        return f"{self.url}/openid"

    def settings(self) -> dict[str, str]:
        """The platform's sign-on settings for this provider, as a school would set them."""
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.issuer}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.issuer}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.issuer}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.issuer}/jwks",
        }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_provider(redirect_uri: str, workdir: Path) -> Iterator[Provider]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "tests.oidc_op.settings",
        "TEST_OP_SITE_URL": url,
        "TEST_OP_DATABASE": str(workdir / "provider.sqlite3"),
        "PYTHONPATH": str(ROOT),
    }
    people = [f"{name}:{password}:{name}@example.edu" for name, password in PEOPLE.items()]
    subprocess.run(
        [sys.executable, "-m", "tests.oidc_op.setup", redirect_uri, CLIENT_ID, CLIENT_SECRET,
         *people],
        env=env, cwd=ROOT, check=True,
    )  # fmt: skip
    log = (workdir / "provider.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        discovery = f"{url}/openid/.well-known/openid-configuration"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(discovery, timeout=1):  # noqa: S310 (localhost)
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"the test provider did not start: {(workdir / 'provider.log').read_text()}"
                    ) from None
                time.sleep(0.2)
        yield Provider(url)
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
