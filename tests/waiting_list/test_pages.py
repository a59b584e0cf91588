"""Joining and leaving the waiting list as a person does: from the time page's empty
state, from "My booking", and from the offer e-mail's link."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from portal.booking import transitions
from portal.extensions import db
from portal.waiting_list import services
from portal.waiting_list.models import EndReason, WaitingListEntry, Wish
from tests.factories import (
    CITIZEN_NISS,
    create_confirmed_booking,
    create_referral,
    create_subject,
    create_world,
)

JOIN = "/lista-de-espera"


def sign_in(client, referral):
    client.get("/?lang=en")
    return client.submit("/", {"code": referral.code, "identifier": CITIZEN_NISS})


def entries(referral) -> list[WaitingListEntry]:
    db.session.expire_all()
    return db.session.scalars(
        select(WaitingListEntry).where(WaitingListEntry.referral_id == referral.id)
    ).all()


def test_with_no_time_free_the_page_offers_the_waiting_list(app, client, clock):
    referral = create_referral(create_subject(), clock.now, email="ana@example.pt")
    db.session.commit()
    sign_in(client, referral)

    page = client.get("/marcar/horarios")
    assert "There are no free times in the coming weeks." in page.main_text()
    link = page.soup.find("a", string="Tell me when a time is free")
    assert link["href"] == JOIN

    page = client.get(JOIN)
    assert "ana@example.pt" in page.main_text(), "the referral's address, shown, not typed"
    assert page.soup.find("input", attrs={"name": "email"}) is None
    client.submit(JOIN, {"before": ""})
    client.submit(JOIN, {"before": ""}, status=200)  # the form sent again: the page as it is
    (entry,) = entries(referral)
    assert entry.wish == Wish.ANY_TIME and entry.before is None
    page = client.get("/marcar/horarios")
    assert "You are on the waiting list" in page.main_text()


def test_bad_dates_get_translated_errors(app, client, clock):
    referral = create_referral(create_subject(), clock.now)
    db.session.commit()
    sign_in(client, referral)

    cases = {
        "2026-11-20": "The date must be in the future.",
        "2026-11-26": "No appointment can be booked that soon: choose a later date.",
        "2027-03-01": "Your reference code can be used until Saturday 5 December 2026",
        "yesterday": "Enter the date as year, month and day, for example 2027-01-15.",
        "99999-1-1": "Enter the date as year, month and day, for example 2027-01-15.",
    }
    for value, message in cases.items():
        page = client.submit(JOIN, {"before": value}, status=200)
        assert any(message in error for error in page.errors()), (value, page.errors())
    assert entries(referral) == []

    client.submit(JOIN, {"before": "2026-12-04"})
    (entry,) = entries(referral)
    assert entry.before.isoformat() == "2026-12-04"


def test_the_same_form_twice_makes_one_entry(app, client, clock):
    referral = create_referral(create_subject(), clock.now)
    db.session.commit()
    sign_in(client, referral)
    token = client.get(JOIN).csrf_token()

    for _ in range(2):
        client.client.post(JOIN, data={"csrf_token": token, "before": ""})
    assert len(entries(referral)) == 1
    # And the service, asked twice, finds the first.
    assert services.join(referral, None, clock.now).id == entries(referral)[0].id


def test_a_confirmed_booking_can_wait_for_an_earlier_time_and_leave_with_one_post(
    app, client, clock
):
    world = create_world(clock.now)
    create_confirmed_booking(world, clock.now, days_ahead=6)
    sign_in(client, world.referral)

    page = client.get("/a-minha-marcacao")
    link = page.soup.find("a", string="Tell me if an earlier time frees up")
    page = client.get(link["href"])
    assert "If a time earlier than your appointment frees up" in page.main_text()
    client.submit(JOIN, {"before": ""})
    (entry,) = entries(world.referral)
    assert entry.wish == Wish.EARLIER

    page = client.get("/a-minha-marcacao")
    assert "You are on the waiting list for an earlier time" in page.main_text()
    client.get("/lista-de-espera/sair", status=405)
    assert entries(world.referral)[0].ended_at is None
    client.submit("/lista-de-espera/sair", {}, form_url="/a-minha-marcacao")
    (entry,) = entries(world.referral)
    assert entry.end_reason == EndReason.LEFT
    page = client.get("/a-minha-marcacao")
    assert "You have left the waiting list." in page.notices()[0]


def test_leaving_by_the_e_mail_link_asks_first_and_leaves_on_post(app, client, clock):
    referral = create_referral(create_subject(), clock.now)
    entry = services.join(referral, None, clock.now)
    db.session.commit()
    url = f"/lista-de-espera/sair/{services.leave_token(entry)}"

    page = client.get(url + "?lang=en")
    assert page.h1 == "Leave the waiting list?"
    assert entries(referral)[0].ended_at is None, "opening the link changes nothing"
    page = client.submit(url, {}, status=200)
    assert page.h1 == "You are off the waiting list"
    assert entries(referral)[0].end_reason == EndReason.LEFT

    page = client.get(url)
    assert page.h1 == "You are off the waiting list", "the link again: the same truth"
    page = client.get("/lista-de-espera/sair/not-a-token", status=404)
    assert page.h1 == "This link does not work"
    forged = re.sub(r"\.[^.]+$", ".AAAA", services.leave_token(entry))
    client.get(f"/lista-de-espera/sair/{forged}", status=404)


def test_a_hold_ends_a_plain_wish_and_a_cancellation_ends_an_earlier_one(app, clock):
    world = create_world(clock.now)
    booking = create_confirmed_booking(world, clock.now, days_ahead=6)
    entry = services.join(world.referral, None, clock.now)
    other = create_referral(world.subject, clock.now)
    plain = services.join(other, None, clock.now)
    db.session.commit()

    transitions.cancel(booking, clock.now)
    slot_id = booking.slot_id
    transitions.hold(other, [slot_id], clock.now, 15, services.offer_window(clock.now))
    db.session.commit()

    assert entry.end_reason == EndReason.CODE_ENDED
    assert plain.end_reason == EndReason.BOOKED
    count = db.session.scalar(select(func.count()).select_from(WaitingListEntry))
    assert count == 2


def test_the_phone_line_sees_who_waits_per_subject(app, client, clock):
    from tests.factories import create_account
    from tests.staff.helpers import staff_sign_in

    world = create_world(clock.now)
    for _ in range(2):
        services.join(create_referral(world.subject, clock.now), None, clock.now)
        clock.advance(hours=1)
    expired = create_referral(world.subject, clock.now, expires_at=clock.now + timedelta(hours=1))
    services.join(expired, None, clock.now)
    account = create_account("phone_line")
    db.session.commit()
    clock.advance(hours=2)
    staff_sign_in(client, account)

    page = client.get("/staff/referrals")
    rows = [" ".join(r.get_text(" ").split()) for r in page.soup.select("table tr")]
    assert any(
        world.subject.name_en in row and " 2 " in f" {row} " and "25 November 2026 10:00" in row
        for row in rows
    ), rows
