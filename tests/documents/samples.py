"""Files to upload, friendly and hostile, built in the tests themselves."""

import io
import struct
import zlib

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject


def _pdf(build=None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if build:
        build(writer)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def pdf() -> bytes:
    return _pdf()


def _open_action(action: dict):
    def build(writer):
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject(k): v for k, v in action.items()}
        )

    return build


def pdf_with_javascript() -> bytes:
    return _pdf(
        _open_action({"/S": NameObject("/JavaScript"), "/JS": TextStringObject("app.alert(1)")})
    )


def pdf_with_javascript_names() -> bytes:
    """Document-level JavaScript in the /Names tree, behind indirect references."""

    def build(writer):
        action = writer._add_object(
            DictionaryObject(
                {
                    NameObject("/S"): NameObject("/JavaScript"),
                    NameObject("/JS"): TextStringObject("app.alert('hello')"),
                }
            )
        )
        tree = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("startup"), action])}
        )
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {NameObject("/JavaScript"): writer._add_object(tree)}
        )

    return _pdf(build)


def pdf_with_launch() -> bytes:
    return _pdf(_open_action({"/S": NameObject("/Launch"), "/F": TextStringObject("C:\\calc.exe")}))


def pdf_with_attachment() -> bytes:
    return _pdf(lambda writer: writer.add_attachment("payload.exe", b"MZ\x90\x00"))


def encrypted_pdf() -> bytes:
    return _pdf(lambda writer: writer.encrypt("secret", algorithm="AES-128"))


def png(size=(40, 30), mode="RGB") -> bytes:
    output = io.BytesIO()
    Image.new(mode, size, "white").save(output, format="PNG")
    return output.getvalue()


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° to display
    exif.get_ifd(0x8825)[2] = (38.0, 42.0, 0.0)  # GPSLatitude
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif)
    return output.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width=100_000, height=100_000) -> bytes:
    """A tiny file that claims 10 gigapixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _chunk(b"IEND", b"")
    )


def zip_payload() -> bytes:
    import zipfile

    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("index.html", "<html><script>alert(1)</script></html>")
    return output.getvalue()


def windows_executable() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"This program cannot be run in DOS mode"


def large_png(width=7740, height=7740) -> bytes:
    """A valid PNG that is small on disk and huge once decoded (blank RGB rows).

    7740×7740 (under the 60-megapixel limit) is about 180 KiB here and needs
    240 MB in Pillow's memory.
    """
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * (width * 3)  # filter byte, then white pixels
    rows_per_chunk = max(1, (4 * 1024 * 1024) // len(row))
    compressed = []
    for first in range(0, height, rows_per_chunk):
        compressed.append(compressor.compress(row * min(rows_per_chunk, height - first)))
    compressed.append(compressor.flush())
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", b"".join(compressed))
        + _chunk(b"IEND", b"")
    )


def jpeg(size=(40, 30), mode="RGB", comment: bytes | None = None) -> bytes:
    output = io.BytesIO()
    options = {"comment": comment} if comment is not None else {}
    Image.new(mode, size, "white").save(output, format="JPEG", quality=80, **options)
    return output.getvalue()


def pdf_with_content(content: bytes) -> bytes:
    """A valid one-page PDF whose page content stream holds ``content`` as written."""
    from pypdf.generic import StreamObject

    def build(writer):
        stream = StreamObject()
        stream.set_data(content)
        writer.pages[0][NameObject("/Contents")] = writer._add_object(stream)

    return _pdf(build)


def padded_pdf(size: int) -> bytes:
    """A valid one-page PDF of about ``size`` bytes (a long, blank content stream)."""
    return pdf_with_content(b"%" + b" " * max(0, size - 700) + b"\n")
