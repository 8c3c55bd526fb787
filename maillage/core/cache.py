"""The Redis cache backend, with one connection pool per process.

Django's `RedisCache` keeps its connection pool on the cache object, and under ASGI the cache
handler makes a cache object per request (its storage follows the request's context, and every
request starts from a fresh copy): each request opened a new connection to Redis and said hello
on it — a TCP handshake and two or three round trips before its first cache read. redis-py's
pools are thread-safe, so the objects of one process share theirs here, keyed by server and
options; a forked process (a task worker) starts its own.

The task queue (django-rq) takes its connections from the same pool (`RQ_QUEUES` names this cache
with `USE_REDIS_CACHE`): otherwise it too opened a connection for every task enqueued.
"""

from __future__ import annotations

import os
import threading

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_pools: dict[tuple, object] = {}
_pools_lock = threading.Lock()


class SharedPoolRedisCacheClient(RedisCacheClient):
    def _get_connection_pool(self, write):
        index = self._get_connection_pool_index(write)
        key = (os.getpid(), self._servers[index], self._pool_class, repr(sorted(self._pool_options.items())))
        pool = _pools.get(key)
        if pool is None:
            with _pools_lock:
                pool = _pools.get(key)
                if pool is None:
                    pool = _pools[key] = self._pool_class.from_url(
                        self._servers[index], **self._pool_options
                    )
        return pool


class SharedPoolRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedPoolRedisCacheClient

    def get_master_client(self):
        """A client on the process's pool — what django-rq asks a cache named by
        `USE_REDIS_CACHE` for."""
        return self._cache.get_client(write=True)
