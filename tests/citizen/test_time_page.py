"""The time page as a person uses it without JavaScript: days as links, the first free
time one button away, a preferred centre, and a plain word when nothing is free."""

from datetime import timedelta

from portal.booking.models import BookingStatus
from portal.citizen import time_value
from portal.extensions import db
from portal.scheduling.calendar import lisbon_today
from portal.scheduling.slots import publish_slots
from tests.citizen.test_journey import bookings_of, path, sign_in
from tests.factories import (
    create_centre,
    create_desk,
    create_referral,
    create_subject,
    create_world,
)

PAGE = "/marcar/horarios"


def test_days_are_plain_links_earliest_first(app, client, clock):
    world = create_world(clock.now)
    sign_in(client, world.referral, english=True)

    page = client.get(PAGE)
    links = page.soup.select(".day-nav__link")
    assert [a.get_text(" ", strip=True) for a in links[:2]] == [
        "Thu 26 Nov 6 times",
        "Fri 27 Nov 6 times",
    ]
    assert links[0]["aria-current"] == "date", "the earliest day is shown first"
    assert len(links) == 10
    assert not page.soup.select("main script"), "nothing needs a script"

    friday = client.get(PAGE + links[1]["href"])
    assert (
        friday.soup.select_one("fieldset legend").get_text(strip=True) == "Friday 27 November 2026"
    )
    assert friday.soup.select(".day-nav__link")[1]["aria-current"] == "date"

    later = page.soup.select_one('a.pager__link[href^="?dia="]')
    assert later.get_text(strip=True) == "Later days"
    next_days = client.get(PAGE + later["href"])
    assert next_days.soup.select(".day-nav__link")[0]["href"] == later["href"]
    earlier = next_days.soup.select_one("a.pager__link")
    assert earlier.get_text(strip=True) == "Earlier days" and earlier["href"] == links[0]["href"]


def test_a_day_without_times_or_nonsense_shows_a_day_that_has_them(app, client, clock):
    world = create_world(clock.now)
    sign_in(client, world.referral, english=True)

    saturday = client.get(PAGE + "?dia=2026-11-28")  # a weekend: the next working day
    nonsense = client.get(PAGE + "?dia=amanh%C3%A3")

    assert saturday.soup.select_one("fieldset legend").get_text(strip=True) == (
        "Monday 30 November 2026"
    )
    assert nonsense.soup.select_one("fieldset legend").get_text(strip=True) == (
        "Thursday 26 November 2026"
    )


def test_the_shortcut_holds_the_first_free_time_in_one_activation(app, client, clock):
    world = create_world(clock.now)
    sign_in(client, world.referral, english=True)

    page = client.get(PAGE + "?dia=2026-12-01")
    shortcut = page.soup.select_one("form.time-shortcut")
    assert shortcut.get_text(" ", strip=True) == (
        "First available time: Thursday 26 November 2026, 09:00 Reserve"
    )
    assert len(shortcut.select("button")) == 1 and not shortcut.select("input[type=radio]")

    location = client.submit(PAGE, form_url=PAGE + "?dia=2026-12-01")  # its hidden fields

    assert path(location) == "/documentos"
    (booking,) = bookings_of(world.referral)
    assert booking.status == BookingStatus.HELD
    assert time_value(booking.slot.starts_at) == "2026-11-26T09:00Z"


def test_each_day_is_one_form_with_its_button_after_the_times(app, client, clock):
    world = create_world(clock.now)
    sign_in(client, world.referral, english=True)

    page = client.get(PAGE)
    (day_form,) = [f for f in page.soup.select("main form[method=post]") if f.select("fieldset")]
    last = day_form.find_all(["input", "button"])[-1]
    assert last.name == "button" and last.get_text(strip=True) == "Reserve"
    assert len(day_form.select("input[type=radio]")) == 6


def test_a_preferred_centre_narrows_the_times_and_is_remembered(app, client, clock):
    subject = create_subject()
    beja = create_centre(name="Centro Distrital de Beja")
    braga = create_centre(name="Centro Distrital de Braga")
    today = lisbon_today(clock.now)
    early = create_desk(centre=beja, subjects=[subject])
    late = create_desk(
        centre=braga,
        subjects=[subject],
        hours=[(early.opening_hours[0].closes, early.opening_hours[0].closes.replace(hour=14))],
    )
    for desk in (early, late):
        publish_slots(desk, today, today + timedelta(weeks=3))
    referral = create_referral(subject, clock.now)
    db.session.commit()
    sign_in(client, referral, english=True)

    everywhere = client.get(PAGE)
    options = [o.get_text(strip=True) for o in everywhere.soup.select("select#centro option")]
    assert options == ["Any centre", beja.name, braga.name]
    assert everywhere.h1 == "Choose a time"
    assert everywhere.radio_values()[0] == "2026-11-26T09:00Z"

    in_braga = client.get(f"{PAGE}?centro={braga.id}")
    assert in_braga.h1 == f"Choose a time at {braga.name}"
    assert braga.name in in_braga.title
    assert in_braga.radio_values()[0] == "2026-11-26T12:00Z"
    again = client.get(PAGE)
    assert again.h1 == f"Choose a time at {braga.name}", "remembered for the session"
    selected = again.soup.select_one("select#centro option[selected]")
    assert selected.get_text(strip=True) == braga.name

    client.submit(PAGE, {"horario": again.radio_values()[0]})
    (booking,) = bookings_of(referral)
    assert booking.slot.desk_id == late.id, "the hold keeps to the preferred centre"

    assert client.get(f"{PAGE}?centro=").h1 == "Choose a time", "back to any centre"
    assert client.get(f"{PAGE}?centro=99999").h1 == "Choose a time", "an unknown one is ignored"


def test_no_time_free_says_so_plainly(app, client, clock):
    subject = create_subject()
    create_desk(subjects=[subject])  # no slots published
    referral = create_referral(subject, clock.now)
    db.session.commit()
    sign_in(client, referral, english=True)

    page = client.get(PAGE)

    assert "There are no free times in the coming weeks." in page.main_text()
    assert not page.soup.select("input[type=radio], form.time-shortcut, .day-nav")


def test_no_time_free_at_the_preferred_centre_says_how_to_widen(app, client, clock):
    world = create_world(clock.now)
    quiet = create_desk(
        centre=create_centre(name="Centro Distrital de Évora"), subjects=[world.subject]
    )
    db.session.commit()
    sign_in(client, world.referral, english=True)

    page = client.get(f"{PAGE}?centro={quiet.centre_id}")

    assert "There are no free times at Centro Distrital de Évora in the coming weeks." in (
        page.main_text()
    )
    assert page.soup.select("select#centro"), "the choice stays to widen it"
