"""Parallel uploads to one booking, over real HTTP: the limits hold and losers are told.

The portal runs on a loopback port (one thread per request) against the test's
database, SQLite and PostgreSQL; on PostgreSQL the requests really overlap, so
only the lock on the person's case keeps the count and the total.
"""

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.documents.models import Document
from portal.extensions import db
from tests.documents import samples
from tests.factories import CITIZEN_NISS, create_world
from tests.live import serving

MIB = 1024 * 1024


def _token(response) -> str:
    return BeautifulSoup(response.text, "html.parser").find("input", {"name": "csrf_token"})[
        "value"
    ]


def _held_booking(url: str, code: str) -> tuple[requests.Session, str, str]:
    """Sign in and hold the first time over HTTP; returns the session, token and item."""
    browser = requests.Session()
    token = _token(browser.get(f"{url}/?lang=en"))
    browser.post(f"{url}/", data={"csrf_token": token, "code": code, "identifier": CITIZEN_NISS})
    times = BeautifulSoup(browser.get(f"{url}/marcar/horarios").text, "html.parser")
    starts_at = times.select_one("input[name=horario]")["value"]
    token = times.find("input", {"name": "csrf_token"})["value"]
    documents = browser.post(
        f"{url}/marcar/horarios", data={"csrf_token": token, "horario": starts_at}
    )
    assert documents.url.endswith("/documentos"), documents.url
    page = BeautifulSoup(documents.text, "html.parser")
    item = page.select_one("input[name=item][checked]")["value"]
    return browser, _token(documents), item


def _send_in_parallel(url, browser, token, item, files) -> list[requests.Response]:
    cookies = browser.cookies.get_dict()

    def send(named):
        name, data = named
        return requests.post(
            f"{url}/documentos",
            data={"csrf_token": token, "item": item},
            files={"file": (name, data)},
            cookies=cookies,
            allow_redirects=False,
            timeout=120,
        )

    with ThreadPoolExecutor(max_workers=len(files)) as pool:
        return list(pool.map(send, files))


def _errors(response) -> list[str]:
    page = BeautifulSoup(response.text, "html.parser")
    return [" ".join(li.get_text(" ").split()) for li in page.select(".error-summary li")]


@pytest.fixture
def app_settings():
    """Twenty requests at once in one process, each holding its request's connection and
    taking a second, short one for the upload counter (portal.transaction
    counter_transaction): a pool for all of them, or they wait on each other for a
    connection. A gunicorn worker needs the same: pool ≥ 2 × its threads."""
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 20, "max_overflow": 25}}


@pytest.fixture
def live(app, clock):
    app.config.update(SERVER_NAME=None, DOCUMENT_UPLOADS_PER_MINUTE=1000)
    world = create_world(clock.now)
    code, referral_id = world.referral.code, world.referral.id
    db.session.close()  # the test's own transaction must not hold SQLite's write lock
    with serving(app) as url:
        yield url, code, referral_id


def _kept(app, referral_id) -> list[Document]:
    kept = list(db.session.scalars(select(Document).where(Document.referral_id == referral_id)))
    db.session.close()
    return kept


def _files_on_disk(app) -> list[Path]:
    folder = Path(app.instance_path) / "documents"
    return [p for p in folder.iterdir() if re.fullmatch(r"[0-9a-f]{32}", p.name)]


def test_twenty_parallel_uploads_keep_ten_files(app, live):
    url, code, referral_id = live
    browser, token, item = _held_booking(url, code)

    files = [(f"pagina-{n}.png", samples.png((400 + n, 300))) for n in range(20)]
    responses = _send_in_parallel(url, browser, token, item, files)

    accepted = [r for r in responses if r.status_code == 302]
    refused = [r for r in responses if r.status_code == 200]
    assert len(accepted) == 10 and len(refused) == 10, [r.status_code for r in responses]
    for response in refused:
        assert any("already sent 10 files, the most we accept" in e for e in _errors(response))
    assert len(_kept(app, referral_id)) == 10
    assert len(_files_on_disk(app)) == 10, "a refused upload leaves no file behind"


def test_eight_parallel_ten_megabyte_uploads_stay_within_thirty(app, live):
    url, code, referral_id = live
    browser, token, item = _held_booking(url, code)
    big = samples.padded_pdf(10 * MIB - 4096)

    responses = _send_in_parallel(url, browser, token, item, [(f"{n}.pdf", big) for n in range(8)])

    accepted = [r for r in responses if r.status_code == 302]
    refused = [r for r in responses if r.status_code == 200]
    assert len(accepted) == 3 and len(refused) == 5, [r.status_code for r in responses]
    for response in refused:
        assert any("Together your files would exceed 30 MB" in e for e in _errors(response))
    kept = _kept(app, referral_id)
    assert sum(d.size for d in kept) <= 30 * MIB
    assert len(_files_on_disk(app)) == len(kept) == 3
