"""Links follow the address the portal is served on when PORTAL_PUBLIC_URL is unset
(development), in pages, e-mails, PDFs and the Teams placeholder; production needs it.

The address reaches the outbox worker, which runs outside any request, from the
`flask run` options, from the requests served, and (for a worker in another process)
from instance/served-at.
"""

import re

import pytest
import requests
from flask.cli import run_command

from portal import create_app
from portal.config import ConfigurationError
from portal.links import public_base_url, public_url_for
from portal.mail import dev_mailbox
from portal.outbox.worker import run_once
from tests.browser.conftest import serving
from tests.factories import create_confirmed_booking, create_world
from tests.outbox.helpers import pdf_links, pdf_of


@pytest.fixture
def app_settings():
    return {"ENVIRONMENT": "development", "SERVER_NAME": None}


def links_in(text: str) -> set[str]:
    return set(re.findall(r"https?://[^\s\"'<>)]+", text))


def test_links_in_e_mails_and_pdfs_follow_the_port_the_portal_is_served_on(app, clock):
    world = create_world(clock.now)
    with serving(app) as url:
        page = requests.get(f"{url}/acessibilidade", timeout=10)
        assert f'href="{url}/"' in page.text, "pages link to where they are served"
        booking = create_confirmed_booking(world, clock.now)
        assert run_once().sent == 1  # the worker: no request of its own

    assert public_url_for("citizen.landing") == f"{url}/"
    (name,) = dev_mailbox(app).names()
    message = dev_mailbox(app).read(name)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    portal_links = {link for link in links_in(text + html) if "127.0.0.1" in link}
    assert portal_links, "the e-mail links to the portal"
    assert all(link.startswith(f"{url}/") for link in portal_links), portal_links
    assert booking.meeting.join_url.startswith(f"{url}/dev/meeting/")
    assert pdf_links(pdf_of(message)) == [booking.meeting.join_url]


def test_a_worker_in_another_process_reads_the_address_the_server_wrote(app, tmp_path):
    with serving(app) as url:
        requests.get(f"{url}/", timeout=10)
    worker = create_app({**app.config, "SERVER_NAME": None})
    worker.instance_path = app.instance_path

    with worker.app_context():
        assert public_base_url() == url


def test_the_address_comes_from_the_flask_run_options_before_any_request(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    settings = {
        "ENVIRONMENT": "development",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
        "SECRET_KEY": "k" * 40,
    }
    with run_command.make_context("run", ["--host", "0.0.0.0", "--port", "5123"]):
        app = create_app(settings)

    with app.app_context():
        assert public_base_url() == "http://127.0.0.1:5123"


def test_a_public_url_set_wins_over_the_address_served_on(app):
    app.config["PUBLIC_URL"] = "https://atendimento.example.pt/"
    with serving(app) as url:
        requests.get(f"{url}/", timeout=10)

    assert public_url_for("citizen.landing") == "https://atendimento.example.pt/"


def test_production_refuses_to_start_without_a_public_url(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_SECRET_KEY", "s" * 40)
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
        "MEETING_PROVIDER": "local",
        "MAIL_SERVER": "smtp.example.pt",
    }
    with pytest.raises(ConfigurationError, match="PORTAL_PUBLIC_URL"):
        create_app(settings)
