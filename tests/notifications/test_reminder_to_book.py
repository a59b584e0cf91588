"""One reminder to book, PORTAL_REFERRAL_REMINDER_DAYS before an unused code expires:
sent once, through real SMTP; never once the person has booked, nor for a code that was
withdrawn or ran out; later when the code's expiry moved or a time is being held."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.booking import transitions
from portal.extensions import db
from portal.notifications.codes import resend_code
from portal.outbox.models import MessageKind, MessageStatus, OutboxMessage
from portal.outbox.queue import enqueue_for_referral
from portal.outbox.worker import run_once
from portal.referrals.models import Referral
from portal.referrals.operations import ReferralRequest, issue_referral, void_referral
from portal.scheduling.models import Slot
from portal.scheduling.slots import booking_window
from tests.conftest import smtp_settings
from tests.factories import CITIZEN_NISS, create_world
from tests.notifications.mail import assert_no_secret_in_urls, of_kind, text_of

PUBLIC_URL = "https://portal.example.pt"
REMINDER = "Reminder: book your video appointment"


@pytest.fixture
def app_settings(smtp):
    return {**smtp_settings(smtp), "PUBLIC_URL": PUBLIC_URL}


@pytest.fixture
def world(app, clock):
    return create_world(clock.now)


def issue(world, clock, valid_days=10) -> Referral:
    """A code issued as the phone line does, its code e-mail delivered."""
    request = ReferralRequest(
        subject_code=world.subject.code, niss=CITIZEN_NISS, email="ana@example.pt", language="en"
    )
    referral = issue_referral(request, clock.now, valid_days)
    db.session.commit()
    assert run_once().sent == 1
    return referral


def reminder_of(referral) -> OutboxMessage | None:
    db.session.expire_all()
    return db.session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.referral_id == referral.id,
            OutboxMessage.kind == MessageKind.REMINDER_TO_BOOK,
        )
    )


def due(app, referral):
    return referral.expires_at - timedelta(days=app.config["REFERRAL_REMINDER_DAYS"])


def book(referral, clock):
    slot = db.session.scalars(
        select(Slot).where(Slot.starts_at > clock.now + timedelta(days=1)).order_by(Slot.starts_at)
    ).first()
    window = booking_window(clock.now, 1, 15)
    booking = transitions.hold(referral, [slot.id], clock.now, 15, window)
    transitions.confirm(booking, clock.now)
    db.session.commit()
    return booking


def test_one_reminder_goes_when_the_code_is_still_unused(app, clock, smtp, world):
    referral = issue(world, clock)
    assert app.config["REFERRAL_REMINDER_DAYS"] == 3
    when = due(app, referral)
    assert reminder_of(referral).due_at == when

    clock.now = when - timedelta(minutes=1)
    assert run_once().sent == 0
    clock.now = when
    assert run_once().sent == 1
    (message,) = of_kind(smtp.messages, REMINDER)
    assert message["Subject"] == f"{REMINDER} by Saturday 5 December 2026"
    text = text_of(message)
    assert "You have not booked your video appointment with Segurança Social yet." in text
    assert "stops working on Saturday 5 December 2026" in text
    assert f"Reference code: {referral.display_code}" in text
    assert f"go to {PUBLIC_URL}/?lang=en" in text
    # Asked on Wednesday 2 December: the next working day's first time.
    assert "sent: Thursday 3 December 2026 at 09:00 (Lisbon time)" in text
    assert_no_secret_in_urls(message, referral.display_code, [CITIZEN_NISS])

    clock.advance(days=2)
    assert run_once().sent == 0
    assert len(of_kind(smtp.messages, REMINDER)) == 1, "once"
    assert reminder_of(referral).status == MessageStatus.SENT

    # Whatever the code does, the database holds one reminder to book per code.
    with pytest.raises(IntegrityError), db.session.begin_nested():
        enqueue_for_referral(referral, MessageKind.REMINDER_TO_BOOK, clock.now)


def test_none_once_the_person_has_booked(app, clock, smtp, world):
    referral = issue(world, clock)
    booking = book(referral, clock)
    assert reminder_of(referral).status == MessageStatus.SUPERSEDED, "dropped at once"
    assert run_once().sent == 1  # the confirmation

    transitions.cancel(booking, clock.now)  # and the code is used up
    db.session.commit()
    clock.now = due(app, referral)
    run_once()
    clock.advance(days=1)
    run_once()
    subjects = [m["Subject"] for m in smtp.messages]
    assert not of_kind(smtp.messages, REMINDER), subjects
    assert len(subjects) == 3, "the code, the confirmation and the cancellation"


def test_none_after_a_closure_cancelled_the_booking(app, clock, smtp, world):
    """The code still books after a closure (and lives longer), but the person had booked."""
    referral = issue(world, clock)
    booking = book(referral, clock)
    transitions.release(booking, transitions.Action.CLOSE, clock.now, extend_code_days=7)
    db.session.commit()
    clock.now = due(app, referral)
    run_once()
    assert not of_kind(smtp.messages, REMINDER)


def test_none_for_a_withdrawn_code(app, clock, smtp, world):
    referral = issue(world, clock)
    void_referral(referral, clock.now)
    db.session.commit()
    assert reminder_of(referral).status == MessageStatus.SUPERSEDED
    clock.now = due(app, referral)
    assert run_once().sent == 0


def test_none_for_a_code_that_ran_out_while_the_worker_was_stopped(app, clock, smtp, world):
    referral = issue(world, clock)
    clock.now = referral.expires_at + timedelta(hours=1)
    report = run_once()
    assert (report.sent, report.superseded) == (0, 1)
    assert reminder_of(referral).status == MessageStatus.SUPERSEDED


def test_it_waits_for_a_time_being_held_and_for_an_expiry_moved_later(app, clock, smtp, world):
    referral = issue(world, clock)
    when = due(app, referral)

    # Holding a time when the reminder comes due: it waits for the hold to end.
    clock.now = when - timedelta(minutes=5)
    slot = db.session.scalars(
        select(Slot).where(Slot.starts_at > clock.now + timedelta(days=1)).order_by(Slot.starts_at)
    ).first()
    hold = transitions.hold(referral, [slot.id], clock.now, 15, booking_window(clock.now, 1, 15))
    db.session.commit()
    clock.now = when
    assert run_once().waiting == 1
    assert reminder_of(referral).due_at == hold.held_until
    # The hold ran out unconfirmed; meanwhile the code was given five more days.
    referral.expires_at += timedelta(days=5)
    db.session.commit()
    clock.now = hold.held_until
    assert run_once().sent == 0
    assert reminder_of(referral).due_at == when + timedelta(days=5)
    clock.now = when + timedelta(days=5)
    assert run_once().sent == 1
    assert len(of_kind(smtp.messages, REMINDER)) == 1


def test_no_reminder_for_a_short_lived_code_or_when_turned_off(app, clock, smtp, world):
    short = issue(world, clock, valid_days=3)
    assert reminder_of(short) is None, "the code e-mail itself is reminder enough"
    app.config["REFERRAL_REMINDER_DAYS"] = 0
    assert reminder_of(issue(world, clock)) is None


def test_two_clicks_at_once_write_one_code_e_mail(app, clock, smtp, world):
    referral_id = issue(world, clock).id
    db.session.commit()  # this test's own session keeps no transaction (nor SQLite's lock)
    start = threading.Barrier(2)
    written = []

    def click():
        with app.app_context():
            start.wait()  # before any query: on SQLite a transaction takes the write lock
            found = db.session.get(Referral, referral_id)
            written.append(resend_code(found, clock.now))
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(message is None for message in written) == [False, True]
    db.session.expire_all()
    pending = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.referral_id == referral_id,
            OutboxMessage.status == MessageStatus.PENDING,
            OutboxMessage.kind == MessageKind.CODE_ISSUED,
        )
    ).all()
    assert len(pending) == 1
