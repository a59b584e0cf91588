"""Whatever a person typed comes out as text — in the page, the e-mail and the PDF."""

import pytest

from portal.extensions import db
from portal.outbox.worker import run_once
from portal.referrals.companies import set_representative
from portal.scheduling.models import Audience
from tests.conftest import smtp_settings
from tests.factories import COMPANY_NIPC, COMPANY_NISS, create_confirmed_booking, create_world
from tests.outbox.helpers import pdf_of, pdf_text

COMPANY = "<b>&\"x'"
PERSON = '<i>Ana</i> & "Rui" O\'Neil'
EMAIL = "o'neil&co@example.pt"


@pytest.fixture
def app_settings(smtp):
    return smtp_settings(smtp)


@pytest.fixture
def company_booking(app, clock):
    world = create_world(clock.now)
    world.referral.audience = Audience.COMPANY
    world.referral.niss, world.referral.nipc = COMPANY_NISS, COMPANY_NIPC
    set_representative(world.referral, COMPANY, PERSON, "accountant", EMAIL, "912 345 678")
    db.session.commit()
    return create_confirmed_booking(world, clock.now)


def test_the_page_shows_typed_text_escaped(client, company_booking):
    referral = company_booking.referral
    client.get("/?lang=en")
    client.submit("/", {"code": referral.code, "identifier": COMPANY_NIPC})
    page = client.get("/a-minha-marcacao")
    raw = page.response.get_data(as_text=True)
    assert COMPANY not in raw and "<i>Ana</i>" not in raw
    assert "&lt;b&gt;&amp;&#34;x&#39;" in raw
    assert COMPANY in page.main_text() and PERSON in page.main_text()
    assert EMAIL in page.main_text()


def test_the_e_mail_and_the_pdf_show_typed_text_escaped(app, smtp, company_booking):
    assert run_once().sent == 1
    (envelope,) = smtp.inbox.envelopes
    assert envelope.rcpt_tos == [EMAIL], "companies' mail goes to the representative"
    (message,) = smtp.messages
    html = message.get_body(("html",)).get_content()
    assert COMPANY not in html and "<i>Ana</i>" not in html
    assert "&lt;b&gt;&amp;&#34;x&#39;" in html
    assert "&lt;i&gt;Ana&lt;/i&gt; &amp; &#34;Rui&#34; O&#39;Neil" in html
    text = message.get_body(("plain",)).get_content()
    assert COMPANY in text and PERSON in text, "the plain-text part is not HTML-escaped"

    content = pdf_text(pdf_of(message))
    assert COMPANY in content, "markup typed by a person is printed, not interpreted"
    assert PERSON in content
    assert COMPANY_NIPC in content
