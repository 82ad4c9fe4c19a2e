"""gunicorn settings for LaGiftArt on Cloud Run; the image runs `gunicorn --config gunicorn.conf.py`.

Every value comes from the environment (listed in `.env.example`), read the same way as Django's settings: the
process environment first, then a local `.env` file if there is one (the image has none).

How the numbers fit Cloud Run
-----------------------------
* One worker process per vCPU, as Google's Cloud Run samples do. Python runs one thread at a time per process
  (the GIL), so CPU-bound work — rendering a template, building JSON — only uses a second vCPU from a second
  process. `WEB_CONCURRENCY` overrides the count; unset, it is the CPUs this container may use (cgroup quota).
* 8 threads per worker (gthread). A storefront request spends much of its time waiting on PostgreSQL; while one
  thread waits, another renders. Each worker's psycopg pool holds up to DATABASE_POOL_MAX_SIZE (10) connections,
  at least one per thread, so a thread never waits for a connection another thread of its own process holds.
* One instance serves `workers x threads` requests at the same time: 2 vCPU x 1 worker/vCPU x 8 threads = 16.
  The Cloud Run service's concurrency is set to that same number (`--concurrency 16` with `--cpu 2`), not left at
  the default of 80. With 80, up to 64 requests would wait inside one instance's thread pools, where nothing can
  move them; at 16, the 17th request waits in Cloud Run's front end, which hands it to the first instance with a
  free thread or starts a new one. The autoscaler then scales on real saturation rather than on a queue hidden in
  the process. Change threads or CPUs and change the service's concurrency with them.
* Cloud SQL connections: max instances x workers x DATABASE_POOL_MAX_SIZE must stay under the database's
  max_connections (e.g. 10 instances x 2 x 10 = 200).
* Each worker listens on the port itself (`reuse_port`, SO_REUSEPORT), and the kernel spreads new connections
  evenly over the workers' sockets. With one shared socket, whichever worker woke first accepted, and kept-alive
  connections stayed where they landed: 16 connections opened at once were seen split 15 to 1 or 13 to 3, leaving
  one worker (one CPU) with most of the work while the other idled, at a third to half the throughput and twice the
  p99 (docs/performance.md).
* `timeout = 0`: gunicorn's worker timeout kills a worker whose main loop stalls, along with every request in
  it. Cloud Run already enforces a per-request timeout and restarts unhealthy containers, so we leave that job
  to it (Google's samples do the same).
* Garbage collection: a worker's heap holds what it has cached (reference data, shared pages), and a full cyclic
  collection walks every object in it: 220 to 290 ms at about 200,000 objects, stalling that worker's 8 threads.
  The master freezes what it imported before forking, and each worker freezes its warmed heap once, after
  GC_FREEZE_AFTER_REQUESTS requests (docs/performance.md); later collections walk only what is new.
* Shutdown: Cloud Run sends SIGTERM, waits 10 seconds, then SIGKILL. On SIGTERM gunicorn stops accepting and
  lets in-flight requests finish for `graceful_timeout` = 8 s, which leaves 2 s for the processes to exit.
"""

import gc
import itertools
import math
import os
from pathlib import Path

import environ

# Same rule as lagiftart/settings.py: a local `.env` fills in what the environment does not set, unless switched off.
if environ.Env().bool("DJANGO_READ_DOT_ENV", default=True):
    environ.Env.read_env(Path(__file__).resolve().parent / ".env", overwrite=False)


def _env_int(name: str, default: int) -> int:
    """An integer from the environment; unset or empty means the default, anything else must be a number."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as error:
        raise RuntimeError(f"{name} must be a whole number, not {value!r}") from error


def available_cpus() -> int:
    """CPUs this container may use: the cgroup CPU quota when one is set, else the CPUs it may be scheduled on.

    `os.cpu_count()` reports the host's CPUs, which inside a container can be many more than the quota.
    """
    cpus = len(os.sched_getaffinity(0))
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]  # cgroup v2
    except (OSError, ValueError):
        try:  # cgroup v1
            quota = Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us").read_text().strip()
            period = Path("/sys/fs/cgroup/cpu/cpu.cfs_period_us").read_text().strip()
        except OSError:
            return cpus
    if quota in {"max", "-1"}:
        return cpus
    return max(1, min(cpus, math.ceil(int(quota) / int(period))))


wsgi_app = "lagiftart.wsgi:application"
bind = [f"0.0.0.0:{_env_int('PORT', 8000)}"]

worker_class = "gthread"
reuse_port = True  # one listening socket per worker, balanced by the kernel (see above)
workers = _env_int("WEB_CONCURRENCY", available_cpus())
threads = _env_int("GUNICORN_THREADS", 8)
timeout = _env_int("GUNICORN_TIMEOUT", 0)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 8)

# Idle kept-alive connections wait in the worker's poller, not on a thread, so holding them costs a file
# descriptor; the proxy in front should be the side that closes them (gunicorn closing first can race with a
# request the proxy is already sending on that connection). A stopping worker closes them within 2 s anyway.
keepalive = 75

# Load Django once in the master, then fork: the workers share the imported code's memory pages, a broken import
# fails the container at start with one clear traceback instead of once per worker, and a replacement worker
# starts in milliseconds. Safe because nothing opens a database connection or starts a thread at import time
# (Django and psycopg's pool connect lazily, in each worker). Code reload on SIGHUP does not apply: Cloud Run
# replaces the container instead.
preload_app = True

# Cloud Run's front end is the only client and sets X-Forwarded-Proto; trust it from any address.
forwarded_allow_ips = "*"

# lagiftart.middleware.RequestContextMiddleware writes one structured line per request; a second access log
# would double the log volume. gunicorn's own messages (boot, signals, worker exits) go to stderr.
accesslog = None
errorlog = "-"
loglevel = "info"

# gunicorn 25+ opens a control socket under $HOME/.gunicorn by default; the container never uses it.
control_socket_disable = True

# The heartbeat file is touched continuously; keep it in memory when the container has /dev/shm.
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None  # noqa: S108 - a tmpfs, not a shared /tmp


def on_starting(server):
    """Start each container with an empty Prometheus multiprocess directory (see analytics/metrics.py)."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        import shutil

        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    """Drop a dead worker's live gauges (in-flight requests) from the multiprocess metrics."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


GC_FREEZE_AFTER_REQUESTS = _env_int("GC_FREEZE_AFTER_REQUESTS", 500)
"""Requests a worker serves before moving everything it holds into the collector's permanent generation: by then its
long-lived objects (imports, cached reference data and pages) exist, and the collector stops walking them. Objects
frozen are still freed by reference counting; only cycles among them are never collected, a one-time cost. 0 turns
the worker-side freeze off."""

_requests_served = itertools.count(1)


def pre_fork(server, worker):
    """Freeze the master's imported heap before each fork: workers never walk it, and their pages stay shared
    (a collection writes to every object it walks, which would copy the page)."""
    gc.freeze()


def post_request(worker, req, environ, resp):
    """Freeze this worker's heap once, after GC_FREEZE_AFTER_REQUESTS requests (see the module's docstring)."""
    if next(_requests_served) == GC_FREEZE_AFTER_REQUESTS:
        gc.freeze()
