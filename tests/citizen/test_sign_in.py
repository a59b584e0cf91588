"""Signing in with a reference code and a NISS, as a person at the landing page."""

from datetime import timedelta
from urllib.parse import urlparse

from flask_babel import force_locale, gettext
from sqlalchemy import select

from portal.booking import transitions
from portal.booking.models import Booking, BookingStatus
from portal.extensions import db
from portal.referrals import codes
from portal.scheduling.offers import earliest_offered
from portal.scheduling.slots import booking_window
from tests.factories import CITIZEN_NISS, create_referral, create_world

MISMATCH = "The reference code and the number do not match. Check both and try again."
TYPO = "Check the reference code: it has 12 letters and digits"
OTHER_ADDRESS = {"REMOTE_ADDR": "10.0.0.2"}


def in_portuguese(app, message, **values):
    """The text the Portuguese pages show for a message (English until translated)."""
    with app.test_request_context(), force_locale("pt_PT"):
        return gettext(message, **values)


def typed_loosely(code):
    """How a person might type it: lower case, spaces instead of hyphens."""
    return codes.display(code).lower().replace("-", " ")


def with_typo(code):
    wrong = codes.ALPHABET[(codes.ALPHABET.index(code[0]) + 1) % len(codes.ALPHABET)]
    return wrong + code[1:]


def wrong_niss():
    """A well-formed NISS (valid check digit) that is not the referral's."""
    return "12345678902"


def first_offered_slot_id(world, now):
    window = booking_window(now, 1, 15)
    return earliest_offered(world.subject, world.referral.audience, window, now).slot_id


def english(client):
    client.get("/?lang=en")


def post_sign_in(client, code, identifier, **kwargs):
    """POST the landing form with the token a browser would have."""
    token = client.get("/").csrf_token()
    return client.client.post(
        "/", data={"code": code, "identifier": identifier, "csrf_token": token}, **kwargs
    )


def sign_in_page(client, code, identifier, status=200, **kwargs):
    response = post_sign_in(client, code, identifier, **kwargs)
    return client._page(response, status)


def test_landing_page_is_in_portuguese_by_default(app, client):
    page = client.get("/")

    assert page.lang == "pt-PT"
    assert page.h1 == in_portuguese(app, "Book a video session with Segurança Social")
    assert "Segurança Social" in page.h1
    assert page.soup.select_one("input#code") and page.soup.select_one("input#identifier")
    assert not page.errors()


def test_landing_page_in_english(client):
    page = client.get("/?lang=en")

    assert page.lang == "en"
    assert page.h1 == "Book a video appointment with Segurança Social"
    assert page.soup.find("label", attrs={"for": "code"}).get_text(strip=True) == "Reference code"


def test_valid_code_typed_loosely_with_niss_goes_to_the_times(app, client, clock):
    world = create_world(clock.now)

    location = client.submit(
        "/", {"code": typed_loosely(world.referral.code), "identifier": CITIZEN_NISS}
    )

    assert urlparse(location).path == "/marcar/horarios"
    assert client.get(location).radio_values(), "signed in: the times are shown"


def test_wrong_niss_and_unknown_code_get_the_same_message(app, client, clock):
    world = create_world(clock.now)
    english(client)

    wrong_pair = sign_in_page(client, world.referral.code, wrong_niss())
    unknown = sign_in_page(client, codes.generate(), CITIZEN_NISS)

    assert wrong_pair.errors() == [MISMATCH]
    assert unknown.errors() == wrong_pair.errors()
    assert wrong_pair.soup.select_one(".error-summary a")["href"] == "#code"
    assert unknown.title.startswith("Error:")
    assert urlparse(client.get_redirect("/marcar/horarios")).path == "/", "not signed in"


def test_code_with_a_typo_gets_its_own_message_and_is_not_counted(app, client, clock):
    world = create_world(clock.now)
    english(client)
    typo = with_typo(world.referral.code)

    page = sign_in_page(client, typo, CITIZEN_NISS)

    assert len(page.errors()) == 1
    assert page.errors()[0].startswith(TYPO)
    assert page.errors()[0] != MISMATCH
    assert page.soup.select_one(".error-summary a")["href"] == "#code"
    assert page.soup.select_one("#code")["value"] == typo, "what was typed is kept"
    for _attempt in range(6):  # more than the lockout allows
        sign_in_page(client, typo, CITIZEN_NISS)
    response = post_sign_in(client, world.referral.code, CITIZEN_NISS)
    assert response.status_code == 302, "typos never lock anyone out"


def test_niss_with_a_wrong_check_digit_is_a_field_error(app, client, clock):
    world = create_world(clock.now)
    english(client)

    page = sign_in_page(client, world.referral.code, CITIZEN_NISS[:-1] + "3")

    assert page.errors() == ["Check the NISS: it has 11 digits and the last one is a check digit."]
    assert page.soup.select_one(".error-summary a")["href"] == "#identifier"
    field_error = page.soup.select_one("#identifier-error")
    assert "check digit" in field_error.get_text()
    assert page.soup.select_one("input#identifier")["aria-invalid"] == "true"


def test_empty_fields_are_both_reported_and_linked(app, client):
    english(client)

    page = sign_in_page(client, "", "")

    assert page.errors() == [
        "Enter the reference code the phone line gave you.",
        "Enter your social security number (NISS).",
    ]
    links = [a["href"] for a in page.soup.select(".error-summary a")]
    assert links == ["#code", "#identifier"]
    assert page.title.startswith("Error:")


def test_error_title_prefix_in_portuguese(app, client):
    page = sign_in_page(client, "", "")

    assert page.lang == "pt-PT"
    assert page.title.startswith(in_portuguese(app, "Error:") + " ")
    assert len(page.errors()) == 2


def test_five_wrong_numbers_lock_the_code_until_a_time_shown(app, client, clock):
    world = create_world(clock.now)
    english(client)
    for _attempt in range(5):
        assert sign_in_page(client, world.referral.code, wrong_niss()).errors() == [MISMATCH]

    locked = sign_in_page(client, world.referral.code, CITIZEN_NISS, status=429)

    (message,) = locked.errors()
    assert message.startswith("Too many attempts.")
    assert "10:15" in message, "the time signing in resumes (Lisbon) is named"
    assert urlparse(client.get_redirect("/marcar/horarios")).path == "/"

    clock.advance(minutes=16)
    response = post_sign_in(client, world.referral.code, CITIZEN_NISS)
    assert response.status_code == 302
    assert urlparse(response.location).path == "/marcar/horarios"


def test_failures_spread_over_more_than_the_window_do_not_lock(app, client, clock):
    world = create_world(clock.now)
    for _attempt in range(4):
        sign_in_page(client, world.referral.code, wrong_niss())
    clock.advance(minutes=16)
    sign_in_page(client, world.referral.code, wrong_niss())

    response = post_sign_in(client, world.referral.code, CITIZEN_NISS)

    assert response.status_code == 302


def test_many_unknown_codes_lock_the_address_but_not_others(app, client, clock):
    world = create_world(clock.now)
    english(client)
    for _attempt in range(app.config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"]):
        assert sign_in_page(client, codes.generate(), CITIZEN_NISS).errors() == [MISMATCH]

    locked = sign_in_page(client, world.referral.code, CITIZEN_NISS, status=429)
    assert locked.errors()[0].startswith("Too many attempts from this network.")

    response = post_sign_in(
        client, typed_loosely(world.referral.code), CITIZEN_NISS, environ_overrides=OTHER_ADDRESS
    )
    assert response.status_code == 302
    assert urlparse(response.location).path == "/marcar/horarios"


def test_one_persons_typos_do_not_lock_out_others_behind_the_same_address(app, client, clock):
    """A carrier NAT or an office: many people, one address. Five mistakes pause the
    code they were made on, not the address the others sign in from."""
    world = create_world(clock.now)
    english(client)
    for _attempt in range(app.config["SIGN_IN_MAX_FAILURES"]):
        assert sign_in_page(client, world.referral.code, wrong_niss()).errors() == [MISMATCH]
    assert sign_in_page(client, world.referral.code, CITIZEN_NISS, status=429)

    neighbour = create_referral(world.subject, clock.now)
    db.session.commit()
    response = post_sign_in(client, neighbour.code, CITIZEN_NISS)
    assert response.status_code == 302, "the same address, another code: let in"


def test_expired_code_is_explained_only_to_its_owner(app, client, clock):
    world = create_world(clock.now)
    english(client)
    clock.advance(days=11)

    page = sign_in_page(client, world.referral.code, CITIZEN_NISS)
    assert page.h1 == "This code has expired"
    assert "expired on Saturday 5 December 2026" in page.main_text()
    assert "300 502 502" in page.main_text(), "tells who to call for a new code"
    assert urlparse(client.get_redirect("/marcar/horarios")).path == "/", "not signed in"

    stranger = sign_in_page(client, world.referral.code, wrong_niss())
    assert stranger.errors() == [MISMATCH]
    assert "expired" not in stranger.main_text()


def test_expired_code_page_in_portuguese(app, client, clock):
    world = create_world(clock.now)
    clock.advance(days=11)

    page = sign_in_page(client, world.referral.code, CITIZEN_NISS)

    assert page.lang == "pt-PT"
    assert page.h1 == in_portuguese(app, "This code has expired")
    assert "sábado, 5 de dezembro de 2026" in page.main_text()


def test_cancelled_code_is_explained(app, client, clock):
    world = create_world(clock.now)
    window = booking_window(clock.now, 1, 15)
    slot_id = first_offered_slot_id(world, clock.now)
    booking = transitions.hold(world.referral, [slot_id], clock.now, 15, window)
    transitions.confirm(booking, clock.now)
    transitions.cancel(booking, clock.now)
    db.session.commit()
    english(client)

    page = sign_in_page(client, world.referral.code, CITIZEN_NISS)

    assert page.h1 == "This code was cancelled"
    assert "cannot be used again" in page.main_text()
    assert urlparse(client.get_redirect("/marcar/horarios")).path == "/"
    assert sign_in_page(client, world.referral.code, wrong_niss()).errors() == [MISMATCH]


def test_post_without_csrf_token_gets_the_session_expired_page(app, client, clock):
    world = create_world(clock.now)

    response = client.client.post(
        "/?lang=en", data={"code": world.referral.code, "identifier": CITIZEN_NISS}
    )
    page = client._page(response, 400)

    assert page.h1 == "Your session expired"
    assert "Go back, reload the page and try again." in page.main_text()
    assert page.soup.select_one("header.masthead"), "shown in the layout"
    assert not db.session.scalars(select(Booking)).all()
    assert urlparse(client.get_redirect("/marcar/horarios")).path == "/", "not signed in"


def test_session_expired_page_is_translated(app, client):
    page = client.post("/", data={"code": "x", "identifier": "y"}, status=400)

    assert page.lang == "pt-PT"
    assert page.h1 == in_portuguese(app, "Your session expired")


def test_signing_in_again_resumes_a_held_time(app, client, clock):
    world = create_world(clock.now)
    slot_id = first_offered_slot_id(world, clock.now)
    transitions.hold(world.referral, [slot_id], clock.now, 15, booking_window(clock.now, 1, 15))
    db.session.commit()

    location = client.submit("/", {"code": world.referral.code, "identifier": CITIZEN_NISS})

    assert urlparse(location).path == "/marcar/revisao"
    held = db.session.scalars(select(Booking).where(Booking.referral_id == world.referral.id)).one()
    assert held.status == BookingStatus.HELD
    assert held.held_until == clock.now + timedelta(minutes=15)
