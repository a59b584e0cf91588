"""The web worker's weight against a bare Flask app's, measured in the same run.

    .venv/bin/python benchmarks/web_worker.py [--requests 10000] [--imports 5]

- **import**: a fresh interpreter imports the app and creates it (what a gunicorn
  worker does on boot with ``wsgi:app``), median of ``--imports`` runs; the bare
  baseline is a Flask app with one route rendering a template. Aim: ≤ 3×.
- **idle worker RSS**: one gunicorn worker (gthread, 4 threads, no preload) on
  loopback, after its first answered request; same for the bare app. Aim: ≤ 2×.
- **growth**: the portal's worker RSS after 1,000 warm-up requests and after
  ``--requests`` more (the start page, which renders a form with a CSRF token and
  sets a session cookie, and the hashed stylesheet, alternately; four keep-alive
  clients). Aim: ≤ 5 MB per 10,000 requests.

The portal runs with ENVIRONMENT=testing on a throw-away SQLite file; nothing is
left behind. A measurement, not a test.
"""

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024

BARE_APP = """
from flask import Flask, render_template_string

app = Flask(__name__)


@app.route("/")
def index():
    return render_template_string("<!doctype html><title>bare</title><p>{{ text }}", text="hi")
"""

PORTAL_IMPORT = "import wsgi"
BARE_IMPORT = "import bare"
TIMED = """
import time
started = time.perf_counter()
{statement}
print(time.perf_counter() - started)
"""


def environment(folder: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PORTAL_") and key != "PROMETHEUS_MULTIPROC_DIR"
    }
    env.update(
        PORTAL_ENVIRONMENT="testing",
        PORTAL_SECRET_KEY="benchmark-secret-key-" + "x" * 40,
        PORTAL_SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'portal.sqlite3'}",
        PORTAL_SESSION_COOKIE_SECURE="false",
        PORTAL_LOG_FORMAT="none",
        PYTHONPATH=f"{ROOT}{os.pathsep}{folder}",
    )
    return env


def import_seconds(statement: str, env: dict, runs: int) -> float:
    times = []
    for _ in range(runs):
        result = subprocess.run(
            [sys.executable, "-c", TIMED.format(statement=statement)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(float(result.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no RSS for {pid}")


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


class Gunicorn:
    def __init__(self, target: str, env: dict):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--worker-class",
                "gthread",
                "--threads",
                "4",
                "--keep-alive",
                "30",
                "--log-level",
                "warning",
                target,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                self.get("/")
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"gunicorn {target} did not start") from None
                time.sleep(0.2)

    def get(self, path: str, connection=None) -> bytes:
        own = connection is None
        connection = connection or http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        if own:
            connection.close()
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status}")
        return body

    def worker_rss(self) -> int:
        (worker,) = children(self.process.pid)
        return rss_bytes(worker)

    def hammer(self, paths: list[str], total: int, clients: int = 4) -> None:
        def run(count: int) -> None:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            for number in range(count):
                self.get(paths[number % len(paths)], connection)
            connection.close()

        threads = [threading.Thread(target=run, args=(total // clients,)) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--imports", type=int, default=5)
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / "bare.py").write_text(BARE_APP)
        env = environment(folder)
        subprocess.run(
            [sys.executable, "-c", "import wsgi; from portal.extensions import db\n"
             "with wsgi.app.app_context(): db.create_all()"],
            cwd=ROOT, env=env, check=True,
        )  # fmt: skip

        bare_import = import_seconds(BARE_IMPORT, env, arguments.imports)
        portal_import = import_seconds(PORTAL_IMPORT, env, arguments.imports)
        loaded = subprocess.run(
            [sys.executable, "-c", "import sys, wsgi; print('weasyprint' in sys.modules)"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip

        bare = Gunicorn("bare:app", env)
        bare_rss = bare.worker_rss()
        bare.stop()

        portal = Gunicorn("wsgi:app", env)
        page = portal.get("/").decode()
        stylesheet = re.search(r"/static/css/portal\.[0-9a-f]{12}\.css", page).group(0)
        portal_rss = portal.worker_rss()
        portal.hammer(["/", stylesheet], 1_000)
        warm = portal.worker_rss()
        started = time.perf_counter()
        portal.hammer(["/", stylesheet], arguments.requests)
        elapsed = time.perf_counter() - started
        after = portal.worker_rss()
        portal.stop()

    growth = (after - warm) / MB * 10_000 / arguments.requests
    print(f"{'':34}{'bare Flask':>12}{'portal':>12}{'ratio':>8}{'aim':>8}")
    print(
        f"{'import + create app (median, s)':34}{bare_import:12.3f}{portal_import:12.3f}"
        f"{portal_import / bare_import:8.2f}{'≤ 3':>8}"
    )
    print(
        f"{'idle worker RSS (MiB)':34}{bare_rss / MB:12.1f}{portal_rss / MB:12.1f}"
        f"{portal_rss / bare_rss:8.2f}{'≤ 2':>8}"
    )
    print(f"WeasyPrint imported by the web app: {loaded}")
    print(
        f"portal worker RSS: {warm / MB:.1f} MiB after 1,000 warm-up requests, "
        f"{after / MB:.1f} MiB after {arguments.requests:,} more "
        f"({arguments.requests / elapsed:.0f} requests/s)"
    )
    print(f"growth per 10,000 requests: {growth:.2f} MiB (aim ≤ 5 MB)")


if __name__ == "__main__":
    main()
