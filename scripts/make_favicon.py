"""Draw portal/static/favicon.ico: the shapes of favicon.svg (a video camera, white on
the masthead's blue), at 16 and 32 pixels. Run again after changing the SVG:

    .venv/bin/python scripts/make_favicon.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parent.parent / "portal" / "static"
SCALE = 8  # draw at 256 px on the SVG's 32-unit grid, then shrink (smooth edges)


def draw() -> Image.Image:
    image = Image.new("RGBA", (32 * SCALE, 32 * SCALE), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)

    def box(x, y, width, height):
        return [x * SCALE, y * SCALE, (x + width) * SCALE - 1, (y + height) * SCALE - 1]

    pen.rounded_rectangle(box(0, 0, 32, 32), radius=6 * SCALE, fill="#021c51")
    pen.rounded_rectangle(box(5, 10, 15, 12), radius=2 * SCALE, fill="#ffffff")
    pen.polygon(
        [
            (21 * SCALE, 14.5 * SCALE),
            (27 * SCALE, 11 * SCALE),
            (27 * SCALE, 21 * SCALE),
            (21 * SCALE, 17.5 * SCALE),
        ],
        fill="#ffffff",
    )
    return image


if __name__ == "__main__":
    large = draw().resize((32, 32), Image.Resampling.LANCZOS)
    large.save(STATIC / "favicon.ico", sizes=[(16, 16), (32, 32)])
    print(f"wrote {STATIC / 'favicon.ico'}")
