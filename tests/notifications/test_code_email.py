"""The code in writing: issued from the console, `flask referral create` or the API, the
person gets an e-mail in their language, through real SMTP; the console shows whether it
went and can send it again; withdrawing a code sends nothing new."""

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.integrations.operations import create_client
from portal.outbox.models import MessageKind, MessageStatus, OutboxMessage
from portal.outbox.worker import run_once
from portal.referrals import codes
from portal.referrals.cli import create_referral as create_referral_command
from portal.referrals.models import Referral
from tests.api.test_referrals_api import basic, bearer
from tests.conftest import smtp_settings
from tests.factories import (
    CITIZEN_NISS,
    COMPANY_NIPC,
    COMPANY_NISS,
    create_account,
    create_world,
)
from tests.notifications.mail import assert_no_secret_in_urls, html_of, text_of, urls_in
from tests.outbox.helpers import part
from tests.staff.helpers import staff_sign_in

PUBLIC_URL = "https://portal.example.pt"


@pytest.fixture
def app_settings(smtp):
    return {**smtp_settings(smtp), "PUBLIC_URL": PUBLIC_URL}


@pytest.fixture
def world(app, clock):
    return create_world(clock.now)


def newest_referral() -> Referral:
    db.session.expire_all()
    return db.session.scalars(select(Referral).order_by(Referral.id.desc())).first()


def code_messages(referral) -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.referral_id == referral.id)
        .order_by(OutboxMessage.id)
    ).all()


def agent(client):
    account = create_account("phone_line")
    db.session.commit()
    staff_sign_in(client, account)
    return account


def issue_in_console(client, world, **fields):
    data = {
        "subject": world.subject.code,
        "audience": "citizen",
        "niss": CITIZEN_NISS,
        "email": "ana@example.pt",
        "language": "en",
        **fields,
    }
    return client.submit("/staff/referrals/new", data, status=None, follow=True)


def e_mail_panel(page) -> str:
    panel = next(p for p in page.soup.select(".panel") if "E-mail to the caller" in p.get_text())
    return " ".join(panel.get_text(" ").split())


def test_the_console_issues_a_code_and_the_person_gets_it_in_writing(app, client, smtp, world):
    agent(client)
    page = issue_in_console(client, world)
    referral = newest_referral()
    assert "E-mail with the code pending: it goes out in a few moments." in e_mail_panel(page)
    assert smtp.messages == [], "nothing is sent inside the request"

    assert run_once().sent == 1
    (envelope,) = smtp.inbox.envelopes
    assert envelope.rcpt_tos == ["ana@example.pt"]
    (message,) = smtp.messages
    assert message["Subject"] == "Your reference code for a video appointment with Segurança Social"
    assert message["Content-Language"] == "en"
    text = text_of(message)
    assert f"Reference code: {referral.display_code}" in text, "the code, grouped for reading"
    assert len(referral.display_code.split("-")) == 3
    assert f"Subject: {world.subject.name_en}" in text
    assert "Valid until: Saturday 5 December 2026 at 10:00 (Lisbon time)" in text
    assert f"go to {PUBLIC_URL}/?lang=en and enter the code with your NISS" in text
    # The first desk's 9:00 on the next working day, as the console proposed it.
    assert "Thursday 26 November 2026 at 09:00 (Lisbon time)" in text
    assert "Thursday 26 November 2026 at 09:00" in page.main_text()
    assert "What to prepare:\n- Identity document\n" in text
    assert f"How we handle your data: {PUBLIC_URL}/privacidade?lang=en" in text
    html = html_of(message)
    assert referral.display_code in html and '<html lang="en">' in html
    assert f"{PUBLIC_URL}/?lang=en" in urls_in(message)
    assert_no_secret_in_urls(message, referral.display_code, [CITIZEN_NISS])
    assert CITIZEN_NISS not in text and CITIZEN_NISS not in html, "the NISS is never written"
    assert part(message, "text/calendar") is None and part(message, "application/pdf") is None

    page = client.get(f"/staff/referrals/{referral.id}")
    assert "E-mail with the code sent on Wednesday 25 November 2026 at 10:00." in e_mail_panel(page)
    assert "Reminder to book due on Wednesday 2 December 2026 at 10:00" in e_mail_panel(page)
    assert run_once().sent == 0, "exactly once"


def test_flask_referral_create_sends_the_code_in_portuguese(app, smtp, world):
    result = app.test_cli_runner().invoke(
        create_referral_command,
        ["--subject", world.subject.code, "--niss", CITIZEN_NISS, "--email", "rui@example.pt"],
    )
    assert result.exit_code == 0, result.output
    referral = newest_referral()
    assert referral.code == codes.normalise(result.output.splitlines()[-1])

    assert run_once().sent == 1
    (message,) = smtp.messages
    assert message["To"] == "rui@example.pt"
    assert message["Content-Language"] == "pt-PT"
    assert message["Subject"] == (
        "O seu código de referência para o atendimento por videoconferência com a Segurança Social"
    )
    text = text_of(message)
    assert f"Código de referência: {referral.display_code}" in text
    assert f"Assunto: {world.subject.name_pt}" in text
    assert "Válido até: sábado, 5 de dezembro de 2026, às 10:00 (hora de Lisboa)" in text
    assert f"aceda a {PUBLIC_URL}/ e introduza o código com o seu NISS" in text
    assert "quinta-feira, 26 de novembro de 2026, às 09:00 (hora de Lisboa)" in text
    assert "- Documento de identificação" in text
    assert f"Como tratamos os seus dados: {PUBLIC_URL}/privacidade\n" in text
    assert_no_secret_in_urls(message, referral.display_code, [CITIZEN_NISS])


def test_the_api_issues_a_code_for_a_company_and_the_representative_reads_it(
    app, client, smtp, world
):
    registered, secret = create_client("Linha da Segurança Social")
    db.session.commit()
    http = client.client
    token = http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=basic(registered.client_id, secret),
    ).get_json()["access_token"]
    payload = {
        "subject": world.subject.code,
        "niss": COMPANY_NISS,
        "nipc": COMPANY_NIPC,
        "email": "contabilidade@example.pt",
        "language": "en",
    }
    response = http.post("/api/v1/referrals", json=payload, headers=bearer(token))
    assert response.status_code == 201, response.get_json()
    referral = newest_referral()

    assert run_once().sent == 1
    (message,) = smtp.messages
    text = text_of(message)
    assert response.get_json()["code"] in text
    assert "enter the code with the company's NIPC" in text
    assert "If you act for the company under a mandate: the power of attorney." in text
    assert_no_secret_in_urls(message, referral.display_code, [COMPANY_NISS, COMPANY_NIPC])
    assert COMPANY_NISS not in text and COMPANY_NIPC not in text


def test_the_console_sends_the_code_again_once_per_click_and_audits_it(
    app, client, clock, smtp, world
):
    agent(client)
    issue_in_console(client, world)
    referral = newest_referral()
    resend = f"/staff/referrals/{referral.id}/resend-code"
    shown = f"/staff/referrals/{referral.id}"

    def send_again():
        return client.submit(resend, {}, form_url=shown, status=200, follow=True).notices()

    # The first e-mail has not gone out yet.
    assert send_again() == ["The e-mail with the code is already waiting to be sent."]
    assert run_once().sent == 1

    clock.advance(minutes=5)
    assert send_again() == ["The code will be sent again in a few moments."]
    assert send_again() == ["The e-mail with the code is already waiting to be sent."]
    assert run_once().sent == 1
    assert run_once().sent == 0
    assert len(smtp.messages) == 2
    first, again = smtp.messages
    assert first["Message-ID"] != again["Message-ID"]
    assert referral.display_code in text_of(again)

    resent = db.session.scalars(select(AuditEvent).where(AuditEvent.detail == "code-resent")).all()
    assert [(e.object_type, e.object_id) for e in resent] == [("referral", referral.id)]
    log = client.get("/staff/audit-log", status=None)  # the phone line may not read it
    assert log.status == 403


def test_a_failed_code_e_mail_shows_as_failed_and_can_be_sent_again(
    app, client, clock, smtp, world
):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 1
    agent(client)
    smtp.stop()
    issue_in_console(client, world)
    referral = newest_referral()
    assert run_once().failed == 1

    shown = f"/staff/referrals/{referral.id}"
    page = client.get(shown)
    assert "E-mail with the code failed: it could not be delivered." in e_mail_panel(page)
    smtp.start()
    client.submit(f"{shown}/resend-code", {}, form_url=shown)
    assert run_once().sent == 1
    page = client.get(shown)
    assert "E-mail with the code sent on" in e_mail_panel(page)


def test_withdrawing_a_code_sends_nothing_new(app, client, clock, smtp, world):
    agent(client)
    issue_in_console(client, world)
    referral = newest_referral()
    shown = f"/staff/referrals/{referral.id}"

    client.submit(f"/staff/referrals/{referral.id}/void", {}, status=302)
    assert run_once().sent == 0
    assert smtp.messages == [], "a withdrawn code is not sent, even if it was still pending"
    statuses = {m.kind: m.status for m in code_messages(referral)}
    assert statuses == {
        MessageKind.CODE_ISSUED: MessageStatus.SUPERSEDED,
        MessageKind.REMINDER_TO_BOOK: MessageStatus.SUPERSEDED,
    }

    page = client.get(shown)
    panel = e_mail_panel(page)
    assert "not sent: the code was withdrawn or booked first" in panel
    assert "No reminder to book" in panel
    assert not page.soup.select(f'form[action="{shown}/resend-code"]'), "no button to resend"
    client.client.post(f"{shown}/resend-code", data={"csrf_token": page.csrf_token()})
    page = client.get(shown)
    assert "This code can no longer be used to book, so it was not sent." in page.notices()
    assert run_once().sent == 0 and smtp.messages == []


def test_re_issuing_a_code_sends_the_new_one_only(app, client, smtp, world):
    agent(client)
    issue_in_console(client, world)
    old = newest_referral()
    assert run_once().sent == 1

    client.submit(f"/staff/referrals/{old.id}/reissue", {}, status=302)
    new = newest_referral()
    assert new.replaces_id == old.id
    assert run_once().sent == 1
    assert new.display_code in text_of(smtp.messages[-1])
    assert old.display_code not in text_of(smtp.messages[-1])
