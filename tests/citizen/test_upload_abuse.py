"""Uploads that try to cost the portal: limits come before content, and a pace is kept."""

import io

from tests.citizen import test_documents
from tests.citizen.test_documents import documents_of, page_of, upload
from tests.documents import samples

FULL = "You have already sent 2 files, the most we accept."

# The documents step's fixture: signed in, a time held, on /documentos.
held = test_documents.held


def test_a_full_booking_refuses_before_looking_inside_the_file(app, client, held):
    app.config["DOCUMENT_MAX_FILES"] = 2
    upload(client, "a.png", samples.png())
    upload(client, "b.png", samples.png())

    # Files whose inspection would cost (or refuse for their content) meet the limit first.
    for name, data in [
        ("ecra.png", samples.large_png(7740, 7740)),
        ("bomba.png", samples.png_bomb()),
        ("script.pdf", samples.pdf_with_javascript()),
    ]:
        page = page_of(upload(client, name, data, status=200), 200)
        assert [e for e in page.errors() if FULL in e], (name, page.errors())
    assert len(documents_of(held.referral)) == 2


def test_the_total_size_is_checked_before_the_content(app, client, held):
    app.config["DOCUMENT_MAX_TOTAL_BYTES"] = 100
    page = page_of(upload(client, "script.pdf", samples.pdf_with_javascript(), status=200), 200)
    (error,) = page.errors()
    assert "Together your files would exceed" in error, "not: contains scripts"


def test_uploads_are_paced_per_booking(app, client, clock, held):
    app.config["DOCUMENT_UPLOADS_PER_MINUTE"] = 3
    for n in range(3):
        upload(client, f"{n}.png", samples.png())

    page = page_of(upload(client, "quarta.png", samples.png(), status=429), 429)
    assert page.h1 == "Too many attempts"
    assert "wait a few minutes" in page.main_text()
    # Replacing a file counts too.
    first = documents_of(held.referral)[0]
    upload_url = f"/documentos/{first.id}/substituir"
    token = client.get(upload_url).csrf_token()
    response = client.client.post(
        upload_url,
        data={"csrf_token": token, "file": (io.BytesIO(samples.png()), "novo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 429
    assert len(documents_of(held.referral)) == 3

    clock.advance(minutes=1)
    upload(client, "quarta.png", samples.png())
    assert len(documents_of(held.referral)) == 4
