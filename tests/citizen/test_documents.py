"""The documents step: checklist, uploads checked by content, limits, ownership, purge."""

import hashlib
import io
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import pytest
from PIL import Image
from sqlalchemy import select

from portal.booking.models import BookingStatus
from portal.documents import operations
from portal.documents.checklist import checklist, missing_items
from portal.documents.models import Document
from portal.extensions import db
from portal.scheduling.models import ChecklistItem
from tests.citizen.test_journey import bookings_of, sign_in
from tests.documents import hostile_pdfs, samples
from tests.factories import create_referral, create_world
from tests.pages import Page


def path(location):
    return urlparse(location).path


def upload(client, name, data, item=None, url="/documentos", status=302):
    """Send a file as the page's form does, with the page's CSRF token."""
    page = client.get(url)
    item = item or page.soup.select_one("input[name=item][checked]")["value"]
    response = client.client.post(
        url,
        data={"csrf_token": page.csrf_token(), "item": item, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == status, response.status_code
    return response


def page_of(response, status):
    assert response.status_code == status
    page = Page(response)
    page.check_invariants()
    return page


def documents_of(referral):
    db.session.expire_all()
    return db.session.scalars(
        select(Document).where(Document.referral_id == referral.id).order_by(Document.id)
    ).all()


def stored_file(app, document) -> Path:
    return Path(app.instance_path) / "documents" / document.stored_name


@pytest.fixture
def held(app, client, clock):
    """Signed in (in English) with a time held, on the documents step."""
    world = create_world(clock.now)
    sign_in(client, world.referral, english=True)
    client.get("/marcar/horarios")
    slot_id = client.get("/marcar/horarios").radio_values()[0]
    assert path(client.submit("/marcar/horarios", {"horario": slot_id})) == "/documentos"
    return world


def test_the_documents_step_shows_the_subjects_checklist(client, held):
    page = client.get("/documentos")
    assert page.h1 == "Send your documents"
    assert "Identity document" in page.main_text()
    item = page.soup.select_one(".checklist__item")
    assert "Missing" in item.get_text(" ") and "(required)" in item.get_text(" ")
    options = [label.get_text(strip=True) for label in page.soup.select("#item label")]
    assert options == ["Identity document", "Other document"]
    assert page.soup.select_one('a[href="/marcar/revisao"]'), "the person can skip ahead"
    assert page.soup.select_one('a[href="/verificar-equipamento"]')
    assert page.soup.select_one("form[enctype='multipart/form-data'] input[type=file]")


def test_an_upload_is_stored_outside_static_under_a_generated_name(app, client, held):
    data = samples.pdf()
    upload(client, "../../etc/passwd.pdf", data)

    (document,) = documents_of(held.referral)
    assert document.display_name == "passwd.pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(data)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.checklist_item_id == held.subject.checklist[0].id
    stored = stored_file(app, document)
    assert stored.read_bytes() == data
    assert stored.stat().st_mode & 0o077 == 0, "only the portal's user can read it"
    assert Path(app.static_folder) not in stored.parents
    assert not any(Path(app.instance_path).rglob("passwd*")), "the name never reaches the disk"

    page = client.get("/documentos")
    assert "Received: passwd.pdf." in page.notices()
    item = page.soup.select_one(".checklist__item").get_text(" ")
    assert "Received" in item and "PDF, 1 KB, sent on Wednesday 25 November 2026 at 10:00" in item


def test_images_are_stored_re_encoded_without_metadata(app, client, held):
    upload(client, "foto.jpg", samples.jpeg_with_gps())
    (document,) = documents_of(held.referral)
    image = Image.open(stored_file(app, document))
    assert image.format == "JPEG" and not image.getexif()


REFUSED = [
    ("vazio.pdf", b"", "“vazio.pdf” is empty"),
    ("programa.pdf", samples.windows_executable(), "is not really a PDF, JPEG or PNG"),
    ("documento.jpg", samples.pdf(), "does not match the end of its name"),
    ("protegido.pdf", samples.encrypted_pdf(), "protected with a password"),
    ("script.pdf", samples.pdf_with_javascript(), "contains scripts"),
    ("lancar.pdf", samples.pdf_with_launch(), "tries to open other programs"),
    ("anexo.pdf", samples.pdf_with_attachment(), "has other files inside it"),
    (
        "ligacao.pdf",
        hostile_pdfs.document(catalog=b"/OpenAction " + hostile_pdfs.uri()),
        "open web",
    ),
    ("zip.pdf", samples.pdf() + samples.zip_payload(), "extra data after the end"),
    ("bomba.png", samples.png_bomb(), "far too large in pixels"),
    ("<b>x</b>.exe", b"MZ", "is not a PDF, JPEG or PNG file"),
]


def test_each_refused_file_says_why_and_what_to_do(app, client, held):
    app.config["DOCUMENT_UPLOADS_PER_MINUTE"] = 100
    for name, data, message in REFUSED:
        response = upload(client, name, data, status=200)
        page = page_of(response, 200)
        assert page.title.startswith("Error:")
        assert any(message in error for error in page.errors()), (name, page.errors())
        assert page.soup.select_one("#file-error")
        assert "<b>" not in response.get_data(as_text=True), "names are escaped"
    assert documents_of(held.referral) == []
    # The control: a PNG with a ZIP appended goes through, without the ZIP.
    upload(client, "polyglota.png", samples.png() + samples.zip_payload())


def test_too_many_files_and_too_many_bytes_are_refused(app, client, held):
    app.config["DOCUMENT_MAX_FILES"] = 2
    upload(client, "a.png", samples.png())
    upload(client, "b.png", samples.png())
    page = page_of(upload(client, "c.png", samples.png(), status=200), 200)
    assert any("already sent 2 files, the most we accept" in e for e in page.errors())

    app.config["DOCUMENT_MAX_FILES"] = 10
    app.config["DOCUMENT_MAX_TOTAL_BYTES"] = sum(d.size for d in documents_of(held.referral)) + 10
    page = page_of(upload(client, "d.pdf", samples.pdf(), status=200), 200)
    assert any("Together your files would exceed" in e for e in page.errors())
    assert len(documents_of(held.referral)) == 2


def test_a_file_over_the_limit_is_refused_and_a_request_over_it_gets_a_413_page(app, client, held):
    app.config["DOCUMENT_MAX_FILE_BYTES"] = 4000
    upload(client, "first.pdf", samples.pdf())
    (first,) = documents_of(held.referral)

    page = page_of(upload(client, "big.pdf", samples.pdf() + b" " * 5000, status=200), 200)
    assert any("larger than" in e for e in page.errors())

    response = upload(client, "huge.pdf", b"%PDF-" + b"0" * 200_000, status=413)
    page = page_of(response, 413)
    assert page.h1 == "What you sent is too large"
    assert "Nothing was lost" in page.main_text()
    assert [d.id for d in documents_of(held.referral)] == [first.id]
    assert stored_file(app, first).exists()
    (booking,) = bookings_of(held.referral)
    assert booking.status == BookingStatus.HELD
    # Other forms keep the small limit.
    assert client.client.post("/", data={"code": "x" * (3 * 1024 * 1024)}).status_code == 413


def test_the_person_downloads_replaces_and_deletes_their_own_files(app, client, held):
    data = samples.pdf()
    upload(client, "Cartão de Cidadão.pdf", data)
    (document,) = documents_of(held.referral)
    old_file = stored_file(app, document)

    response = client.client.get(f"/documentos/{document.id}")
    assert response.status_code == 200 and response.data == data
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=UTF-8''Cart%C3%A3o%20de%20Cidad%C3%A3o.pdf"
        in (response.headers["Content-Disposition"])
    )
    assert "no-store" in response.headers["Cache-Control"]

    page = client.get(f"/documentos/{document.id}/substituir")
    assert page.h1 == "Replace a document"
    response = client.client.post(
        f"/documentos/{document.id}/substituir",
        data={"csrf_token": page.csrf_token(), "file": (io.BytesIO(samples.png()), "novo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    (replaced,) = documents_of(held.referral)
    assert replaced.display_name == "novo.png" and replaced.content_type == "image/png"
    assert not old_file.exists() and stored_file(app, replaced).exists()

    client.submit(f"/documentos/{replaced.id}/apagar", form_url="/documentos")
    assert documents_of(held.referral) == []
    assert not stored_file(app, replaced).exists()


def test_nobody_reaches_another_persons_file_by_changing_the_id(app, client, held, clock):
    other = create_referral(held.subject, clock.now)
    entry = checklist(other)[0]
    limits = operations.Limits.from_config(app.config)
    theirs = operations.add_document(other, entry, "deles.pdf", samples.pdf(), clock.now, limits)
    db.session.commit()

    client.get(f"/documentos/{theirs.id}", status=404)
    client.get(f"/documentos/{theirs.id}/substituir", status=404)
    response = client.client.post(
        f"/documentos/{theirs.id}/apagar", data={"csrf_token": client.get("/").csrf_token()}
    )
    assert response.status_code == 404
    client.get("/documentos/999999", status=404)
    assert documents_of(other)[0].purged_at is None and stored_file(app, theirs).exists()


def test_a_signed_out_person_cannot_download(client, held):
    upload(client, "a.pdf", samples.pdf())
    (document,) = documents_of(held.referral)
    client.submit("/sair", form_url="/documentos")
    assert path(client.get_redirect(f"/documentos/{document.id}")) == "/"


def test_review_and_my_booking_say_what_is_missing_until_it_is_sent(client, held):
    review = client.get("/marcar/revisao")
    warning = " ".join(review.notices())
    assert "Still missing: Identity document" in warning
    assert "You can confirm without them" in warning
    (booking,) = bookings_of(held.referral)
    assert [entry.label("en") for entry in missing_items(booking)] == ["Identity document"]

    # Confirming with items missing is allowed.
    client.submit("/marcar/confirmar", form_url="/marcar/revisao")
    assert "Still missing: Identity document" in " ".join(
        client.get("/marcar/confirmada").notices()
    )
    mine = client.get("/a-minha-marcacao")
    assert "Still missing: Identity document" in " ".join(mine.notices())
    assert mine.soup.select_one('a[href="/documentos"]')

    # Still reachable from "my booking" until the appointment.
    upload(client, "cc.pdf", samples.pdf())
    assert missing_items(bookings_of(held.referral)[0]) == []
    mine = client.get("/a-minha-marcacao")
    assert "Every required document was received." in mine.main_text()


def test_documents_cannot_change_once_the_session_started(client, held, clock):
    client.submit("/marcar/confirmar", form_url="/marcar/revisao")
    (booking,) = bookings_of(held.referral)
    clock.now = booking.slot.starts_at + timedelta(minutes=1)
    assert path(client.get_redirect("/documentos")) == "/a-minha-marcacao"


def test_optional_items_and_their_order_come_from_the_subjects_data(client, held):
    held.subject.checklist.append(
        ChecklistItem(position=1, label_pt="Recibo", label_en="Receipt", required=False)
    )
    db.session.commit()
    page = client.get("/documentos")
    labels = [label.get_text(strip=True) for label in page.soup.select("#item label")]
    assert labels == ["Identity document", "Receipt", "Other document"]
    assert "Optional" in page.soup.select(".checklist__item")[1].get_text(" ")
    upload(client, "recibo.pdf", samples.pdf(), item=f"item-{held.subject.checklist[1].id}")
    assert "Missing" in client.get("/documentos").soup.select(".checklist__item")[0].get_text()


def test_a_representative_under_a_mandate_must_send_it(client, app, clock):
    from tests.citizen.test_company_journey import REPRESENTATIVE, hold_first
    from tests.citizen.test_company_journey import sign_in as company_sign_in
    from tests.factories import COMPANY_NIPC, COMPANY_NISS

    world = create_world(clock.now, subject_overrides={"code": "contribuicoes"})
    company = create_referral(
        world.subject, clock.now, audience="company", niss=COMPANY_NISS, nipc=COMPANY_NIPC
    )
    db.session.commit()
    company_sign_in(client, company)
    assert path(hold_first(client)) == "/marcar/representante"
    assert path(client.submit("/marcar/representante", REPRESENTATIVE)) == "/documentos"

    page = client.get("/documentos")
    labels = [label.get_text(strip=True) for label in page.soup.select("#item label")]
    assert labels[-2:] == [
        "Power of attorney or mandate document to act for the company",
        "Other document",
    ]
    (booking,) = bookings_of(company)
    assert [e.key for e in missing_items(booking)] == [
        f"item-{world.subject.checklist[0].id}",
        "mandate",
    ]
    upload(client, "procuracao.pdf", samples.pdf(), item="mandate")
    assert [e.key for e in missing_items(booking)] == [f"item-{world.subject.checklist[0].id}"]
    (document,) = documents_of(company)
    assert document.purpose == "mandate" and document.checklist_item_id is None

    # A manager acts in their own right: no mandate asked for.
    client.submit("/marcar/representante", dict(REPRESENTATIVE, capacity="manager"))
    assert "Power of attorney" not in " ".join(client.get("/marcar/revisao").notices())


def test_the_hold_can_be_extended_from_the_documents_step(client, held, clock):
    clock.advance(minutes=10)
    location = client.submit("/marcar/prolongar", {"back": "documents"}, form_url="/documentos")
    assert path(location) == "/documentos"
    assert bookings_of(held.referral)[0].held_until == clock.now + timedelta(minutes=15)
    location = client.submit("/marcar/prolongar", {"back": "https://evil.example"}, "/documentos")
    assert path(location) == "/marcar/revisao"


def test_the_document_must_say_which_item_it_is_for(client, held):
    page = client.get("/documentos")
    response = client.client.post(
        "/documentos",
        data={"csrf_token": page.csrf_token(), "file": (io.BytesIO(samples.pdf()), "a.pdf")},
        content_type="multipart/form-data",
    )
    page = page_of(response, 200)
    assert page.errors() == ["Choose which document you are sending."]
    assert documents_of(held.referral) == []
