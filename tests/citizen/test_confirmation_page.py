"""'A minha marcação': the join link once the meeting exists, and the PDF to download."""

from io import BytesIO

from pypdf import PdfReader

from portal.outbox.worker import run_once
from tests.factories import CITIZEN_NISS, create_confirmed_booking, create_world
from tests.outbox.helpers import pdf_text


def sign_in(client, referral):
    client.get("/?lang=en")
    client.submit("/", {"code": referral.code, "identifier": CITIZEN_NISS})


def test_the_link_appears_once_the_meeting_exists_and_the_pdf_downloads(app, client, clock):
    world = create_world(clock.now)
    world.referral.language = "en"  # the e-mail's language, so the PDF's
    booking = create_confirmed_booking(world, clock.now)
    sign_in(client, world.referral)

    page = client.get("/a-minha-marcacao")
    assert "The link to the video call is being prepared" in page.main_text()
    assert not page.soup.find("a", string="Join the video call")
    # The web process never renders a PDF: until the worker has, it says so.
    download = page.soup.find("a", string="Download the confirmation (PDF)")
    preparing = client.get(download["href"])
    assert preparing.h1 == "Your confirmation is being prepared"

    run_once()  # the local provider makes the placeholder meeting; the worker renders
    page = client.get("/a-minha-marcacao")
    join = page.soup.find("a", string="Join the video call")
    assert join["href"] == booking.meeting.join_url
    assert "/dev/meeting/" in join["href"]

    download = page.soup.find("a", string="Download the confirmation (PDF)")
    response = client.client.get(download["href"])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    reader = PdfReader(BytesIO(response.data))
    content = pdf_text(reader)
    assert world.referral.display_code in content
    assert "Your video appointment is booked" in content, "in the person's language"
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_the_pdf_needs_a_signed_in_referral_with_a_confirmed_booking(app, client, clock):
    world = create_world(clock.now)
    assert client.get_redirect("/a-minha-marcacao/confirmacao.pdf").endswith("/")
    sign_in(client, world.referral)
    # No confirmed booking yet: the page the person needs instead (the times).
    assert client.get_redirect("/a-minha-marcacao/confirmacao.pdf").endswith("/marcar/horarios")
