"""Whatever a person (or a manager) typed comes out as text — in the page, every kind of
e-mail and the PDF."""

from email.utils import make_msgid

import pytest

from portal.extensions import db
from portal.notifications import kinds
from portal.notifications.email import Envelope, compose
from portal.notifications.facts import BookingFacts
from portal.outbox.models import OutboxMessage
from portal.outbox.worker import run_once
from portal.referrals.companies import set_representative
from portal.referrals.operations import ReferralRequest, issue_referral
from portal.scheduling.models import Audience
from tests.conftest import smtp_settings
from tests.factories import (
    CITIZEN_NISS,
    COMPANY_NIPC,
    COMPANY_NISS,
    create_confirmed_booking,
    create_world,
)
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


SUBJECT_NAME = '<script>alert("s")</script> & Co'
CHECKLIST_ITEM = "<img src=x onerror=alert(1)> \"Recibo\" & 'NIB'"


def hostile_subject(subject):
    """Names a manager typed: the subject and its checklist item."""
    subject.name_pt = subject.name_en = SUBJECT_NAME
    subject.checklist[0].label_pt = subject.checklist[0].label_en = CHECKLIST_ITEM
    db.session.commit()


def test_every_kind_of_e_mail_shows_typed_text_escaped(app, clock, company_booking):
    hostile_subject(company_booking.referral.subject)
    for kind in kinds.registered():
        unsent = OutboxMessage(
            kind=kind.name,
            referral=company_booking.referral,
            booking=company_booking,
            booking_sequence=company_booking.sequence,
            language="en",
            recipient=EMAIL,
        )
        facts = kind.facts(unsent, clock.now)
        envelope = Envelope(kind.name, EMAIL, make_msgid(domain="example.pt"))
        message = compose(envelope, facts, clock.now, pdf=b"%PDF-1.7" if kind.pdf else None)
        html = message.get_body(("html",)).get_content()
        text = message.get_body(("plain",)).get_content()
        for typed in (SUBJECT_NAME, CHECKLIST_ITEM, COMPANY, PERSON):
            assert typed not in html, f"{kind.name}: {typed} unescaped"
        assert "&lt;script&gt;alert(&#34;s&#34;)&lt;/script&gt; &amp; Co" in html, kind.name
        assert SUBJECT_NAME in text, f"{kind.name}: the plain-text part is not HTML-escaped"
        if isinstance(facts, BookingFacts):
            assert "&lt;b&gt;&amp;&#34;x&#39;" in html, kind.name


def test_the_code_e_mail_shows_typed_text_escaped_through_smtp(app, clock, smtp):
    world = create_world(clock.now)
    hostile_subject(world.subject)
    request = ReferralRequest(
        subject_code=world.subject.code, niss=CITIZEN_NISS, email=EMAIL, language="pt_PT"
    )
    issue_referral(request, clock.now, 10)
    db.session.commit()

    assert run_once().sent == 1
    (message,) = smtp.messages
    html = message.get_body(("html",)).get_content()
    assert SUBJECT_NAME not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;s&#34;)&lt;/script&gt; &amp; Co" in html
    assert "&lt;img src=x onerror=alert(1)&gt; &#34;Recibo&#34; &amp; &#39;NIB&#39;" in html
    text = message.get_body(("plain",)).get_content()
    assert f"- {CHECKLIST_ITEM}" in text
