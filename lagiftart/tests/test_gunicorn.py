"""The container's command, `gunicorn --config gunicorn.conf.py`, serving the real app with production settings.

Each test starts gunicorn exactly as the Dockerfile's CMD does, against a database and a collected static folder
prepared here, and talks to it over loopback HTTP, as Cloud Run's front end would.
"""

import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

REPO = Path(settings.BASE_DIR)
GUNICORN = Path(sys.executable).with_name("gunicorn")
MANAGE = [sys.executable, "manage.py"]
# A guard against a hung server, never a performance expectation.
HANG_GUARD_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_url(database: dict) -> str:
    """A DATABASE_URL in the form django-environ reads."""
    credentials = quote(database["USER"] or "", safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    host = quote(database["HOST"] or "localhost", safe="")
    port = f":{database['PORT']}" if database["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{quote(database['NAME'], safe='')}"


def run_all(commands: list[list[str]], env: dict) -> None:
    """Run management commands side by side and fail with their output if one fails."""
    running = [
        subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for command in commands
    ]
    for command, process in zip(commands, running, strict=True):
        output, _ = process.communicate(timeout=HANG_GUARD_SECONDS * 3)
        assert process.returncode == 0, f"{' '.join(command[1:])} failed:\n{output}"


@contextmanager
def fresh_database(workdir: Path) -> Iterator[str]:
    """A DATABASE_URL for an empty database of the kind the suite runs on, dropped afterwards."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{workdir / 'db.sqlite3'}"
        return
    name = f"lagiftart_gunicorn_{secrets.token_hex(4)}"
    server = {
        "user": database["USER"] or None,
        "password": database["PASSWORD"] or None,
        "host": database["HOST"] or None,
        "port": database["PORT"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield postgres_url({**database, "NAME": name})
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="module")
def production_env(tmp_path_factory) -> Iterator[dict]:
    """The environment of a production container: its settings, a migrated database and collected static files."""
    workdir = tmp_path_factory.mktemp("gunicorn")
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("GUNICORN_") and name not in {"WEB_CONCURRENCY", "PYTEST_XDIST_WORKER"}
    }
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY="gunicorn-test-only-" + "k" * 48,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        DEBUG="false",
        STATIC_ROOT=str(workdir / "staticfiles"),
        STATIC_MANIFEST="true",
        LOG_FORMAT="json",
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
        WEB_CONCURRENCY="2",
    )
    with fresh_database(workdir) as database_url:
        env["DATABASE_URL"] = database_url
        run_all([[*MANAGE, "collectstatic", "--noinput"], [*MANAGE, "migrate", "--noinput"]], env)
        yield env


class Server:
    """One `gunicorn --config gunicorn.conf.py` process, its output in files, and the responses it gave."""

    def __init__(self, env: dict, workdir: Path):
        self.port = free_port()
        self.stdout_path = workdir / "stdout.log"
        self.stderr_path = workdir / "stderr.log"
        self.responses = 0
        with self.stdout_path.open("wb") as stdout, self.stderr_path.open("wb") as stderr:
            self.process = subprocess.Popen(
                [str(GUNICORN), "--config", "gunicorn.conf.py"],
                cwd=REPO,
                env={**env, "PORT": str(self.port)},
                stdout=stdout,
                stderr=stderr,
            )

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=HANG_GUARD_SECONDS)

    def get(self, path: str, headers: dict | None = None) -> tuple[http.client.HTTPResponse, bytes]:
        connection = self.connection()
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        self.responses += 1
        return response, body

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + HANG_GUARD_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited while starting:\n{self.stderr()}"
            try:
                self.get("/healthz")
                return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"gunicorn did not answer /healthz:\n{self.stderr()}")

    def wait_for_stderr(self, text: str) -> None:
        deadline = time.monotonic() + HANG_GUARD_SECONDS
        while text not in self.stderr():
            assert time.monotonic() < deadline, f"gunicorn never logged {text!r}:\n{self.stderr()}"
            time.sleep(0.05)

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def log_tail(self) -> str:
        """The end of what the server wrote, shown when a request fails."""
        return "\n".join(self.stdout_path.read_text(errors="replace").splitlines()[-30:])

    def stdout_lines(self) -> list[str]:
        return [line for line in self.stdout_path.read_text().splitlines() if line.strip()]

    def stop(self) -> None:
        """Stop gracefully, so no worker outlives the test holding a database connection."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=HANG_GUARD_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def serving(env: dict, workdir: Path):
    started = Server(env, workdir)
    try:
        started.wait_until_serving()
        yield started
    finally:
        started.stop()


@pytest.fixture(scope="module")
def server(production_env, tmp_path_factory):
    """One server for the tests that only make requests: starting gunicorn is the slow part."""
    yield from serving(production_env, tmp_path_factory.mktemp("server"))


@pytest.fixture
def server_to_stop(production_env, tmp_path):
    yield from serving(production_env, tmp_path)


def test_container_command_serves_health_pages_and_hashed_static_files(server):
    health, health_body = server.get("/healthz")
    assert health.status == 200
    assert json.loads(health_body) == {"status": "ok"}

    ready, ready_body = server.get("/readyz")
    assert ready.status == 200, ready_body
    assert json.loads(ready_body) == {"status": "ok"}

    home, home_body = server.get("/en/")
    assert home.status == 200, server.log_tail()
    assert b'<html lang="en"' in home_body
    stylesheet = re.search(rb'href="(/static/css/site\.[0-9a-f]{12}\.css)"', home_body)
    assert stylesheet, "the home page links the hashed stylesheet from collectstatic's manifest"

    css, _ = server.get(stylesheet.group(1).decode())
    assert css.status == 200
    assert "immutable" in css.headers["Cache-Control"]


def test_json_request_log_has_one_line_per_request_without_query_string(server):
    response, _ = server.get("/en/?utm_source=newsletter&email=dana%40example.com")
    assert response.status == 200, server.log_tail()
    missing, _ = server.get("/en/no-such-page/?token=secret-token")
    assert missing.status == 404

    # Every line on stdout is JSON; the request line is written before the response leaves the process.
    entries = [json.loads(line) for line in server.stdout_lines()]
    requests = [entry for entry in entries if "httpRequest" in entry]
    assert len(requests) == server.responses
    home = next(entry for entry in reversed(requests) if entry["httpRequest"]["requestUrl"] == "/en/")
    assert home["route"] == "/<lang>/"
    assert home["status"] == 200
    assert home["severity"] == "INFO"
    not_found = next(entry for entry in requests if entry["status"] == 404)
    assert not_found["httpRequest"]["requestUrl"] == "/en/no-such-page/"
    assert not_found["severity"] == "WARNING"
    stdout = server.stdout_path.read_text()
    for private in ("utm_source", "dana", "secret-token"):
        assert private not in stdout


def test_sigterm_lets_in_flight_requests_finish_then_exits_cleanly(server_to_stop):
    server = server_to_stop
    # Each connection has been served once (so gunicorn has surely accepted it) and then starts a second
    # request whose headers are not finished: a request in flight in a worker thread when SIGTERM arrives.
    in_flight = []
    for _ in range(4):
        connection = server.connection()
        connection.request("GET", "/floor")
        first = connection.getresponse()
        assert first.status == 200
        first.read()
        server.responses += 1
        connection.sock.sendall(f"GET /fr/ HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n".encode())
        in_flight.append(connection)
    # The worker's poll loop must have handed each started request to a thread before SIGTERM: a connection still
    # idle in keep-alive at that moment is closed, as it should be, and on a busy machine that takes a while.
    time.sleep(1.5)

    server.process.send_signal(signal.SIGTERM)
    server.wait_for_stderr("Handling signal: term")
    time.sleep(0.5)  # let the workers receive the signal the master forwards before the requests complete

    for connection in in_flight:
        connection.sock.sendall(b"Accept: text/html\r\n\r\n")
        response = http.client.HTTPResponse(connection.sock, method="GET")
        response.begin()
        body = response.read()
        connection.close()
        assert response.status == 200, server.log_tail()
        assert b'<html lang="fr"' in body

    assert server.process.wait(timeout=HANG_GUARD_SECONDS) == 0
    stderr = server.stderr()
    assert "Shutting down: Master" in stderr
    # Workers that outlive graceful_timeout are killed with SIGKILL; none was.
    assert "SIGKILL" not in stderr


def test_probes_and_the_local_scraper_are_answered_whatever_the_host_header(server):
    # Cloud Run's probes name the instance's address as host; the Prometheus sidecar scrapes 0.0.0.0:8080.
    health, health_body = server.get("/healthz", headers={"Host": "10.0.0.3:8080"})
    assert health.status == 200, server.log_tail()
    assert json.loads(health_body) == {"status": "ok"}

    metrics, metrics_body = server.get("/metrics", headers={"Host": "0.0.0.0:8080"})
    assert metrics.status == 200, server.log_tail()
    assert b"# TYPE lagiftart_http_requests_total counter" in metrics_body

    page, _ = server.get("/en/", headers={"Host": "10.0.0.3:8080"})
    assert page.status == 400
    forwarded, _ = server.get("/metrics", headers={"Host": "127.0.0.1", "X-Forwarded-For": "198.51.100.7"})
    assert forwarded.status == 404


def test_a_worker_freezes_its_warmed_heap_once_and_the_master_before_each_fork(monkeypatch):
    import gc
    import runpy

    monkeypatch.setenv("GC_FREEZE_AFTER_REQUESTS", "3")
    config = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    freezes = []
    monkeypatch.setattr(gc, "freeze", lambda: freezes.append("freeze"))

    for _ in range(2):
        config["post_request"](None, None, {}, None)
    assert freezes == []
    config["post_request"](None, None, {}, None)
    assert freezes == ["freeze"]
    for _ in range(10):
        config["post_request"](None, None, {}, None)
    assert freezes == ["freeze"]

    config["pre_fork"](None, None)
    assert freezes == ["freeze", "freeze"]


def tcp_sockets(state: str, port: int) -> dict[str, str]:
    """The IPv4 TCP sockets in `state` (kernel code: "0A" listening, "01" established) whose local port is `port`,
    as {inode: remote address}."""
    sockets = {}
    for row in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = row.split()
        local, remote, socket_state, inode = fields[1], fields[2], fields[3], fields[9]
        if socket_state == state and int(local.rsplit(":", 1)[1], 16) == port:
            sockets[inode] = remote
    return sockets


def socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed meanwhile
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def worker_pids(master: int) -> list[int]:
    return [
        int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit() and _parent_pid(entry) == master
    ]


def _parent_pid(process: Path) -> int | None:
    try:
        return int((process / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads the kernel's socket table (Linux)")
def test_connections_are_spread_over_the_workers_by_the_kernel(server):
    workers = worker_pids(server.process.pid)
    assert len(workers) == 2
    deadline = time.monotonic() + HANG_GUARD_SECONDS
    while len(tcp_sockets("0A", server.port)) < len(workers):  # a worker binds its socket as it starts
        assert time.monotonic() < deadline, "each worker should listen on the port itself"
        time.sleep(0.05)
    listening = tcp_sockets("0A", server.port)
    assert [len(socket_inodes(pid) & listening.keys()) for pid in workers] == [1, 1]

    connections = [server.connection() for _ in range(32)]  # kept alive, as a proxy in front keeps them
    try:
        for connection in connections:
            connection.request("GET", "/healthz")
        for connection in connections:
            assert connection.getresponse().read() == b'{"status": "ok"}'
        established = tcp_sockets("01", server.port)
        held = [len(socket_inodes(pid) & established.keys()) for pid in workers]
    finally:
        for connection in connections:
            connection.close()

    assert sum(held) == 32
    # Spread by a hash of each connection's address: fewer than 4 of 32 on one worker has a chance under 1 in 100,000.
    assert min(held) >= 4, f"connections per worker: {held}"
