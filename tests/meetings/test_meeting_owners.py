"""A booking's Teams meeting belongs to its organizer: every way a booking ends
deletes it there and tells the person once; a move to a desk with another
organizer replaces it, and the change e-mail carries the new link.

Driven through the pages people use, with the Graph double (strict about
organizers) and a real SMTP server."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.booking.models import BookingStatus, CancelReason
from portal.citizen import time_value
from portal.extensions import db
from portal.meetings.models import MeetingStatus
from portal.outbox.worker import run_once
from portal.scheduling.models import Desk, Slot
from tests.citizen.test_journey import sign_in
from tests.conftest import graph_settings, smtp_settings
from tests.doubles.graph import ORGANIZER, ORGANIZER_ID, OTHER_ORGANIZER, OTHER_ORGANIZER_ID
from tests.factories import create_account, create_confirmed_booking, create_world
from tests.outbox.helpers import invite_of, pdf_links, pdf_of
from tests.staff.helpers import staff_sign_in


@pytest.fixture
def app_settings(graph, smtp):
    return {**graph_settings(graph), **smtp_settings(smtp), "PUBLIC_URL": "https://portal.pt"}


@pytest.fixture
def world(app, clock):
    world = create_world(clock.now)
    world.desks[1].teams_organizer = OTHER_ORGANIZER
    db.session.commit()
    return world


def deliver_everything():
    for _ in range(3):
        run_once()


def text_of(message):
    return message.get_body(("plain",)).get_content()


def cancel_as_the_person(client, world, booking, clock):
    sign_in(client, world.referral)
    client.submit("/a-minha-marcacao/cancelar")


def void_as_the_phone_line(client, world, booking, clock):
    staff_sign_in(client, create_account("phone_line"))
    client.submit(f"/staff/referrals/{world.referral.id}/void")


def close_the_desk(client, world, booking, clock):
    staff_sign_in(client, create_account("desk", desk=world.desks[0]))
    day = booking.slot.starts_at.date().isoformat()  # Lisbon is UTC in winter
    client.submit(
        f"/staff/desks/{world.desks[0].id}/closures/new",
        {"starts_on": day, "ends_on": day, "reason": "Greve"},
    )


def record_rebooked_by_phone(client, world, booking, clock):
    # The desk records the outcome once the session has started (the person, reached
    # by phone, was given another appointment): too late for a cancellation e-mail.
    clock.now = booking.slot.starts_at + timedelta(minutes=5)
    staff_sign_in(client, create_account("desk", desk=world.desks[0]))
    client.submit(f"/staff/bookings/{booking.id}", {"outcome": "rebooked_by_phone"})


ENDINGS = {
    CancelReason.PERSON: (cancel_as_the_person, "Video appointment cancelled"),
    CancelReason.PHONE_LINE: (void_as_the_phone_line, "Video appointment cancelled"),
    CancelReason.CLOSURE: (close_the_desk, "Video appointment cancelled"),
    CancelReason.REBOOKED_BY_PHONE: (record_rebooked_by_phone, None),
}


@pytest.mark.parametrize("reason", list(ENDINGS))
def test_every_ending_deletes_the_meeting_under_its_owner_and_tells_once(
    app, client, clock, graph, smtp, world, reason
):
    world.referral.language = "en"
    booking = create_confirmed_booking(world, clock.now)
    deliver_everything()
    (meeting_id,) = graph.meetings
    assert graph.owners[meeting_id] == ORGANIZER_ID
    assert len(smtp.messages) == 1  # the confirmation

    end, subject = ENDINGS[reason]
    end(client, world, booking, clock)
    deliver_everything()

    db.session.expire_all()
    assert (booking.status, booking.cancelled_reason) == (BookingStatus.CANCELLED, reason)
    assert graph.meetings == {}, "the join link is dead"
    (delete,) = graph.graph_calls("DELETE")
    assert delete[1] == f"/v1.0/users/{ORGANIZER_ID}/onlineMeetings/{meeting_id}"
    assert booking.meeting.status == MeetingStatus.CANCELLED
    cancellations = smtp.messages[1:]
    if subject is None:  # the session's time has come: the person is told nothing
        assert cancellations == []
        return
    assert len(cancellations) == 1, "one cancellation, nothing else"
    assert cancellations[0]["Subject"].startswith(subject)
    calendar, event = invite_of(cancellations[0])
    assert calendar["METHOD"] == "CANCEL" and event["SEQUENCE"] == 1
    assert graph.problems == []


def test_a_move_to_a_desk_with_another_organizer_replaces_the_meeting(
    app, client, clock, graph, smtp, world
):
    booking = create_confirmed_booking(world, clock.now)
    deliver_everything()
    (old_id,) = graph.meetings
    old_link = graph.meetings[old_id]["joinWebUrl"]
    south = world.desks[1]
    new_slot = db.session.scalars(
        select(Slot)
        .where(Slot.desk_id == south.id, Slot.starts_at > booking.slot.starts_at)
        .order_by(Slot.starts_at)
    ).first()

    sign_in(client, world.referral)
    client.get(f"/a-minha-marcacao/reagendar?centro={south.centre_id}")  # preferred centre
    client.submit(f"/a-minha-marcacao/reagendar/confirmar?horario={time_value(new_slot.starts_at)}")
    deliver_everything()

    (new_id,) = graph.meetings
    assert new_id != old_id and graph.owners[new_id] == OTHER_ORGANIZER_ID
    assert graph.graph_calls("DELETE")[0][1].startswith(f"/v1.0/users/{ORGANIZER_ID}/")
    new_link = graph.meetings[new_id]["joinWebUrl"]
    moved = smtp.messages[-1]
    _, event = invite_of(moved)
    assert event["SEQUENCE"] == 1 and str(event["URL"]) == new_link
    assert new_link in text_of(moved) and old_link not in text_of(moved)
    assert set(pdf_links(pdf_of(moved))) == {new_link}
    db.session.expire_all()
    meeting = booking.meeting
    assert (meeting.status, meeting.organizer_id, meeting.join_url) == (
        MeetingStatus.READY,
        OTHER_ORGANIZER_ID,
        new_link,
    )
    assert graph.problems == []


def test_the_organizer_is_resolved_once_and_kept_on_the_desk(app, clock, graph, smtp, world):
    create_confirmed_booking(world, clock.now)
    deliver_everything()
    desk = db.session.get(Desk, world.desks[0].id)
    assert (desk.teams_organizer, desk.teams_organizer_id) == (ORGANIZER, ORGANIZER_ID)

    from tests.factories import create_referral

    other = create_referral(world.subject, clock.now)
    db.session.commit()
    create_confirmed_booking(world, clock.now, days_ahead=3, referral=other)
    deliver_everything()
    lookups = [c for c in graph.graph_calls("GET") if "$select=id" in c[1]]
    assert len(lookups) == 1 and len(graph.meetings) == 2

    desk.teams_organizer = OTHER_ORGANIZER  # a new organizer: the cached id is forgotten
    assert desk.teams_organizer_id is None
    db.session.rollback()
