"""The cache backend: Django's Redis cache, failing soft.

Nothing the site caches is the only copy of anything, so an unreachable or frozen Redis turns
every read into a miss and every write into a no-op (logged once a minute), never into an error
page. The socket timeouts in settings bound how long a call may wait.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
T = TypeVar("T")
_last_warning = 0.0


def _soft(default: Callable[[], T], call: Callable[[], T]) -> T:
    global _last_warning
    try:
        return call()
    except (RedisError, OSError):
        if time.monotonic() - _last_warning > 60:
            _last_warning = time.monotonic()
            logger.warning("Cache unreachable: reads miss and writes are skipped.", exc_info=True)
        return default()


class FailSoftRedisCache(RedisCache):
    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return _soft(
            lambda: default, lambda: super(FailSoftRedisCache, self).get(key, default, version)
        )

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return _soft(dict, lambda: super(FailSoftRedisCache, self).get_many(keys, version))

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        _soft(
            lambda: None, lambda: super(FailSoftRedisCache, self).set(key, value, timeout, version)
        )

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return _soft(
            lambda: False, lambda: super(FailSoftRedisCache, self).add(key, value, timeout, version)
        )

    def delete(self, key: Any, version: int | None = None) -> bool:
        return _soft(lambda: False, lambda: super(FailSoftRedisCache, self).delete(key, version))

    def set_many(
        self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return _soft(list, lambda: super(FailSoftRedisCache, self).set_many(data, timeout, version))
