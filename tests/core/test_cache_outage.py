"""Redis away: a live server keeps answering the member journey, from the database.

The test starts a redis-server of its own, points the live server's cache at it, walks the
journey (log in through allauth's headless API, ``/api/v1/me/``, the market list, post an
order, the market page), stops Redis and walks it again, then starts it again. Last, Redis
is frozen (SIGSTOP: it comes back holding what it held) while a member logs out and posts:
once it answers again, the logged-out token is refused and the market shows the new order.
"""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
import requests

from tests.conftest import _require_or_skip
from tests.factories import PASSWORD, StaffFactory
from tests.marketplace.conftest import market, order_body  # noqa: F401 (the fixture)

REDIS_SERVER = os.environ.get("REDIS_SERVER") or shutil.which("redis-server")
BREAKER_SECONDS = 1.5
SOCKET_TIMEOUT = 0.5


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    def __init__(self, directory):
        self.port, self.directory, self.process = _free_port(), directory, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            [*command, "--dir", str(self.directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while not self._answers():
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def keys(self) -> int:
        with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
            conn.sendall(b"DBSIZE\r\n")
            return int(conn.recv(32).strip().lstrip(b":"))

    def stop(self):
        if self.process is not None:
            self.resume()
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def pause(self):
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)


@pytest.fixture
def redis_server(tmp_path):
    _require_or_skip(REDIS_SERVER is not None, "no redis-server binary (apt-get install redis-server): skipped")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_cache(settings, redis_server):
    """The live server's cache is that Redis (the test settings use a local memory cache)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.RedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": SOCKET_TIMEOUT,
                "SOCKET_TIMEOUT": SOCKET_TIMEOUT,
                "breaker_seconds": BREAKER_SECONDS,
            },
        }
    }
    return redis_server


class Member:
    """One member walking the journey against the live server; every answer below 500."""

    def __init__(self, base: str, park):
        self.base, self.market, self.token = base, park, None
        self.api = requests.Session()
        self.timings: list[float] = []

    def call(self, method: str, path: str, *, token=None, session=None, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if token:
            headers["X-Session-Token"] = token
        started = time.monotonic()
        response = (session or self.api).request(method, self.base + path, headers=headers, timeout=30, **kwargs)
        self.timings.append(time.monotonic() - started)
        assert response.status_code < 500, (method, path, response.status_code, response.text[:500])
        return response

    def log_in(self) -> str:
        body = {"email": self.market.buyer_owner.email, "password": PASSWORD}
        response = self.call("POST", "/_allauth/app/v1/auth/login", json=body)
        assert response.status_code == 200, response.text
        return response.json()["meta"]["session_token"]

    def orders(self, token) -> list[int]:
        response = self.call("GET", f"/api/v1/clusters/{self.market.cluster.slug}/orders/?page_size=100", token=token)
        assert response.status_code == 200, response.text
        return [row["id"] for row in response.json()["results"]]

    def post_order(self, token) -> int:
        path = f"/api/v1/clusters/{self.market.cluster.slug}/orders/"
        response = self.call("POST", path, token=token, json=order_body(self.market))
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def walk(self) -> str:
        """The journey; answers the session token it used."""
        token = self.log_in()
        me = self.call("GET", "/api/v1/me/", token=token)
        assert me.status_code == 200 and me.json()["email"] == self.market.buyer_owner.email
        before = self.orders(token)
        posted = self.post_order(token)
        assert set(self.orders(token)) == {*before, posted}  # the list after a write shows it
        self.open_market_page()
        return token

    def open_market_page(self):
        browser = signed_in_browser(self.base, self.market.buyer_owner.email, call=self.call)
        page = self.call("GET", f"/clusters/{self.market.cluster.slug}/market/", session=browser)
        assert page.status_code == 200 and self.market.cluster.name_en in page.text


def signed_in_browser(base: str, email: str, *, call) -> requests.Session:
    """A browser session (cookie) signed in through allauth's headless browser API."""
    browser = requests.Session()
    call("GET", "/accounts/login/", session=browser)
    headers = {"X-CSRFToken": browser.cookies.get("csrftoken", "")}
    body = {"email": email, "password": PASSWORD}
    response = call("POST", "/_allauth/browser/v1/auth/login", session=browser, json=body, headers=headers)
    assert response.status_code == 200, response.text
    return browser


def health(base: str, session=None) -> requests.Response:
    return (session or requests).get(base + "/health/", timeout=30)


def wait_for_cache(base: str, up: bool):
    """Until /health/ says the cache is up (or down): the breaker retries after its interval."""
    deadline = time.monotonic() + 10 * BREAKER_SECONDS
    while True:
        checks = health(base).json()["checks"]
        if (checks["cache"]["status"] == "up") == up:
            return
        assert time.monotonic() < deadline, checks
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
def test_the_member_journey_survives_redis_going_away_and_coming_back(live_server, redis_cache, market):  # noqa: F811
    base, member = live_server.url, Member(live_server.url, market)

    # Given Redis answers: the journey works, and the live server really uses that Redis
    member.walk()
    assert redis_cache.keys() > 0
    assert health(base).json()["checks"]["cache"] == {"status": "up"}

    # When Redis goes away: the same journey, from the database, with no 500 and no waiting
    redis_cache.stop()
    member.timings.clear()
    member.walk()
    assert max(member.timings) < 3, member.timings
    down = health(base)
    assert down.status_code == 503
    assert "cache" in down.json()["down"] and "database" not in down.json()["down"]
    assert "error" not in down.json()["checks"]["cache"]  # anonymous callers learn what, not why

    # Then it comes back (empty): the journey goes on
    redis_cache.start()
    wait_for_cache(base, up=True)
    token = member.walk()
    assert redis_cache.keys() > 0

    # Redis freezes and comes back with what it held: writes dropped meanwhile must not let
    # the old entries be served (a logged-out session, a market list without the new order)
    listed = member.orders(token)
    assert member.call("GET", "/api/v1/me/", token=token).status_code == 200  # cached now
    redis_cache.pause()
    member.call("GET", "/api/v1/me/", token=token)  # trips the breaker (one socket timeout)
    member.timings.clear()
    assert member.call("DELETE", "/_allauth/app/v1/auth/session", token=token).status_code == 401  # logged out
    fresh = member.log_in()
    posted = member.post_order(fresh)
    assert set(member.orders(fresh)) == {*listed, posted}
    assert member.call("GET", "/api/v1/me/", token=fresh).status_code == 200
    assert sum(member.timings) < 5 * SOCKET_TIMEOUT, member.timings  # not a timeout per cache call
    redis_cache.resume()
    wait_for_cache(base, up=True)
    assert member.call("GET", "/api/v1/me/", token=token).status_code == 401
    assert set(member.orders(fresh)) == {*listed, posted}
    assert member.call("GET", "/api/v1/me/", token=fresh).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_health_tells_staff_why_the_cache_is_down(live_server, redis_cache):
    StaffFactory(email="ops@cluster.local")

    def call(method, path, *, session, **kwargs):
        return session.request(method, live_server.url + path, timeout=30, **kwargs)

    staff = signed_in_browser(live_server.url, "ops@cluster.local", call=call)
    redis_cache.stop()
    answer = health(live_server.url, staff)
    assert answer.status_code == 503
    assert f"127.0.0.1:{redis_cache.port}" in answer.json()["checks"]["cache"]["error"]
    anonymous = requests.get(live_server.url + "/health/", timeout=30)
    assert str(redis_cache.port) not in anonymous.text
