"""The API's rate limits (DEFAULT_THROTTLE_CLASSES): scoped, and open when Redis is down.

Its own module: DRF reads DEFAULT_THROTTLE_CLASSES while `rest_framework.views` is importing.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

from edu_platform.clients import client_address

if TYPE_CHECKING:
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)


class FailOpenScopedRateThrottle(ScopedRateThrottle):
    """A scoped rate limit (for views with a `throttle_scope`) that lets requests through when
    its cache (Redis) is unreachable: an answer must be saved even while Redis is down.
    Anonymous requests are counted per client address (edu_platform.clients), never per an
    address a client could spoof."""

    def get_ident(self, request: Request) -> str:
        return client_address(request)

    def allow_request(self, request: Request, view: APIView) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:  # redis-py raises several connection errors; all mean "no counter"
            logger.warning("Throttle cache unreachable: %s not rate-limited.", request.path)
            return True
