"""Who is asking: the client's address, trusting forwarded headers only from our own proxies.

Behind a TLS-terminating proxy every request comes from the proxy's address; the client's is in
`X-Forwarded-For`, which anyone can also send. So the header is read only when the request
comes from an address in settings.TRUSTED_PROXIES (DJANGO_TRUSTED_PROXIES: addresses or
networks), walking it from the right past our own proxies to the first address they did not
write. Login lockouts (django-axes) and API rate limits key on this address.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in spec)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or, from a trusted proxy, the right-most address of
    X-Forwarded-For that is not one of our proxies."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    if not _trusted(remote):
        return remote
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if part.strip()
    ]
    for address in reversed(forwarded):
        if not _trusted(address):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote  # a proxy wrote nonsense: fall back to what we know
    return remote
