"""Images are decoded within a budget, then re-encoded without metadata.

A small file can declare a huge image: a 171 KiB PNG of 7740×7740 pixels needs
240 MB once decoded (Pillow keeps RGB as four bytes a pixel), and decoding it
ties up a worker for seconds. So nothing is decoded before the header (which
``Image.open`` reads alone) says the pixels fit:

- more than ``max_pixels`` pixels: refused (a decompression bomb);
- a JPEG larger than the memory budget is decoded at 1/2, 1/4 or 1/8 scale
  (libjpeg's draft mode scales while decoding, at no extra cost), which keeps
  a 50-megapixel phone photo readable at 12 megapixels;
- any other image whose decoded pixels would need more than the budget
  (``max_decoded_bytes``) is refused.

Decoding then costs at most the budget (twice while a photo is turned
upright), and time in proportion.
"""

import io
import warnings

from PIL import Image, ImageOps

from portal.documents.refusals import FileRefused, Refusal

JPEG, PNG = "image/jpeg", "image/png"
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG"}
# Bytes a pixel takes in Pillow's memory, by mode; every other mode takes four.
PIXEL_BYTES = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}
DRAFT_SCALES = (1, 2, 4, 8)


def decoded_bytes(mode: str, size: tuple[int, int]) -> int:
    """Memory the pixels of an image of this mode and size take once decoded."""
    return size[0] * size[1] * PIXEL_BYTES.get(mode, 4)


def reencode_image(data: bytes, content_type: str, max_pixels: int, max_decoded_bytes: int):
    """Decode within the budget and save a fresh copy: no metadata, nothing appended."""
    pillow_format = PILLOW_FORMATS[content_type]
    try:
        with warnings.catch_warnings():
            # Pillow warns (and later errors) on decompression bombs: refuse at the warning.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
                _fit_in_budget(image, max_pixels, max_decoded_bytes)
                image.load()
                upright = ImageOps.exif_transpose(image)  # keep photos the right way up
                return _save(upright, pillow_format)
    except FileRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise FileRefused(Refusal.PIXELS) from None
    except Exception:  # noqa: BLE001 - truncated or malformed images fail in many ways
        raise FileRefused(Refusal.DAMAGED) from None


def _fit_in_budget(image: Image.Image, max_pixels: int, max_decoded_bytes: int) -> None:
    """Refuse, or for a JPEG choose a decoding scale, from the header alone."""
    width, height = image.size
    if width < 1 or height < 1 or width * height > max_pixels:
        raise FileRefused(Refusal.PIXELS)
    if image.format == "JPEG":
        scale = next(
            (
                s
                for s in DRAFT_SCALES
                if decoded_bytes(image.mode, (-(-width // s), -(-height // s))) <= max_decoded_bytes
            ),
            None,
        )
        if scale not in (None, 1):
            image.draft(image.mode, (width // scale, height // scale))
    if decoded_bytes(image.mode, image.size) > max_decoded_bytes:
        raise FileRefused(Refusal.PIXELS)


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
