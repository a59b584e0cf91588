"""Files are judged by their content: each accepted type, and each hostile sample refused."""

import io

import pytest
from PIL import Image

from portal.documents.inspection import FileRefused, Refusal, clean_name, inspect
from tests.documents import samples

MB = 1024 * 1024


def check(name, data, max_bytes=10 * MB, max_pixels=60_000_000):
    return inspect(name, data, max_bytes, max_pixels)


def refusal(name, data, **limits):
    with pytest.raises(FileRefused) as refused:
        check(name, data, **limits)
    return refused.value.reason


def test_a_pdf_is_kept_byte_for_byte():
    data = samples.pdf()
    checked = check("Declaração IRS.pdf", data)
    assert checked.content == data, "signed PDFs must not be rewritten"
    assert checked.content_type == "application/pdf"
    assert checked.display_name == "Declaração IRS.pdf"
    assert len(checked.sha256) == 64 and checked.size == len(data)


@pytest.mark.parametrize("name", ["cartao.png", "CARTAO.PNG"])
def test_a_png_is_accepted_and_re_encoded(name):
    checked = check(name, samples.png())
    assert checked.content_type == "image/png"
    assert Image.open(io.BytesIO(checked.content)).size == (40, 30)


@pytest.mark.parametrize("name", ["foto.jpg", "foto.jpeg", "Foto.JPG"])
def test_a_jpeg_loses_its_metadata_and_is_turned_upright(name):
    original = Image.open(io.BytesIO(samples.jpeg_with_gps()))
    assert original.getexif().get_ifd(0x8825), "the sample carries a GPS position"

    checked = check(name, samples.jpeg_with_gps())
    image = Image.open(io.BytesIO(checked.content))
    assert checked.content_type == "image/jpeg"
    assert not image.getexif(), "EXIF (make, GPS) is dropped"
    assert b"PhoneMaker" not in checked.content
    assert image.size == (30, 40), "the orientation tag was applied before dropping it"


def test_a_png_with_a_zip_appended_is_stored_without_it():
    polyglot = samples.png() + samples.zip_payload()
    checked = check("cartao.png", polyglot)
    assert b"PK\x03\x04" not in checked.content
    assert b"<script>" not in checked.content


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("vazio.pdf", b"", Refusal.EMPTY),
        ("programa.pdf", samples.windows_executable(), Refusal.TYPE),
        ("programa.exe", samples.windows_executable(), Refusal.EXTENSION),
        ("sem-extensao", samples.pdf(), Refusal.EXTENSION),
        ("pagina.html", b"<html><script>alert(1)</script>", Refusal.EXTENSION),
        ("texto.pdf", b"just some text", Refusal.TYPE),
        ("documento.jpg", samples.pdf(), Refusal.MISMATCH),
        ("imagem.pdf", samples.png(), Refusal.MISMATCH),
        ("imagem.jpg", samples.png(), Refusal.MISMATCH),
        ("protegido.pdf", samples.encrypted_pdf(), Refusal.ENCRYPTED),
        ("script.pdf", samples.pdf_with_javascript(), Refusal.SCRIPT),
        ("lancar.pdf", samples.pdf_with_launch(), Refusal.LAUNCH),
        ("anexo.pdf", samples.pdf_with_attachment(), Refusal.ATTACHMENT),
        ("zip.pdf", samples.pdf() + samples.zip_payload(), Refusal.TRAILING),
        ("html.pdf", samples.pdf() + b"<html><script>alert(1)</script></html>", Refusal.TRAILING),
        ("cortado.pdf", samples.pdf()[:200], Refusal.DAMAGED),
        ("cortado.png", samples.png((400, 300))[:120], Refusal.DAMAGED),
        ("bomba.png", samples.png_bomb(), Refusal.PIXELS),
    ],
)
def test_hostile_and_broken_files_are_refused_with_a_reason(name, data, reason):
    assert refusal(name, data) == reason


def test_a_pdf_with_a_javascript_name_tree_is_refused():
    assert refusal("nomes.pdf", samples.pdf_with_javascript_names()) == Refusal.SCRIPT


def test_size_and_pixel_limits_are_settings():
    assert refusal("grande.pdf", samples.pdf(), max_bytes=100) == Refusal.TOO_LARGE
    assert refusal("foto.png", samples.png((40, 30)), max_pixels=1000) == Refusal.PIXELS
    assert check("foto.png", samples.png((40, 30)), max_pixels=1200)


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\Ana\\Documents\\cartão.pdf", "cartão.pdf"),
        ("fatura\u202egpj.exe", "faturagpj.exe"),
        ("  ..escondido.pdf", "escondido.pdf"),
        ("linha\nnova\x00.pdf", "linhanova.pdf"),
        ("a" * 300 + ".pdf", "a" * 115 + "….pdf"),
    ],
)
def test_file_names_become_plain_display_text(raw, shown):
    assert clean_name(raw) == shown


def test_truncated_images_stay_refused_once_the_pdf_renderer_is_loaded():
    # WeasyPrint relaxes Pillow globally when imported; the portal undoes it.
    from PIL import ImageFile

    import portal.pdf  # noqa: F401

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_a_small_png_that_decodes_to_a_huge_image_is_refused_from_its_header():
    # 7740×7740 is under the 60-megapixel limit, but needs 240 MB once decoded.
    data = samples.large_png(7740, 7740)
    assert len(data) < 256 * 1024
    assert refusal("ecra.png", data) == Refusal.PIXELS


def test_images_are_held_to_a_memory_budget_by_mode():
    budget = 1000 * 800 * 4  # one 1000×800 colour image
    colour, grey = samples.png((1000, 801)), samples.png((2000, 1600), mode="L")
    with pytest.raises(FileRefused) as refused:
        inspect("cor.png", colour, 10 * MB, 60_000_000, max_decoded_bytes=budget)
    assert refused.value.reason == Refusal.PIXELS
    # A grey image takes one byte a pixel: twice the size fits the same budget.
    checked = inspect("cinza.png", grey, 10 * MB, 60_000_000, max_decoded_bytes=budget)
    assert Image.open(io.BytesIO(checked.content)).size == (2000, 1600)


def test_a_jpeg_over_the_budget_is_decoded_and_kept_at_a_smaller_scale():
    budget = 1000 * 800 * 4
    checked = inspect(
        "foto.jpg", samples.jpeg((4000, 3000)), 10 * MB, 60_000_000, max_decoded_bytes=budget
    )
    # 1/4 scale: 1000×750 fits; 1/2 (2000×1500) would not.
    assert Image.open(io.BytesIO(checked.content)).size == (1000, 750)
    small = inspect("foto.jpg", samples.jpeg((900, 700)), 10 * MB, 60_000_000, budget)
    assert Image.open(io.BytesIO(small.content)).size == (900, 700), "within budget: unchanged"


def test_a_fifty_megapixel_photo_is_still_accepted():
    checked = check("foto.jpg", samples.jpeg((8160, 6120)))
    assert Image.open(io.BytesIO(checked.content)).size == (4080, 3060)
