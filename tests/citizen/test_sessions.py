"""Citizens' sessions live on the server: signing out (or the case ending) ends every copy."""

from datetime import timedelta

from sqlalchemy import func, select

from portal.extensions import db
from portal.sessions.models import CitizenSession
from tests.citizen.test_journey import book_first_time, path, sign_in
from tests.factories import create_account, create_referral, create_world
from tests.pages import PageClient
from tests.staff.helpers import staff_sign_in

COOKIE = "portal_session"


def copy_cookie(client) -> str:
    return client.client.get_cookie(COOKIE, domain="localhost").value


def with_cookie(client, value):
    client.client.set_cookie(COOKIE, value, domain="localhost")
    return client


def sessions_of(referral) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count())
        .select_from(CitizenSession)
        .where(CitizenSession.referral_id == referral.id)
    )


def test_a_cookie_copied_before_signing_out_is_useless_after(app, client, clock):
    world = create_world(clock.now)
    sign_in(client, world.referral, english=True)
    client.get("/marcar/horarios")
    copied = copy_cookie(client)

    client.submit("/sair", form_url="/marcar/horarios")
    assert sessions_of(world.referral) == 0

    with_cookie(client, copied)
    assert path(client.get_redirect("/marcar/horarios")) == "/"
    assert path(client.get_redirect("/a-minha-marcacao")) == "/"


def test_a_copied_cookie_cannot_open_the_documents_page_after_signing_out(app, client, clock):
    world = create_world(clock.now)
    sign_in(client, world.referral, english=True)
    slot_id = client.get("/marcar/horarios").radio_values()[0]
    assert path(client.submit("/marcar/horarios", {"horario": slot_id})) == "/documentos"
    copied = copy_cookie(client)
    assert client.get("/documentos").h1 == "Send your documents"

    client.submit("/sair", form_url="/documentos")

    with_cookie(client, copied)
    assert path(client.get_redirect("/documentos")) == "/"
    assert client.client.get("/verificar-equipamento/rede/eco").status_code == 403


def test_signing_out_on_one_device_leaves_the_others_signed_in(app, client, clock):
    world = create_world(clock.now)
    other = app.test_client()
    sign_in(client, world.referral)
    second = PageClient(other)
    sign_in(second, world.referral)
    assert sessions_of(world.referral) == 2

    client.submit("/sair", form_url="/marcar/horarios")

    assert sessions_of(world.referral) == 1
    assert second.get("/marcar/horarios").status == 200


def test_the_cookie_holds_a_token_and_the_database_only_its_digest(app, client, clock):
    world = create_world(clock.now)
    sign_in(client, world.referral)
    (row,) = db.session.scalars(select(CitizenSession)).all()
    with app.test_request_context():
        session = app.session_interface.get_signing_serializer(app).loads(copy_cookie(client))
    assert "referral_id" not in session
    token = session["citizen_session"]
    assert len(token) >= 40 and token != row.token_hash and token not in row.token_hash
    assert row.referral_id == world.referral.id and row.started_at == clock.now


def test_after_cancelling_the_person_reads_what_happened_until_signing_out(app, client, clock):
    world = create_world(clock.now)
    book_first_time(client, world.referral, english=True)
    copied = copy_cookie(client)

    assert client.submit("/a-minha-marcacao/cancelar") == "/a-minha-marcacao/cancelada"
    assert client.get("/a-minha-marcacao/cancelada").h1 == "Booking cancelled"
    client.submit("/sair", form_url="/a-minha-marcacao/cancelada")
    assert sessions_of(world.referral) == 0

    with_cookie(client, copied)
    assert path(client.get_redirect("/a-minha-marcacao/cancelada")) == "/"


def test_withdrawing_the_code_signs_the_person_out(app, client, clock):
    world = create_world(clock.now)
    sign_in(client, world.referral)
    citizen_cookie = copy_cookie(client)
    agent = create_account("phone_line")
    db.session.commit()

    staff_sign_in(client, agent)
    client.submit(f"/staff/referrals/{world.referral.id}/void")
    assert sessions_of(world.referral) == 0

    with_cookie(client, citizen_cookie)
    assert path(client.get_redirect("/marcar/horarios")) == "/"


def test_a_session_of_a_code_that_expired_meanwhile_is_deleted_when_used(app, client, clock):
    referral = create_referral(create_world(clock.now).subject, clock.now)
    db.session.commit()
    sign_in(client, referral)
    clock.advance(days=11)  # the code expired (nothing was booked with it)

    assert path(client.get_redirect("/marcar/horarios")) == "/"
    assert sessions_of(referral) == 0


def test_recording_the_outcome_ends_the_persons_sessions(app, client, clock):
    world = create_world(clock.now)
    book_first_time(client, world.referral)
    desk = create_account("desk", desk=world.desks[0])
    db.session.commit()
    booking = world.referral.latest_booking
    clock.now = booking.slot.starts_at + timedelta(minutes=5)

    staff = PageClient(app.test_client())
    staff_sign_in(staff, desk)
    staff.submit(f"/staff/bookings/{booking.id}", {"outcome": "attended", "note": ""})
    assert sessions_of(world.referral) == 0


def test_sessions_not_seen_for_longer_than_a_session_lasts_are_cleared(app, client, clock):
    world = create_world(clock.now)
    sign_in(client, world.referral)
    clock.advance(minutes=45)  # its cookie has expired by now
    sign_in(PageClient(app.test_client()), create_referral(world.subject, clock.now))
    assert sessions_of(world.referral) == 0
