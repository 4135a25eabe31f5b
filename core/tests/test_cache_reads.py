"""The request's cache read on the thread's own Redis connection, with Redis going away."""

import os
import signal
import time

import pytest
from django.core.cache import cache

from core import cache_reads
from core.testing.processes import RedisProcess

pytestmark = pytest.mark.redis


@pytest.fixture
def own_redis(settings):
    """The tenant cache on a Redis of this test's own, which it may stop and pause."""
    server = RedisProcess().start()
    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"], "LOCATION": server.url}}
    yield server
    if server.proc is not None:
        os.kill(server.proc.pid, signal.SIGCONT)
    server.stop()


def test_a_read_returns_what_the_cache_holds(own_redis):
    cache.set("uno", {"v": 1})
    cache.set("dos", [2])
    assert cache_reads.get_many(["uno", "dos", "nada"]) == {"uno": {"v": 1}, "dos": [2]}
    assert cache_reads.get_many(["uno", "dos"]) == cache.get_many(["uno", "dos"])


def test_redis_stopped_is_a_miss_and_redis_back_is_read_again(own_redis):
    cache.set("uno", {"v": 1})
    assert cache_reads.get_many(["uno"]) == {"uno": {"v": 1}}
    own_redis.stop()
    assert cache_reads.get_many(["uno"]) == {}
    own_redis.start()  # the same port, empty
    assert cache_reads.get_many(["uno"]) == {}
    cache.set("uno", {"v": 2})
    assert cache_reads.get_many(["uno"]) == {"uno": {"v": 2}}


def test_an_answer_that_comes_after_the_timeout_is_never_read_as_the_next_one(own_redis):
    cache.set("uno", "valor de uno")
    cache.set("dos", "valor de dos")
    assert cache_reads.get_many(["uno"]) == {"uno": "valor de uno"}
    os.kill(own_redis.proc.pid, signal.SIGSTOP)  # Redis frozen: the read times out
    started = time.monotonic()
    assert cache_reads.get_many(["uno"]) == {}
    assert (
        time.monotonic() - started < 30
    )  # returned (its timeout is 0.5 s), not hung: any bound a loaded machine keeps
    os.kill(own_redis.proc.pid, signal.SIGCONT)  # it now answers the read nobody waits for
    time.sleep(0.2)
    assert cache_reads.get_many(["dos"]) == {"dos": "valor de dos"}


def test_threads_that_come_and_go_leave_no_connection_and_exhaust_no_pool(own_redis):
    import gc
    import threading

    import redis

    cache.set("uno", 1)
    admin = redis.Redis.from_url(own_redis.url)
    before = len(admin.client_list())
    results = []
    for _ in range(150):  # more than redis-py's pool allows (100): a server's short-lived threads
        thread = threading.Thread(target=lambda: results.append(cache_reads.get_many(["uno"])))
        thread.start()
        thread.join()
    assert results == [{"uno": 1}] * 150
    gc.collect()
    deadline = time.monotonic() + 5
    while len(admin.client_list()) > before + 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(admin.client_list()) <= before + 1  # each thread's connection closed with it
