"""Caches: rendered results that depend only on content (in this process, or shared by every app server in Redis),
and the caches the use cases keep with each store (StoreCaches: token principals, findings, renders for callers that
have no application cache, such as the command line). Nothing here is a module global: a store's caches live as long
as its Database.

Keys name content (entity tags built from the versions' content hashes and the engine's version), so an entry never
goes stale and nothing is ever invalidated: old entries only fall out, oldest use first (in this process) or when
their time is up or Redis needs the room (set `maxmemory-policy allkeys-lru` on a Redis used only as this cache).

`REDIS_URL` set: a RedisCache (the `redis` package, `pip install drafting[redis]`), with a small in-process cache in
front so that hot entries cost no round trip. Unset: a MemoryCache, as before. A Redis that cannot be reached is a
cache miss, never an error: requests compute their result, and Redis is tried again a few seconds later.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from typing import Any, Protocol

from cachetools import LRUCache, TTLCache

from drafting.errors import ConfigurationError

log = logging.getLogger(__name__)

DEFAULT_MEMORY_BYTES = 64 * 1024 * 1024
DEFAULT_FRONT_BYTES = 16 * 1024 * 1024  # in front of Redis: the hot entries only
DEFAULT_TTL_SECONDS = 7 * 24 * 60 * 60
REDIS_TIMEOUT_SECONDS = 0.5
REDIS_RETRY_SECONDS = 5.0
KEY_PREFIX = "drafting:cache:"


class Cache(Protocol):
    """Bytes by key; a miss is None."""

    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, value: bytes) -> None: ...


class MemoryCache:
    """Entries of this process, bounded in bytes; the least recently used go first. Safe across threads.

    cachetools' LRUCache does the bookkeeping (sizes by `len`); the lock makes its get-and-reorder atomic."""

    def __init__(self, limit_bytes: int = DEFAULT_MEMORY_BYTES):
        self.limit = limit_bytes
        self._items: LRUCache[str, bytes] = LRUCache(maxsize=limit_bytes, getsizeof=len)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    @property
    def size(self) -> int:
        """The bytes held."""
        return int(self._items.currsize)

    def get(self, key: str) -> bytes | None:
        with self._lock:
            return self._items.get(key)

    def set(self, key: str, value: bytes) -> None:
        if len(value) > self.limit:
            return
        with self._lock:
            self._items[key] = value


class RedisCache:
    """Entries shared by every app server in Redis, with an in-process MemoryCache in front of it."""

    def __init__(self, url: str, *, ttl_seconds: int = DEFAULT_TTL_SECONDS, front_bytes: int = DEFAULT_FRONT_BYTES,
                 prefix: str = KEY_PREFIX, client=None):
        if client is None:
            try:
                import redis  # an optional dependency: pip install drafting[redis]
            except ImportError as error:
                raise ConfigurationError(
                    "REDIS_URL is set, but the redis package is not installed: pip install 'drafting[redis]'"
                ) from error
            client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_SECONDS,
                                          socket_connect_timeout=REDIS_TIMEOUT_SECONDS)
        self.client, self.ttl, self.prefix = client, ttl_seconds, prefix
        self.front = MemoryCache(front_bytes)
        self._down_until = 0.0

    def get(self, key: str) -> bytes | None:
        found = self.front.get(key)
        if found is not None or not self._usable():
            return found
        try:
            found = self.client.get(self.prefix + key)
        except Exception as error:  # any failure of the cache is a miss
            self._failed(error)
            return None
        if found is not None:
            self.front.set(key, found)
        return found

    def set(self, key: str, value: bytes) -> None:
        self.front.set(key, value)
        if not self._usable():
            return
        try:
            self.client.set(self.prefix + key, value, ex=self.ttl)
        except Exception as error:  # any failure of the cache is a miss
            self._failed(error)

    def _usable(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, error: Exception) -> None:
        # skip Redis for a while, so that a Redis that is down costs one timeout every few seconds, not every request
        if self._usable():
            log.warning("the Redis cache failed (%s); trying again in %.0f s", error, REDIS_RETRY_SECONDS)
        self._down_until = time.monotonic() + REDIS_RETRY_SECONDS


def from_settings(settings: Mapping) -> Cache:
    """Return the cache the settings choose: Redis when REDIS_URL is set, else one in this process."""
    memory_bytes = int(settings.get("DRAFTING_CACHE_BYTES") or DEFAULT_MEMORY_BYTES)
    url = settings.get("REDIS_URL")
    if not url:
        return MemoryCache(memory_bytes)
    ttl = int(settings.get("DRAFTING_CACHE_TTL") or DEFAULT_TTL_SECONDS)
    return RedisCache(url, ttl_seconds=ttl, front_bytes=min(memory_bytes, DEFAULT_FRONT_BYTES))


def for_app(app) -> Cache:
    """Return the application's cache, made from its settings on first use (one per application)."""
    found = app.extensions.get("drafting.cache")
    if found is None:
        found = app.extensions.setdefault("drafting.cache", from_settings(app.config))
    return found


class PrincipalCache:
    """Who each API token acts as, as read from the store in the last SECONDS, so that a burst of requests reads the
    accounts once. A change made through this store object takes effect at once (it clears the cache); one made
    through another process or app server takes effect within SECONDS."""

    SECONDS = 2.0

    def __init__(self, max_entries: int = 10_000):
        self._entries: TTLCache[str, Any] = TTLCache(maxsize=max_entries, ttl=self.SECONDS, timer=time.monotonic)
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            return self._entries.get(key)

    def put(self, key: str, principal) -> None:
        with self._lock:
            self._entries[key] = principal

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class FindingsCache:
    """Findings by (content hash, rubric key): the same content under the same rubric is judged once. LRU-bounded."""

    def __init__(self, max_entries: int = 512):
        self._entries: LRUCache[tuple[str, str], tuple] = LRUCache(maxsize=max_entries)
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> tuple | None:
        with self._lock:
            return self._entries.get(key)

    def __contains__(self, key: tuple[str, str]) -> bool:
        with self._lock:
            return key in self._entries

    def put(self, key: tuple[str, str], findings: tuple) -> None:
        with self._lock:
            self._entries[key] = findings


REDLINE_RENDERS_BYTES = 64 * 1024 * 1024
REPORT_RENDERS_BYTES = 32 * 1024 * 1024


class StoreCaches:
    """The caches kept with one store: token principals, findings, and rendered redlines and reports for callers
    that do not pass their application's cache (for_app), such as the command line."""

    def __init__(self):
        self.principals = PrincipalCache()
        self.findings = FindingsCache()
        self.redlines = MemoryCache(REDLINE_RENDERS_BYTES)
        self.reports = MemoryCache(REPORT_RENDERS_BYTES)


def caches_of(database) -> StoreCaches:
    """Return the caches kept with a Database (made on first use)."""
    companions = database.companions
    found = companions.get("caches")
    if found is None:
        found = companions.setdefault("caches", StoreCaches())
    return found
