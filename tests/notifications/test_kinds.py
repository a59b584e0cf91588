"""Kinds of e-mail: one registration plus two templates each; every one says who sent
it and links to the privacy notice; adding one takes nothing else."""

from email.utils import make_msgid

import pytest
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy import func, select

from portal.extensions import db
from portal.notifications import kinds
from portal.notifications.email import Envelope, compose
from portal.outbox.models import MessageStatus, OutboxMessage
from portal.outbox.queue import enqueue_for_referral
from portal.outbox.worker import run_once
from tests.conftest import smtp_settings
from tests.factories import create_confirmed_booking, create_world
from tests.notifications.mail import html_of, text_of

PUBLIC_URL = "https://portal.example.pt"
PRIVACY = {"pt_PT": f"{PUBLIC_URL}/privacidade", "en": f"{PUBLIC_URL}/privacidade?lang=en"}


@pytest.fixture
def app_settings(smtp):
    return {**smtp_settings(smtp), "PUBLIC_URL": PUBLIC_URL}


def test_every_kind_has_its_two_templates_with_a_subject_block(app):
    environment = app.jinja_env
    for kind in kinds.registered():
        text = environment.get_template(kind.text_template)
        html = environment.get_template(kind.html_template)
        assert "subject" in text.blocks, f"{kind.text_template} has no subject block"
        assert "body" in text.blocks and "body" in html.blocks, kind.name


@pytest.mark.parametrize("language", ["pt_PT", "en"])
def test_every_kind_links_to_the_privacy_notice_in_its_language(app, clock, language):
    world = create_world(clock.now)
    booking = create_confirmed_booking(world, clock.now)
    for kind in kinds.registered():
        unsent = OutboxMessage(
            kind=kind.name,
            referral=world.referral,
            booking=booking,
            booking_sequence=booking.sequence,
            language=language,
            recipient="pessoa@example.pt",
        )
        facts = kind.facts(unsent, clock.now)
        envelope = Envelope(kind.name, "pessoa@example.pt", make_msgid(domain="example.pt"))
        message = compose(envelope, facts, clock.now, pdf=b"%PDF-1.7" if kind.pdf else None)
        assert message["Subject"] and "\n" not in message["Subject"], kind.name
        footer = html_of(message).rsplit("<p", 1)[-1]
        assert f'<a href="{PRIVACY[language]}"' in footer, f"{kind.name}: no privacy link"
        assert text_of(message).rstrip().endswith(PRIVACY[language]), kind.name
        assert message["Content-Language"] == language.replace("_", "-")


@pytest.fixture
def waiting_list_offer(app):
    """A kind as another feature adds it: a registration and its two templates."""
    templates = {
        "email/test_offer.txt": (
            '{% extends "email/layout.txt" %}'
            '{% block subject %}{{ _("Reference code") }}: {{ facts.reference }}{% endblock %}'
            "{% block body %}A seat is free for {{ facts.subject }}.{% endblock %}"
        ),
        "email/test_offer.html": (
            '{% extends "email/layout.html" %}'
            "{% block body %}<p>A seat is free for {{ facts.subject }}.</p>{% endblock %}"
        ),
    }
    app.jinja_env.loader = ChoiceLoader([DictLoader(templates), app.jinja_env.loader])
    kind = kinds.register("test_offer", kinds.about_referral)
    yield kind
    kinds._KINDS.pop(kind.name)


def test_a_new_kind_is_one_registration_and_two_templates(app, clock, smtp, waiting_list_offer):
    world = create_world(clock.now)
    enqueue_for_referral(world.referral, "test_offer", clock.now)
    db.session.commit()

    assert run_once().sent == 1
    (message,) = smtp.messages
    assert message["Subject"] == f"Código de referência: {world.referral.display_code}"
    assert f"A seat is free for {world.subject.name_pt}." in text_of(message)
    assert "Como tratamos os seus dados" in html_of(message), "the shared layout"
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "test_offer"))
    assert row.status == MessageStatus.SENT and row.booking_id is None


def test_a_kind_is_registered_once_and_nothing_unregistered_is_written(app, clock):
    with pytest.raises(ValueError, match="already registered"):
        kinds.register("confirmation", kinds.about_booking)
    with pytest.raises(ValueError, match="snake_case"):
        kinds.register("Waiting list offer!", kinds.about_referral)
    with pytest.raises(ValueError, match="invite"):
        kinds.register("test_other", kinds.about_booking, invite="PUBLISH")
    world = create_world(clock.now)
    with pytest.raises(LookupError, match="no e-mail is registered"):
        enqueue_for_referral(world.referral, "no_such_offer", clock.now)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
