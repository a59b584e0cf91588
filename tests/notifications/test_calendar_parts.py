"""Every kind of e-mail, as received through real SMTP (Graph double for the meetings),
parsed with icalendar: invites and changes carry a text/calendar; method=REQUEST part
inside the multipart/alternative and the same calendar as an .ics attachment named in
the person's language; cancellations METHOD:CANCEL; the other kinds no calendar."""

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from portal.booking import transitions
from portal.booking.models import Booking
from portal.extensions import db
from portal.notifications import kinds
from portal.outbox.models import MessageKind, MessageStatus, OutboxMessage
from portal.outbox.worker import run_once
from portal.referrals.operations import ReferralRequest, issue_referral
from portal.scheduling.models import Slot
from portal.scheduling.slots import booking_window
from portal.waiting_list import services
from tests.conftest import graph_settings, smtp_settings
from tests.factories import CITIZEN_NISS, create_world

ORGANIZER = "mailto:atendimento-remoto@localhost"
METHODS = {
    MessageKind.CONFIRMATION: "REQUEST",
    MessageKind.RESCHEDULED: "REQUEST",
    MessageKind.CANCELLED: "CANCEL",
    MessageKind.DESK_CLOSED: "CANCEL",
    MessageKind.REMINDER: None,
    MessageKind.CODE_ISSUED: None,
    MessageKind.REMINDER_TO_BOOK: None,
    "waiting_list_offer": None,
}
FILE_NAMES = {
    ("REQUEST", "en"): "appointment.ics",
    ("REQUEST", "pt_PT"): "marcacao.ics",
    ("CANCEL", "en"): "cancellation.ics",
    ("CANCEL", "pt_PT"): "cancelamento.ics",
}


@pytest.fixture
def app_settings(graph, smtp):
    return {**graph_settings(graph), **smtp_settings(smtp), "PUBLIC_URL": "https://portal.pt"}


def issue(world, clock, language):
    request = ReferralRequest(
        subject_code=world.subject.code,
        niss=CITIZEN_NISS,
        email=f"{language}@example.pt",
        language=language,
    )
    referral = issue_referral(request, clock.now, 10)
    db.session.commit()
    return referral


def slots_ahead(world, clock, days):
    return db.session.scalars(
        select(Slot)
        .where(Slot.desk_id == world.desks[0].id, Slot.starts_at > clock.now + timedelta(days))
        .order_by(Slot.starts_at)
    ).all()


def book(referral, slot, clock):
    window = booking_window(clock.now, 1, 15)
    booking = transitions.hold(referral, [slot.id], clock.now, 15, window)
    transitions.confirm(booking, clock.now)
    db.session.commit()
    return booking


def every_kind_received(app, clock, graph, world):
    """Send every kind of e-mail, as a person's journey does; join links seen on the way."""
    english = issue(world, clock, "en")
    run_once()  # the code e-mail
    clock.now = english.expires_at - timedelta(days=app.config["REFERRAL_REMINDER_DAYS"])
    run_once()  # the reminder to book
    first, later = slots_ahead(world, clock, 2)[:2]
    booking = book(english, first, clock)
    run_once()  # the confirmation
    joins = {m["joinWebUrl"] for m in graph.meetings.values()}
    transitions.reschedule(booking, [later.id], clock.now, booking_window(clock.now, 1, 15), None)
    db.session.commit()
    run_once()  # the change
    clock.now = later.starts_at - timedelta(hours=app.config["REMINDER_HOURS"])
    run_once()  # the reminder
    transitions.cancel(booking, clock.now)
    db.session.commit()
    run_once()  # the cancellation

    portuguese = issue(world, clock, "pt_PT")
    closed = book(portuguese, slots_ahead(world, clock, 2)[0], clock)
    run_once()
    joins |= {m["joinWebUrl"] for m in graph.meetings.values()}
    transitions.release(closed, transitions.Action.CLOSE, clock.now, extend_code_days=7)
    db.session.commit()
    run_once()  # "the desk is closed"

    waiting = issue(world, clock, "en")
    services.join(waiting, None, clock.now)
    services.offer_seats([slots_ahead(world, clock, 2)[0].id], clock.now)
    db.session.commit()
    run_once()  # the waiting-list offer
    return joins


def calendar_parts(message):
    """The text/calendar parts inside the multipart/alternative, and the .ics attachments."""
    (alternative,) = [p for p in message.walk() if p.get_content_type() == "multipart/alternative"]
    inline = [p for p in alternative.iter_parts() if p.get_content_type() == "text/calendar"]
    attached = [p for p in message.iter_attachments() if (p.get_filename() or "").endswith(".ics")]
    return inline, attached


def test_every_kind_carries_the_calendar_it_should(app, clock, graph, smtp):
    world = create_world(clock.now, attendants=2)
    joins = every_kind_received(app, clock, graph, world)
    sent = {
        m.message_id: m
        for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.status == MessageStatus.SENT)
        )
    }
    received = [(message, sent[message["Message-ID"].strip()]) for message in smtp.messages]
    assert {row.kind for _, row in received} == {k.name for k in kinds.registered()}
    assert set(METHODS) == {k.name for k in kinds.registered()}, "a new kind: say what it carries"
    assert len(joins) == 2 and all(joins)

    sequences = {}
    for message, row in received:
        method = METHODS[row.kind]
        inline, attached = calendar_parts(message)
        if method is None:
            assert (inline, attached) == ([], []), f"{row.kind} carries no calendar"
            continue
        (part,) = inline
        (attachment,) = attached
        assert part.get_param("method") == method
        assert attachment.get_filename() == FILE_NAMES[(method, row.language)]
        calendar = Calendar.from_ical(part.get_content())
        assert Calendar.from_ical(attachment.get_payload(decode=True)) == calendar
        assert calendar["METHOD"] == method
        (event,) = calendar.walk("VEVENT")
        booking = db.session.get(Booking, row.booking_id)
        assert str(event["UID"]) == booking.invite_uid
        assert event["SEQUENCE"] == row.booking_sequence
        assert str(event["ORGANIZER"]) == ORGANIZER
        assert event["ORGANIZER"].params["CN"] == "Segurança Social"
        assert str(event["ATTENDEE"]) == f"mailto:{row.recipient}"
        assert event.decoded("DTSTART").tzinfo is not None
        ical = calendar.to_ical().decode()
        if method == "REQUEST":
            assert event["STATUS"] == "CONFIRMED"
            join = str(event["URL"])
            assert join in joins
            assert str(event["LOCATION"]) == join and join in str(event["DESCRIPTION"])
        else:
            assert event["STATUS"] == "CANCELLED"
            assert "URL" not in event and "LOCATION" not in event
            assert not any(join in "".join(ical.split()) for join in joins), "no dead link"
            description = str(event["DESCRIPTION"])
            assert "cancelled" in description or "cancelado" in description
            assert "e-mail" not in description, "not 'the link will follow by e-mail'"
            assert event["SEQUENCE"] > sequences[row.booking_id], "a higher SEQUENCE"
        sequences[row.booking_id] = event["SEQUENCE"]
    assert sorted(sequences.values()) == [1, 2], "moved once then cancelled; closed once"
