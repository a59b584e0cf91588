"""What an uploaded file really is, decided by its content; hostile files refused.

Accepted: PDF, JPEG and PNG whose content (magic bytes) matches the name's
extension. Images are decoded within a memory budget and re-encoded with Pillow
(``portal.documents.images``), so metadata (EXIF, GPS, comments) and anything
appended after the image are dropped. PDFs are kept byte for byte after
``portal.documents.pdf_policy`` finds no encryption, scripts, actions or attached
files: rewriting them would break the digital signatures that many official
documents carry.
"""

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from portal.documents.refusals import FileRefused, Refusal

__all__ = ["CheckedFile", "FileRefused", "Refusal", "clean_name", "inspect"]

# Decoded pixels of one image may take this much memory (see portal.documents.images).
DEFAULT_MAX_DECODED_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class CheckedFile:
    """A file fit to store: its (possibly re-encoded) content and what it is."""

    content: bytes
    content_type: str
    display_name: str

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {"pdf": PDF, "jpg": JPEG, "jpeg": JPEG, "png": PNG}
MAGIC = [(b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG)]
MAX_DISPLAY_NAME = 120


def inspect(
    name: str,
    data: bytes,
    max_bytes: int,
    max_pixels: int,
    max_decoded_bytes: int = DEFAULT_MAX_DECODED_BYTES,
    scan: Callable[[bytes], None] | None = None,
) -> CheckedFile:
    """Check one upload; raise FileRefused with the reason, or return what to store.

    Cheap checks first (size, name, magic bytes); then ``scan`` (the malware scanner,
    which raises FileRefused) sees the bytes as sent, before any parser or decoder
    does; then the PDF policy or the image decoding.
    """
    if not data:
        raise FileRefused(Refusal.EMPTY)
    if len(data) > max_bytes:
        raise FileRefused(Refusal.TOO_LARGE)
    display_name = clean_name(name)
    claimed = (
        EXTENSIONS.get(display_name.rpartition(".")[2].lower()) if "." in display_name else None
    )
    if claimed is None:
        raise FileRefused(Refusal.EXTENSION)
    actual = next((kind for magic, kind in MAGIC if data.startswith(magic)), None)
    if actual is None:
        raise FileRefused(Refusal.TYPE)
    if actual != claimed:
        raise FileRefused(Refusal.MISMATCH)
    if scan is not None:
        scan(data)
    if actual == PDF:
        # pypdf is loaded by the first PDF sent, not by every web worker at start.
        from portal.documents.pdf_policy import check_pdf

        check_pdf(data)
        return CheckedFile(data, PDF, display_name)
    from portal.documents.images import reencode_image  # Pillow, with the first image sent

    content = reencode_image(data, actual, max_pixels, max_decoded_bytes)
    return CheckedFile(content, actual, display_name)


def clean_name(name: str) -> str:
    """The person's file name as safe display text: no folders, controls or bidi tricks."""
    text = unicodedata.normalize("NFC", name or "")
    text = re.split(r"[/\\]", text)[-1]
    # Categories C*: controls, and format characters such as U+202E (right-to-left
    # override), which can make "gpj.exe" look like "exe.jpg".
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))
    text = " ".join(text.split()).lstrip(". ")
    if len(text) > MAX_DISPLAY_NAME:
        stem, dot, extension = text.rpartition(".")
        keep = MAX_DISPLAY_NAME - len(extension) - 2
        text = f"{stem[:keep]}…{dot}{extension}" if dot and len(extension) <= 5 else text[:120]
    return text
