"""The e-mail and the PDF say what is still missing and how the device check went."""

import pytest

from portal.device_check.browsers import browser_from_user_agent
from portal.device_check.results import record_declaration
from portal.extensions import db
from portal.outbox.worker import run_once
from tests.conftest import smtp_settings
from tests.factories import create_confirmed_booking, create_world
from tests.outbox.helpers import pdf_of, pdf_text


@pytest.fixture
def app_settings(smtp):
    return {**smtp_settings(smtp), "PUBLIC_URL": "https://portal.example.pt"}


def test_missing_documents_and_device_check_reach_the_mail_and_pdf(app, clock, smtp):
    world = create_world(clock.now)
    world.referral.language = "en"
    booking = create_confirmed_booking(world, clock.now)
    record_declaration(
        world.referral,
        booking,
        {"camera": "yes", "microphone": "unsure", "speakers": "yes", "connection": "yes"},
        browser_from_user_agent("Mozilla/5.0 Firefox/128.0"),
        clock.now,
    )
    db.session.commit()

    assert run_once().sent == 1
    (message,) = smtp.messages
    text = message.get_body(("plain",)).get_content()
    assert "Still missing: Identity document." in text
    content = pdf_text(pdf_of(message))
    assert "Identity document (missing)" in content
    assert "Warning (Camera: Passed, Microphone: Warning" in content
    assert "as declared by the person" in content
