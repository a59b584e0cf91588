"""Gunicorn settings for the portal's web processes (``gunicorn -c deploy/gunicorn.conf.py
wsgi:app``; systemd: deploy/systemd/portal-web.service).

Sizes come from the machine's CPU count; every one can be overridden by an
environment variable (``GUNICORN_*``, listed in deploy/portal.env.example and
docs/settings.md). Gunicorn reads this file in its master process, before any
worker imports the app.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


cpus = multiprocessing.cpu_count()

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# Requests mostly wait on PostgreSQL, SMTP is the workers' job, and each process
# costs memory (the whole app is imported): a few processes, several threads each.
workers = _int("GUNICORN_WORKERS", cpus + 1)
threads = _int("GUNICORN_THREADS", min(2 * cpus, 8))
worker_class = "gthread"

# A request that takes longer than this is killed with its worker; nginx waits a
# little longer (proxy_read_timeout 60s) so the person sees the portal's own answer.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# nginx keeps idle connections to gunicorn and closes them after 4 s (its upstream
# keepalive_timeout): this must stay longer, or a POST meets a closing connection (502).
keepalive = 5

# Replace each worker after about this many requests, spread by the jitter so the
# workers are not all replaced at the same moment: memory stays level.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 10)

# Only nginx on this machine may tell gunicorn the scheme (X-Forwarded-Proto);
# the portal itself trusts PORTAL_PROXY_COUNT proxies for the client address.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs go to stderr (the journal under systemd). The access log carries nginx's
# request id (X-Request-ID), so one line in nginx's log, gunicorn's and the app's
# can be matched; %(M)s is the duration in milliseconds.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '%(h)s "%(r)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}i)s referer="%(f)s" agent="%(a)s"'
)
proc_name = "portal-web"

# Each thread may hold two database connections at once: the request's own, and a
# short one for the sign-in lockout counters (portal/transaction.py,
# counter_transaction). So the pool of each process must be at least 2 × threads,
# or a burst of wrong sign-ins waits on its own pool. Set here unless the operator
# chose engine options; then refused at start if too small.
POOL_PER_THREAD = 2


def pool_options(environ, thread_count: int) -> dict | None:
    """The engine options to add to ``environ``, or None when the operator set them.

    Raises RuntimeError when the operator's pool is smaller than 2 × threads."""
    import json

    needed = POOL_PER_THREAD * thread_count
    configured = environ.get("PORTAL_SQLALCHEMY_ENGINE_OPTIONS")
    if not configured:
        return {"pool_pre_ping": True, "pool_size": needed, "max_overflow": 2}
    options = json.loads(configured)
    size = int(options.get("pool_size", 5)) + int(options.get("max_overflow", 10))
    if size < needed:
        raise RuntimeError(
            f"PORTAL_SQLALCHEMY_ENGINE_OPTIONS allows {size} connections per process, but "
            f"{thread_count} threads need {needed} (2 per thread: the lockout counters use "
            "a second connection). Raise pool_size or lower GUNICORN_THREADS."
        )
    return None


_options = pool_options(os.environ, threads)
if _options is not None:
    import json as _json

    os.environ["PORTAL_SQLALCHEMY_ENGINE_OPTIONS"] = _json.dumps(_options)


# Prometheus multiprocess mode (PROMETHEUS_MULTIPROC_DIR) must forget a worker's
# files when the worker exits, or its gauges would be reported for ever.
def child_exit(server, worker):
    from portal.observability.metrics import child_exit as metrics_child_exit

    metrics_child_exit(server, worker)
