"""The production rehearsal: the deploy/ files run for real on loopback (tests/rehearsal/
stack.py) and 100 people book through nginx while one outbox worker is killed.

- every person gets exactly one confirmation e-mail;
- /readyz is green through nginx;
- the sign-in lockout holds across the two gunicorn instances (the counters are in
  Redis, shared);
- ``flask doctor`` passes with the production settings, and nginx serves static
  files, hides /metrics and passes its request id on as deploy/ says.

Runs in the normal suite; skips, saying why, without nginx, PostgreSQL or Redis (CI
installs them all and fails on any skip). About a minute or two.
"""

import os
import re
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from bs4 import BeautifulSoup
from requests.adapters import HTTPAdapter
from sqlalchemy import create_engine, text

from portal.extensions import db
from tests.conftest import POSTGRESQL_SKIP_REASON, POSTGRESQL_URL, make_app
from tests.doubles.smtp import SMTPServer
from tests.factories import CITIZEN_NISS, create_referral, create_world
from tests.rehearsal.stack import ROOT, Stack, available

pytestmark = pytest.mark.rehearsal

PEOPLE = 100
CLIENTS = 10  # people booking at the same moment
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CONFIRMED = "Video appointment booked"
MISMATCH = "The reference code and the number do not match"


@pytest.fixture
def stack(tmp_path):
    reason = available()
    if reason:
        pytest.skip(reason)
    if not POSTGRESQL_URL:
        pytest.skip(POSTGRESQL_SKIP_REASON)
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis not reachable at {REDIS_URL} (set PORTAL_TEST_REDIS_URL)")
    sink = SMTPServer()
    sink.start()
    stack = Stack(tmp_path, POSTGRESQL_URL, REDIS_URL, sink.port)
    stack.sink = sink
    try:
        stack.create_database()
        migrated = stack.flask("db", "upgrade")
        assert migrated.returncode == 0, migrated.stderr
        stack.start_web()
        stack.start_nginx()
        stack.start_workers()
        yield stack
    finally:
        stack.stop()
        sink.stop()


def seed(stack, count: int) -> list[tuple[str, str]]:
    """Two desks with room for everyone, and ``count`` codes, each for another person."""
    app = make_app(stack.database_url, stack.folder)
    with app.app_context():
        now = datetime.now(UTC)
        world = create_world(now, attendants=10)
        people = [
            (
                create_referral(
                    world.subject, now, email=f"person{n}@example.pt", language="en"
                ).code,
                f"person{n}@example.pt",
            )
            for n in range(count)
        ]
        db.session.commit()
        db.engine.dispose()
    return people


def first_form(page, choose_radio=False, action=None) -> tuple[str, dict]:
    """The first POST form (to ``action``, or with a radio button) and its fields as a
    browser would send them: hidden inputs and the first radio of each group."""
    soup = BeautifulSoup(page.text, "html.parser")
    for form in soup.find_all("form", method="post"):
        target = urljoin(page.url, form.get("action") or page.url)
        if action and urlsplit(target).path != action:
            continue
        radios = form.find_all("input", type="radio")
        if choose_radio and not radios:
            continue
        fields = {
            i["name"]: i.get("value", "")
            for i in form.find_all("input", type="hidden")
            if i.get("name")
        }
        for radio in radios:
            fields.setdefault(radio["name"], radio["value"])
        return target, fields
    raise AssertionError(f"no such form on {page.url}")


class FromAddress(HTTPAdapter):
    """Connections from another loopback address (all of 127.0.0.0/8 is this machine)."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Person:
    """A browser: cookies, the certificate nginx shows, a Referer on every form post
    (Flask-WTF checks it over https), and an address of its own, as people have (nginx
    passes it on; the lockout counts per address)."""

    def __init__(self, stack, number: int):
        self.base = stack.base_url
        self.session = requests.Session()
        self.session.mount("https://", FromAddress(f"127.0.1.{number + 1}"))
        # Per request: a REQUESTS_CA_BUNDLE in the environment would override the session's.
        self.verify = str(stack.certificate)
        self.session.cookies.set("lang", "en")

    def get(self, path):
        page = self.session.get(self.base + path, timeout=60, verify=self.verify)
        assert page.status_code == 200, (path, page.status_code)
        return page

    def submit(self, page, fields, target):
        return self.session.post(
            target,
            data=fields,
            headers={"Referer": page.url},
            timeout=60,
            allow_redirects=False,
            verify=self.verify,
        )

    def book(self, code: str) -> None:
        start = self.get("/")
        target, fields = first_form(start)
        signed = self.submit(start, {**fields, "code": code, "identifier": CITIZEN_NISS}, target)
        assert signed.status_code == 302, signed.text[:300]
        for _attempt in range(10):
            times = self.get(urlsplit(urljoin(self.base, signed.headers["Location"])).path)
            target, fields = first_form(times, choose_radio=True)
            held = self.submit(times, fields, target)
            # Someone else may take the last seat of that time first: choose again.
            if held.status_code == 302 and "/documentos" in held.headers["Location"]:
                break
        else:
            raise AssertionError("no time could be held")
        review = self.get("/marcar/revisao")
        target, fields = first_form(review, action="/marcar/confirmar")
        confirmed = self.submit(review, fields, target)
        assert confirmed.status_code == 302, confirmed.status_code
        assert confirmed.headers["Location"].endswith("/marcar/confirmada")


def wait_for_mail(sink, recipients, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if {m["To"] for m in sink.messages} >= recipients:
            return
        time.sleep(1)


def test_a_hundred_bookings_through_nginx_with_a_worker_killed(stack):
    people = seed(stack, PEOPLE + 1)
    spare_code, _ = people.pop()  # for the lockout, below
    started = time.monotonic()

    killed = []
    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [pool.submit(Person(stack, n).book, code) for n, (code, _) in enumerate(people)]
        for count, future in enumerate(as_completed(futures), 1):
            future.result()
            if count == PEOPLE // 2:
                assert stack.processes["worker1"].poll() is None, "worker 1 ran until now"
                stack.kill("worker1")
                killed.append(len(stack.sink.messages))
    booked = time.monotonic() - started

    # Every person gets exactly one confirmation, from the worker left (a message the
    # killed worker held is taken over when its lease runs out).
    recipients = {email for _, email in people}
    wait_for_mail(stack.sink, recipients, timeout=240)  # ~100 s on a busy 2-core machine
    assert stack.processes["worker2"].poll() is None, stack.logs()
    by_person = defaultdict(set)
    for message in stack.sink.messages:
        by_person[message["To"]].add(message["Message-ID"])
        assert message["Subject"].strip().startswith(CONFIRMED), message["Subject"]
    assert set(by_person) == recipients, f"missing: {sorted(recipients - set(by_person))[:5]}"
    assert all(len(ids) == 1 for ids in by_person.values()), "one confirmation each"
    # A message sent again after a kill keeps its Message-ID: clients show it once.
    resent = len(stack.sink.messages) - PEOPLE
    engine = create_engine(stack.database_url)
    with engine.connect() as connection:
        statuses = dict(
            connection.execute(
                text(
                    "SELECT kind || ' ' || status, count(*) FROM outbox_messages "
                    "WHERE kind = 'confirmation' OR due_at <= now() GROUP BY 1"
                )
            ).all()
        )
    engine.dispose()
    # Nothing due is left behind (the reminders wait for tomorrow).
    assert statuses == {"confirmation sent": PEOPLE}, statuses

    # Ready, seen through nginx.
    ready = requests.get(f"{stack.base_url}/readyz", verify=str(stack.certificate), timeout=10)
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "ready"
    assert ready.json()["checks"]["redis"]["ok"]

    # And flask doctor, as an operator runs it with the production settings.
    doctor = stack.flask("doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert doctor.stdout.splitlines()[-1] == "All checks passed."

    assert_nginx_serves_as_configured(stack)
    assert_lockout_holds_across_instances(stack, spare_code)
    print(
        f"\nrehearsal: {PEOPLE} bookings through nginx in {booked:.1f} s, all confirmations "
        f"in {time.monotonic() - started:.1f} s; worker 1 killed after "
        f"{killed[0]} e-mails; {resent} sent again with the same Message-ID"
    )


def assert_nginx_serves_as_configured(stack):
    """Static files from the folder (a hashed name cached for a year), /metrics hidden,
    plain http redirected, nginx's request id in gunicorn's access log."""
    verify = str(stack.certificate)
    stylesheet = (ROOT / "portal" / "static" / "css" / "portal.css").read_bytes()
    hashed = requests.get(
        f"{stack.base_url}/static/css/portal.0123456789ab.css", verify=verify, timeout=10
    )
    assert hashed.status_code == 200 and hashed.content == stylesheet
    assert hashed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert hashed.headers["Content-Type"].startswith("text/css")
    plain = requests.get(f"{stack.base_url}/static/css/portal.css", verify=verify, timeout=10)
    assert plain.content == stylesheet and plain.headers["Cache-Control"] == "no-cache"
    assert requests.get(f"{stack.base_url}/metrics", verify=verify, timeout=10).status_code == 404
    insecure = requests.get(
        f"http://127.0.0.1:{stack.http_port}/", allow_redirects=False, timeout=10
    )
    assert insecure.status_code == 301
    assert insecure.headers["Location"].startswith("https://")
    traced = requests.get(
        f"{stack.base_url}/healthz",
        headers={"X-Request-ID": "rehearsal-trace-0001"},
        verify=verify,
        timeout=10,
    )
    assert traced.status_code == 200
    time.sleep(0.5)  # the access log line is written after the response
    logs = "".join((stack.folder / f"web{n}.log").read_text() for n in (1, 2))
    assert "request_id=rehearsal-trace-0001" in logs
    assert re.search(r"POST /marcar/confirmar .* request_id=[0-9a-f]{32} ", logs)


def assert_lockout_holds_across_instances(stack, code):
    """Wrong NISS for one code, sent straight to the two gunicorn instances in turn
    (each attempt from another address, so only the code's counter adds up): after
    SIGN_IN_MAX_FAILURES (5) the code is locked on both, even with the right NISS."""
    instances = [f"http://127.0.0.1:{port}" for port in stack.web_ports]

    def attempt(instance, identifier, address):
        # Plain http to gunicorn: the Secure session cookie is sent by hand.
        start = requests.get(instance + "/", cookies={"lang": "en"}, timeout=10)
        _, fields = first_form(start)
        cookie = "; ".join(f"{c.name}={c.value}" for c in start.cookies)
        return requests.post(
            instance + "/",
            data={**fields, "code": code, "identifier": identifier},
            headers={"Cookie": f"{cookie}; lang=en", "X-Forwarded-For": address},
            timeout=10,
            allow_redirects=False,
        )

    for n in range(5):
        answer = attempt(instances[n % 2], "20000000001", f"10.0.0.{n + 1}")
        assert answer.status_code == 200 and MISMATCH in answer.text, (n, answer.status_code)
    for number, instance in enumerate(instances):
        locked = attempt(instance, CITIZEN_NISS, f"10.0.1.{number + 1}")
        assert locked.status_code == 429, (instance, locked.status_code)
