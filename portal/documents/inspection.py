"""What an uploaded file really is, decided by its content; hostile files refused.

Accepted: PDF, JPEG and PNG whose content (magic bytes) matches the name's
extension. Images are decoded and re-encoded with Pillow, so metadata (EXIF,
GPS, comments) and anything appended after the image are dropped. PDFs are kept
byte for byte after pypdf finds no encryption, scripts, launch actions or
attached files: rewriting them would break the digital signatures that many
official documents carry.
"""

import enum
import hashlib
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject


class Refusal(enum.StrEnum):
    """Why a file was not accepted (shown to the person with what to do)."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    EXTENSION = "extension"
    TYPE = "type"
    MISMATCH = "mismatch"
    DAMAGED = "damaged"
    ENCRYPTED = "encrypted"
    SCRIPT = "script"
    LAUNCH = "launch"
    ATTACHMENT = "attachment"
    TRAILING = "trailing"
    PIXELS = "pixels"


class FileRefused(Exception):
    def __init__(self, reason: Refusal):
        super().__init__(reason.value)
        self.reason = reason


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
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG"}
# A PDF walk that visits more objects than this is refused rather than
# letting one upload keep a worker busy.
MAX_PDF_OBJECTS = 200_000
MAX_DISPLAY_NAME = 120


def inspect(name: str, data: bytes, max_bytes: int, max_pixels: int) -> CheckedFile:
    """Check one upload; raise FileRefused with the reason, or return what to store."""
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
    if actual == PDF:
        check_pdf(data)
        return CheckedFile(data, PDF, display_name)
    return CheckedFile(reencode_image(data, actual, max_pixels), actual, display_name)


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


def check_pdf(data: bytes) -> None:
    if _has_data_after_end(data):
        raise FileRefused(Refusal.TRAILING)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise FileRefused(Refusal.ENCRYPTED)
        _refuse_active_content(reader)
        if len(reader.pages) == 0:
            raise FileRefused(Refusal.DAMAGED)
    except FileRefused:
        raise
    except Exception:  # noqa: BLE001 - hostile input makes pypdf fail in many ways
        raise FileRefused(Refusal.DAMAGED) from None


def _has_data_after_end(data: bytes) -> bool:
    """True when something (a ZIP, HTML…) follows the PDF's last %%EOF marker."""
    end = data.rfind(b"%%EOF")
    if end < 0:
        return False  # pypdf decides whether such a file is readable at all
    return bool(data[end + 5 :].strip(b"\r\n\t\f \x00"))


def _refuse_active_content(reader: PdfReader) -> None:
    """Walk every object reachable from the trailer, looking for actions and attachments."""
    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    visited = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise FileRefused(Refusal.DAMAGED)
        if isinstance(obj, DictionaryObject):
            _check_dictionary(obj)
            stack.extend(dict.values(obj))  # raw values: references are followed above
        elif isinstance(obj, ArrayObject):
            stack.extend(list.__iter__(obj))


def _check_dictionary(dictionary: DictionaryObject) -> None:
    keys = set(dictionary.keys())
    action = dictionary.get("/S")
    if keys & {"/JS", "/JavaScript", "/XFA"} or action == "/JavaScript":
        raise FileRefused(Refusal.SCRIPT)
    if action == "/Launch":
        raise FileRefused(Refusal.LAUNCH)
    if (
        "/EmbeddedFiles" in keys
        or dictionary.get("/Type") == "/EmbeddedFile"
        or dictionary.get("/Subtype") in ("/FileAttachment", "/RichMedia")
    ):
        raise FileRefused(Refusal.ATTACHMENT)


def reencode_image(data: bytes, content_type: str, max_pixels: int) -> bytes:
    """Decode fully and save a fresh copy: no metadata, nothing appended."""
    pillow_format = PILLOW_FORMATS[content_type]
    try:
        with warnings.catch_warnings():
            # Pillow warns (and later errors) on decompression bombs: refuse at the warning.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
                if image.width * image.height > max_pixels:
                    raise FileRefused(Refusal.PIXELS)
                image.load()
                upright = ImageOps.exif_transpose(image)  # keep photos the right way up
                return _save(upright, pillow_format)
    except FileRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise FileRefused(Refusal.PIXELS) from None
    except Exception:  # noqa: BLE001 - truncated or malformed images fail in many ways
        raise FileRefused(Refusal.DAMAGED) from None


def _save(image: Image.Image, pillow_format: str) -> bytes:
    transparency = image.info.get("transparency")
    image.info = {}
    output = io.BytesIO()
    if pillow_format == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(output, format="JPEG", quality=90, optimize=True)
    else:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
            image = image.convert("RGBA")
        options = {"transparency": transparency} if transparency is not None else {}
        image.save(output, format="PNG", **options)
    return output.getvalue()
