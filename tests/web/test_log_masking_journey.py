"""The log-masking test: a whole citizen journey, then the worker sends; the logs
hold no NISS, e-mail address or document name, and the worker's line about the
confirmation carries the id of the request that confirmed."""

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.observability.request_id import HEADER
from portal.outbox.models import OutboxMessage
from portal.outbox.worker import run_once
from tests.citizen.test_documents import upload
from tests.citizen.test_journey import hold_first_time, sign_in
from tests.conftest import smtp_settings
from tests.documents import samples
from tests.factories import CITIZEN_NISS, create_world
from tests.web.conftest import lines

DOCUMENT_NAME = "Cartão de Cidadão Maria.pdf"


@pytest.fixture
def app_settings(smtp):
    return smtp_settings(smtp)


def test_a_whole_journey_logs_no_niss_e_mail_or_document_name(app, client, clock, smtp, captured):
    world = create_world(clock.now)
    email = world.referral.contact_email
    sign_in(client, world.referral, english=True)
    hold_first_time(client)
    upload(client, DOCUMENT_NAME, samples.pdf())
    client.client.post("/sair-nao-existe")  # a 404 is logged too, with its path
    confirmed = client.client.post(
        "/marcar/confirmar",
        data={"csrf_token": client.get("/marcar/revisao").csrf_token()},
        headers={HEADER: "journey-confirm-1"},
    )
    assert confirmed.status_code == 302
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "confirmation"))
    assert message.request_id == "journey-confirm-1", "the request id is kept with the message"

    run_once()  # the meeting, then the e-mail
    assert smtp.messages, "the confirmation went out"

    text = captured.getvalue()
    assert CITIZEN_NISS not in text
    assert email not in text and email.split("@")[0] not in text
    assert "Cidadão" not in text and "Maria" not in text
    assert "[document]" in text and "[e-mail]" in text, "they were logged, masked"
    sent = [
        line
        for line in lines(captured)
        if line["message"] == f"outbox: message {message.id} (confirmation) sent"
    ]
    assert [line["request_id"] for line in sent] == ["journey-confirm-1"]
