"""What the time page costs, against a bare Flask page, at 9 and at 45 desks.

    PORTAL_BENCH_POSTGRESQL_URL=postgresql+psycopg://127.0.0.1:5432/bench \\
        .venv/bin/python benchmarks/time_page.py [--rounds 3] [--seconds 8]

Needs PostgreSQL (the database named is emptied and filled by the script) and
``wrk``. Two servers run side by side under gunicorn with the same settings (2 sync
workers): the portal, and a bare Flask app whose page renders a 60-item Jinja list.
For each breadth (9 desks in 9 district centres; 45 desks in 18) the script builds
the data itself (one subject served by every desk, the booking window published,
one booked seat in five), signs a person in over HTTP and then interleaves wrk
runs (16 connections) on the bare page and on the time page. It prints the
requests per second of each, the ratio ours/bare at each breadth, and how our mean
latency grows from 9 to 45 desks. For context it also measures the portal's
accessibility statement (a page that reads no data): the floor of any portal page.

Aims (issue 10): ratio ≥ 0.5 at 9 desks, ≥ 0.45 at 45; growth ≤ 1.3×.
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import time as clock_time
from datetime import timedelta
from pathlib import Path

import requests
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET = "benchmark-secret-key-that-is-long-enough-to-pass"
BARE_TEMPLATE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Bare</title></head><body><main><h1>Times</h1><ul>
{% for item in items %}<li><a href="/item/{{ item.id }}">{{ item.label }}</a></li>{% endfor %}
</ul></main></body></html>"""


def bare_app():
    """The baseline: Flask rendering a 60-item Jinja list, nothing else."""
    from flask import Flask, render_template_string

    app = Flask("bare")
    items = [{"id": n, "label": f"Item {n}"} for n in range(60)]

    @app.get("/")
    def page():
        return render_template_string(BARE_TEMPLATE, items=items)

    return app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _portal_environment(database_url: str) -> dict:
    return {
        **os.environ,
        "PORTAL_ENVIRONMENT": "testing",
        "PORTAL_SECRET_KEY": SECRET,
        "PORTAL_SQLALCHEMY_DATABASE_URI": database_url,
        "PORTAL_SESSION_COOKIE_SECURE": "false",
        "PORTAL_SIGN_IN_MAX_FAILURES": "1000",
    }


@contextmanager
def served(target: str, environment: dict):
    """gunicorn serving ``target`` (2 sync workers) on a free port; yields its URL."""
    port = _free_port()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            target,
        ],
        cwd=ROOT,
        env=environment,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(300):
            try:
                requests.get(url + "/", timeout=30)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def build(database_url: str, desks: int, centres: int) -> str:
    """Empty the database, then a subject served by ``desks`` remote desks (9:00–17:00,
    30-minute slots) across ``centres`` centres, one seat in five booked; returns a code."""
    from sqlalchemy import text

    from portal import create_app
    from portal.clock import now
    from portal.extensions import db
    from portal.scheduling.calendar import lisbon_today
    from portal.scheduling.models import Slot
    from portal.scheduling.slots import publish_slots
    from tests.factories import (
        create_booking,
        create_centre,
        create_desk,
        create_referral,
        create_subject,
    )

    app = create_app(
        {"ENVIRONMENT": "testing", "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": database_url}
    )
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.create_all()
        subject = create_subject()
        places = [create_centre() for _ in range(centres)]
        today = lisbon_today(now())
        for n in range(desks):
            desk = create_desk(
                centre=places[n % centres],
                subjects=[subject],
                hours=[(clock_time(9), clock_time(17))],
            )
            publish_slots(desk, today, today + timedelta(weeks=4))
        moment = now()
        for index, slot in enumerate(db.session.scalars(db.select(Slot).order_by(Slot.id))):
            if index % 5 == 0 and slot.starts_at > moment:
                create_booking(create_referral(subject, moment), slot)
        referral = create_referral(subject, moment)
        code = referral.code
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))  # as autovacuum would, soon after
        db.engine.dispose()
    return code


def signed_in_cookie(url: str, code: str) -> str:
    from tests.factories import CITIZEN_NISS

    browser = requests.Session()
    page = BeautifulSoup(browser.get(url + "/").text, "html.parser")
    token = page.find("input", {"name": "csrf_token"})["value"]
    answer = browser.post(
        url + "/", data={"csrf_token": token, "code": code, "identifier": CITIZEN_NISS}
    )
    assert answer.url.endswith("/marcar/horarios"), answer.url
    times = browser.get(url + "/marcar/horarios")
    assert 'name="horario"' in times.text, "the time page offers times"
    return "; ".join(f"{name}={value}" for name, value in browser.cookies.items())


def wrk(url: str, seconds: int, cookie: str | None = None) -> tuple[float, float]:
    """Requests per second and mean latency (ms) of one wrk run (16 connections)."""
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    latency = re.search(r"Latency\s+([\d.]+)(us|ms|s)", output)
    factor = {"us": 0.001, "ms": 1, "s": 1000}[latency[2]]
    if "Non-2xx" in output:
        raise SystemExit(f"wrk saw errors on {url}:\n{output}")
    return rate, float(latency[1]) * factor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    options = parser.parse_args()
    database_url = os.environ.get("PORTAL_BENCH_POSTGRESQL_URL")
    if not database_url or not shutil.which("wrk"):
        raise SystemExit("Set PORTAL_BENCH_POSTGRESQL_URL (it is emptied) and install wrk.")

    results = {}
    with served("benchmarks.time_page:bare_app()", dict(os.environ)) as bare:
        for desks, centres in ((9, 9), (45, 18)):
            code = build(database_url, desks, centres)
            with served("wsgi:app", _portal_environment(database_url)) as ours:
                cookie = signed_in_cookie(ours, code)
                wrk(bare + "/", 2)  # warm both up
                wrk(ours + "/marcar/horarios", 2, cookie)
                runs = {"bare": [], "ours": [], "floor": []}
                for _round in range(options.rounds):
                    runs["bare"].append(wrk(bare + "/", options.seconds))
                    runs["ours"].append(wrk(ours + "/marcar/horarios", options.seconds, cookie))
                    # For context: a portal page that reads no data (same cookie).
                    runs["floor"].append(wrk(ours + "/acessibilidade", options.seconds, cookie))
            results[desks] = {
                name: (
                    statistics.median(rate for rate, _ in values),
                    statistics.median(latency for _, latency in values),
                )
                for name, values in runs.items()
            }

    print(
        f"{'desks':>5}  {'bare req/s':>10}  {'ours req/s':>10}  {'ours ms':>8}  ratio"
        f"  {'portal floor req/s':>18}"
    )
    for desks, result in results.items():
        (bare_rate, _), (ours_rate, ours_ms) = result["bare"], result["ours"]
        ratio = ours_rate / bare_rate
        print(
            f"{desks:>5}  {bare_rate:>10.0f}  {ours_rate:>10.0f}  {ours_ms:>8.1f}  {ratio:.2f}"
            f"  {result['floor'][0]:>18.0f}"
        )
    growth = results[45]["ours"][1] / results[9]["ours"][1]
    print(f"latency growth 9 → 45 desks: {growth:.2f}×  (aims: ratio ≥ 0.5 at 9, ≥ 0.45 at 45;")
    print("growth ≤ 1.3×)")


if __name__ == "__main__":
    main()
