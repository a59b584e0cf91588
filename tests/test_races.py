"""Races, with real parallel requests against a live server on PostgreSQL: one winner,
and the loser is told the truth.

- a double click on Confirm gives one booking and one confirmation e-mail;
- a move and a cancellation sent at the same moment: one of them happens, the
  other is refused with what happened instead;
- twenty simultaneous wrong sign-ins: no error, every one counted, at most five
  checked — with the counters in the database and in Redis.
"""

import os
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.booking import transitions
from portal.booking.models import Booking, BookingStatus
from portal.citizen import time_value
from portal.extensions import db
from portal.outbox.models import MessageKind, MessageStatus, OutboxMessage
from portal.outbox.worker import run_once
from portal.referrals.models import Referral
from portal.scheduling.models import Slot
from portal.scheduling.slots import booking_window
from portal.throttling.models import SignInCounter
from portal.throttling.service import RedisStore
from tests.conftest import smtp_settings
from tests.factories import CITIZEN_NISS, STAFF_PASSWORD, create_account, create_referral
from tests.factories import create_world as build_world
from tests.live import Browser, served_portal, together

ROUNDS = 5
ALREADY = "Your booking is already confirmed: nothing more is needed."
MOVED = "Your booking was moved to the new time."
CANCELLED_MEANWHILE = "This booking was cancelled meanwhile, so it could not be moved."
CHANGED_MEANWHILE = "Your booking was changed meanwhile:"
RAN_OUT = "Your reservation expired and the time was released. Please choose a time again."
MISMATCH = "The reference code and the number do not match. Check both and try again."
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def path_of(response) -> str:
    from urllib.parse import urlsplit

    return urlsplit(response.headers.get("Location", "")).path


def signed_in(base_url, code) -> Browser:
    person = Browser(base_url)
    token = person.form("/")["csrf_token"]
    assert person.post("/", {"code": code, "identifier": CITIZEN_NISS, "csrf_token": token})
    return person


def new_referrals(app, world, clock, count) -> list[str]:
    with app.app_context():
        codes = [create_referral(world.subject, clock.now).code for _ in range(count)]
        db.session.commit()
    return codes


def confirm_twice_at_once(app, base_url, code):
    first = signed_in(base_url, code)
    hold_first_time(first)
    confirm = first.form("/marcar/revisao", "/marcar/confirmar")
    second = first.copy()  # the same person, clicking twice

    answers = together(
        lambda: first.post("/marcar/confirmar", confirm),
        lambda: second.post("/marcar/confirmar", confirm),
    )

    assert [a.status_code for a in answers] == [302, 302]
    assert {path_of(a) for a in answers} == {"/marcar/confirmada"}
    told = [first.notices("/marcar/confirmada"), second.notices("/marcar/confirmada")]
    assert sorted(ALREADY in notices for notices in told) == [False, True]
    with app.app_context():
        referral = db.session.scalar(select(Referral).where(Referral.code == code))
        (booking,) = referral.bookings
        assert booking.status == BookingStatus.CONFIRMED
        kinds = db.session.scalars(
            select(OutboxMessage.kind).where(OutboxMessage.referral_id == referral.id)
        ).all()
        assert kinds.count(MessageKind.CONFIRMATION) == 1
        assert kinds.count(MessageKind.REMINDER) <= 1


def test_a_double_confirm_gives_one_booking_and_one_confirmation(tmp_path, clock, smtp):
    with served_portal(tmp_path, clock, **smtp_settings(smtp)) as (app, base_url):
        with app.app_context():
            world = build_world(clock.now, attendants=ROUNDS)
        for code in new_referrals(app, world, clock, ROUNDS):
            confirm_twice_at_once(app, base_url, code)
        with app.app_context():
            for _ in range(3):
                run_once()
                db.session.remove()
        # Sessions tomorrow: no reminders; so every e-mail is a confirmation.
        assert len(smtp.messages) == ROUNDS, "one e-mail per booking"
        assert len({m["Message-ID"] for m in smtp.messages}) == ROUNDS


def confirmed_bookings(app, clock, count):
    """Bookings confirmed (their confirmation sent) and, for each, a free later time (as the
    time page's form sends it)."""
    with app.app_context():
        world = build_world(clock.now, attendants=count)
        window = booking_window(clock.now, 1, 15)
        first, later = db.session.scalars(
            select(Slot)
            .where(Slot.desk_id == world.desks[0].id, Slot.starts_at > clock.now + timedelta(2))
            .order_by(Slot.starts_at)
            .limit(2)
        ).all()
        pairs = []
        for _ in range(count):
            referral = create_referral(world.subject, clock.now)
            booking = transitions.hold(referral, [first.id], clock.now, 15, window)
            transitions.confirm(booking, clock.now)
            for message in db.session.scalars(select(OutboxMessage)):
                message.status = MessageStatus.SENT
            pairs.append((referral.code, booking.id, time_value(later.starts_at)))
        db.session.commit()
    return pairs


def test_a_move_and_a_cancel_at_the_same_moment_have_one_winner(tmp_path, clock):
    with served_portal(tmp_path, clock) as (app, base_url):
        outcomes = []
        outcomes = [
            move_and_cancel_at_once(app, base_url, *pair)
            for pair in confirmed_bookings(app, clock, ROUNDS)
        ]
        assert len(outcomes) == ROUNDS


def move_and_cancel_at_once(app, base_url, code, booking_id, later):
    mover = signed_in(base_url, code)
    canceller = mover.copy()
    move_url = f"/a-minha-marcacao/reagendar/confirmar?horario={later}"
    move = mover.form(move_url)
    cancel = canceller.form("/a-minha-marcacao/cancelar")

    moved, cancelled = together(
        lambda: mover.post(move_url, move),
        lambda: canceller.post("/a-minha-marcacao/cancelar", cancel),
    )

    mover_told = mover.notices(path_of(moved))
    canceller_went = path_of(cancelled)
    with app.app_context():
        booking = db.session.get(Booking, booking_id)
        pending = db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.booking_id == booking_id,
                OutboxMessage.status == MessageStatus.PENDING,
            )
        ).all()
        kinds = sorted(m.kind for m in pending)
        assert booking.sequence == 1, "exactly one change happened"
        assert {m.booking_sequence for m in pending} <= {1}
        if booking.status == BookingStatus.CANCELLED:
            assert canceller_went == "/a-minha-marcacao/cancelada"
            assert CANCELLED_MEANWHILE in mover_told and MOVED not in mover_told
            assert time_value(booking.slot.starts_at) != later
            assert kinds == [MessageKind.CANCELLED], "no reminder left behind"
            return "cancel won"
        assert booking.status == BookingStatus.CONFIRMED
        assert time_value(booking.slot.starts_at) == later
        assert MOVED in mover_told
        told = canceller.notices(canceller_went)
        assert any(n.startswith(CHANGED_MEANWHILE) for n in told)
        assert kinds == sorted([MessageKind.RESCHEDULED, MessageKind.REMINDER])
        return "move won"


def hold_first_time(person) -> str:
    form = person.form("/marcar/horarios")
    starts_at = person.radio_values("/marcar/horarios", "horario")[0]
    answer = person.post("/marcar/horarios", {**form, "horario": starts_at})
    assert path_of(answer) == "/documentos"
    return starts_at


def confirm_late_while_another_holds(app, base_url, clock, late, other):
    person = signed_in(base_url, late)
    starts_at = hold_first_time(person)
    confirm = person.form("/marcar/revisao", "/marcar/confirmar")
    clock.advance(minutes=16)  # the hold ran out; someone else wants that time
    newcomer = signed_in(base_url, other)
    assert starts_at in newcomer.radio_values("/marcar/horarios", "horario")
    holding = {**newcomer.form("/marcar/horarios"), "horario": starts_at}

    confirmed, held = together(
        lambda: person.post("/marcar/confirmar", confirm),
        lambda: newcomer.post("/marcar/horarios", holding),
    )

    assert path_of(confirmed) == "/marcar/horarios"
    assert RAN_OUT in person.notices("/marcar/horarios")
    assert path_of(held) == "/documentos", "the newcomer gets the seat being freed"
    with app.app_context():
        late_booking, new_booking = (
            db.session.scalar(select(Referral).where(Referral.code == code)).bookings[0]
            for code in (late, other)
        )
        assert late_booking.status == BookingStatus.EXPIRED
        assert (new_booking.status, time_value(new_booking.slot.starts_at)) == ("held", starts_at)


def test_confirming_after_the_hold_was_released_says_it_ran_out(tmp_path, clock):
    with served_portal(tmp_path, clock) as (app, base_url):
        with app.app_context():
            world = build_world(clock.now)  # one seat per time
        codes = new_referrals(app, world, clock, 2 * ROUNDS)
        for late, other in zip(codes[::2], codes[1::2], strict=True):
            confirm_late_while_another_holds(app, base_url, clock, late, other)

        # And when `flask bookings expire-holds` released it before the click:
        (code,) = new_referrals(app, world, clock, 1)
        person = signed_in(base_url, code)
        hold_first_time(person)
        confirm = person.form("/marcar/revisao", "/marcar/confirmar")
        clock.advance(minutes=16)
        result = app.test_cli_runner().invoke(args=["bookings", "expire-holds"])
        assert "holds expired" in result.output
        assert path_of(person.post("/marcar/confirmar", confirm)) == "/marcar/horarios"
        assert RAN_OUT in person.notices("/marcar/horarios")


@pytest.fixture(params=["database", "redis"])
def store_settings(request):
    if request.param == "database":
        yield {}
        return
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    client.flushdb()
    yield {"RATELIMIT_REDIS_URL": REDIS_URL}
    client.flushdb()


def counted(app, key) -> int:
    store = app.extensions["throttle"].store
    if isinstance(store, RedisStore):
        return store.attempts(key)
    with app.app_context():
        return db.session.get(SignInCounter, key).attempts


def test_twenty_wrong_sign_ins_at_once_count_twenty_and_five_are_checked(
    tmp_path, clock, store_settings
):
    with served_portal(tmp_path, clock, **store_settings) as (app, base_url):
        with app.app_context():
            code = build_world(clock.now).referral.code
        person = Browser(base_url)
        form = {**person.form("/"), "code": code, "identifier": "20000000001"}
        windows = [person.copy() for _ in range(20)]

        answers = together(*[lambda w=w: w.post("/", form) for w in windows])

        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [200] * statuses.count(200) + [429] * statuses.count(429), statuses
        checked = [a for a in answers if a.status_code == 200]
        assert 1 <= len(checked) <= 5 and all(MISMATCH in a.text for a in checked)
        assert all("Too many attempts" in a.text for a in answers if a.status_code == 429)
        throttle = app.extensions["throttle"]
        assert counted(app, throttle.key("code", code)) == 20
        assert counted(app, throttle.key("address", "127.0.0.1")) == 20


def test_twenty_wrong_staff_passwords_at_once_check_at_most_five(tmp_path, clock):
    with served_portal(tmp_path, clock) as (app, base_url):
        with app.app_context():
            email = create_account("phone_line").email
            db.session.commit()
        person = Browser(base_url)
        form = {**person.form("/staff/sign-in"), "email": email, "password": "guess"}
        windows = [person.copy() for _ in range(20)]

        answers = together(*[lambda w=w: w.post("/staff/sign-in", form) for w in windows])

        assert all(answer.status_code in (200, 429) for answer in answers)
        checked = [a for a in answers if a.status_code == 200]
        assert 1 <= len(checked) <= 5
        right = {**form, "password": STAFF_PASSWORD}
        assert person.post("/staff/sign-in", right).status_code == 429, "still locked"


GONE = "Sorry, that time is no longer available. Please choose another."


def three_hold_one_two_desk_time(app, base_url, codes):
    people = [signed_in(base_url, code) for code in codes]
    chosen = people[0].radio_values("/marcar/horarios", "horario")[0]
    forms = [{**person.form("/marcar/horarios"), "horario": chosen} for person in people]

    answers = together(
        *(
            lambda p=p, f=f: p.post("/marcar/horarios", f)
            for p, f in zip(people, forms, strict=True)
        )
    )

    paths = sorted(path_of(answer) for answer in answers)
    assert paths == ["/documentos", "/documentos", "/marcar/horarios"]
    (late,) = [p for p, a in zip(people, answers, strict=True) if path_of(a) == "/marcar/horarios"]
    assert GONE in late.notices("/marcar/horarios"), "the third is told plainly"
    with app.app_context():
        held = db.session.scalars(
            select(Booking).join(Referral).where(Referral.code.in_(codes))
        ).all()
        assert len(held) == 2 and {b.status for b in held} == {BookingStatus.HELD}
        assert {time_value(b.slot.starts_at) for b in held} == {chosen}
        assert len({b.slot.desk_id for b in held}) == 2, "one seat at each desk"


def test_two_people_holding_a_two_desk_time_get_both_desks_and_a_third_is_told(tmp_path, clock):
    with served_portal(tmp_path, clock) as (app, base_url):
        with app.app_context():
            world = build_world(clock.now)  # two desks, one seat each, the same times
        for _round in range(3):
            three_hold_one_two_desk_time(app, base_url, new_referrals(app, world, clock, 3))
