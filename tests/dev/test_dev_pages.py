"""Development only: the local mailbox and the meeting placeholder."""

import pytest

from portal.outbox.worker import run_once
from tests.factories import create_confirmed_booking, create_world


@pytest.fixture
def app_settings():
    return {"ENVIRONMENT": "development"}


def test_development_delivers_to_a_mailbox_shown_at_dev_mail(app, client, clock):
    world = create_world(clock.now)
    booking = create_confirmed_booking(world, clock.now)
    assert run_once().sent == 1

    mailbox = client.get("/dev/mail?lang=en")
    assert "Development only." in mailbox.main_text()
    link = mailbox.soup.select_one("table a")
    assert link.get_text().strip()

    message = client.get(link["href"])
    assert world.referral.display_code in message.main_text()
    parts = {a.get_text(strip=True): a["href"] for a in message.soup.select("main ul a")}
    pdf_name = next(name for name in parts if name.endswith(".pdf"))
    pdf = client.client.get(parts[pdf_name])
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert "attachment" in pdf.headers["Content-Disposition"]
    html = client.client.get(parts["text/html"])
    assert html.headers["Content-Security-Policy"].startswith("sandbox")
    assert b'lang="pt-PT"' in html.data

    placeholder = client.get(
        booking.meeting.join_url.replace("http://127.0.0.1:5000", "") + "?lang=en"
    )
    assert "Development placeholder" in placeholder.main_text()
    assert booking.meeting.join_meeting_id in placeholder.main_text()


def test_unknown_messages_and_parts_are_not_found(app, client):
    client.get("/dev/mail/../../secret_key", status=404)
    client.get("/dev/mail/nothing.eml", status=404)
    client.get("/dev/meeting/not-a-meeting", status=404)
