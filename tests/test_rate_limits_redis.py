"""Rate limits shared through Redis (bot/web/limits.py): two web app instances — two
uvicorn workers, or two hosts — count one person's messages together. A real redis-server
from Debian's package on a loopback port."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest
import redis
from starlette.testclient import TestClient

from bot.services import free_port
from bot.web.app import create_app
from bot.web.limits import RateLimiter, RedisRateLimiter, make_limiter
from tests.support.web_app import api, csrf_of, make_config


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    if not shutil.which("redis-server"):
        pytest.fail("redis-server missing (scripts/setup.sh installs it)")
    directory = tmp_path_factory.mktemp("redis")
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory),
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture()
def fresh(redis_url) -> str:
    redis.Redis.from_url(redis_url).flushdb()
    return redis_url


def test_two_workers_share_one_window(fresh):
    first = make_limiter(fresh, "message", 3, 60)
    second = make_limiter(fresh, "message", 3, 60)
    assert isinstance(first, RedisRateLimiter)
    assert first.allow("person") and second.allow("person") and first.allow("person")
    assert not second.allow("person") and not first.allow("person")
    assert 1 <= second.retry_after("person") <= 61
    assert second.allow("someone else")
    # refused attempts do not count: the window holds the three allowed ones
    assert redis.Redis.from_url(fresh).zcard("lwiw:rate:message:person") == 3


def test_window_slides_with_the_clock(fresh):
    now = [1000.0]
    limiter = RedisRateLimiter(redis.Redis.from_url(fresh), "slide", 2, 60,
                               clock=lambda: now[0])
    assert limiter.allow("a") and limiter.allow("a") and not limiter.allow("a")
    now[0] += 30
    assert not limiter.allow("a") and limiter.retry_after("a") == 31
    now[0] += 30.5
    assert limiter.allow("a")


def test_without_redis_the_process_still_limits():
    gone = f"redis://127.0.0.1:{free_port()}/0"      # nothing listens there
    limiter = make_limiter(gone, "message", 2, 60)
    assert limiter.allow("p") and limiter.allow("p")
    assert not limiter.allow("p")
    assert limiter.retry_after("p") >= 1


def test_without_a_redis_url_limits_are_per_process():
    assert isinstance(make_limiter(None, "message", 2, 60), RateLimiter)


def test_the_web_app_counts_across_instances(fresh, db_url):
    """One browser session sent alternately to two app instances (two workers behind one
    port): the fourth message of the minute is refused with 429."""
    config = make_config(db_url, messages_per_minute=3, redis_url=fresh)
    with TestClient(create_app(config)) as one, TestClient(create_app(config)) as two:
        token = csrf_of(one)
        two.cookies.update(one.cookies)
        codes = [api(client, "/api/message", {"text": ""}, token).status_code
                 for client in (one, two, one, two)]
        assert codes == [400, 400, 400, 429]
