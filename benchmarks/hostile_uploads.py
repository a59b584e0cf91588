"""What hostile uploads cost the portal: time and peak memory, against a plain upload.

    .venv/bin/python benchmarks/hostile_uploads.py [--rounds 5]

Each case runs in a fresh process (so peak memory is its own): a throw-away
SQLite database with one held booking, signed in through the Flask test client,
then the upload as a browser sends it (multipart, CSRF token, the whole request).

- ``plain PNG``: a 40×30 PNG, the bare baseline;
- ``7740×7740 PNG``: 185 KiB on disk, 240 MB once decoded (refused from its header);
- ``50 MP JPEG``: an 8160×6120 phone photo (decoded at half scale, kept);
- ``full booking``: the 7740×7740 PNG and a 10 MiB PDF sent when 10 files are kept;
- ``unbounded decode``: for reference, what decoding the 7740×7740 PNG in full
  costs (Pillow, as the portal did before the header check), outside any request.

Peak memory is the growth of the process's maximum resident set (ru_maxrss)
during the request. Aims (issue 11): the 7740×7740 PNG in ≤ 3 s and ≤ 150 MB
more peak memory; uploads to a full booking refused in ≤ 200 ms.
"""

import argparse
import io
import logging
import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MIB = 1024 * 1024


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sample(kind: str) -> tuple[str, bytes]:
    from tests.documents import samples

    return {
        "plain": lambda: ("plain.png", samples.png()),
        "large_png": lambda: ("ecra.png", samples.large_png(7740, 7740)),
        "photo": lambda: ("foto.jpg", samples.jpeg((8160, 6120))),
        "big_pdf": lambda: ("grande.pdf", samples.padded_pdf(10 * MIB - 4096)),
    }[kind]()


def _held_booking_client(folder: Path, kept_files: int):
    from portal.extensions import db
    from tests.conftest import Clock, make_app
    from tests.documents import samples
    from tests.factories import CITIZEN_NISS, create_world
    from tests.pages import PageClient

    app = make_app(
        f"sqlite:///{folder / 'bench.sqlite3'}", folder, DOCUMENT_UPLOADS_PER_MINUTE=1000
    )
    clock = Clock()
    app.extensions["clock"] = clock
    with app.app_context():
        db.create_all()
        world = create_world(clock.now)
        code = world.referral.code
    client = PageClient(app.test_client())
    client.submit("/", {"code": code, "identifier": CITIZEN_NISS})
    slot = client.get("/marcar/horarios").radio_values()[0]
    client.submit("/marcar/horarios", {"slot": slot})
    page = client.get("/documentos")
    item = page.soup.select_one("input[name=item][checked]")["value"]
    # The first upload warms up imports and caches; with the rest, the booking is full.
    for n in range(max(1, kept_files)):
        response = _post(client, page.csrf_token(), item, f"{n}.png", samples.png())
        assert response.status_code == 302, response.status_code
    return client, page.csrf_token(), item


def _post(client, token, item, name, data):
    return client.client.post(
        "/documentos",
        data={"csrf_token": token, "item": item, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def measure_upload(kind: str, kept_files: int, queue) -> None:
    """In a child process: one upload; reports (seconds, peak MiB growth, status)."""
    logging.getLogger("portal").setLevel(logging.ERROR)  # no scanner here, and it says so
    name, data = _sample(kind)
    with tempfile.TemporaryDirectory() as folder:
        client, token, item = _held_booking_client(Path(folder), kept_files)
        before = _rss_mib()
        start = time.perf_counter()
        response = _post(client, token, item, name, data)
        seconds = time.perf_counter() - start
        queue.put((seconds, max(0.0, _rss_mib() - before), response.status_code))


def measure_unbounded_decode(queue) -> None:
    """In a child process: decode the 7740×7740 PNG in full and re-encode it, no budget."""
    from PIL import Image, ImageOps

    _name, data = _sample("large_png")
    before = _rss_mib()
    start = time.perf_counter()
    Image.MAX_IMAGE_PIXELS = None
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        upright = ImageOps.exif_transpose(image)
        output = io.BytesIO()
        upright.save(output, format="PNG")
    queue.put((time.perf_counter() - start, max(0.0, _rss_mib() - before), None))


def run(target, *args) -> tuple[float, float, int | None]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    result = queue.get(timeout=600)
    process.join()
    return result


CASES = [
    ("plain PNG (baseline)", measure_upload, ("plain", 0)),
    ("7740×7740 PNG", measure_upload, ("large_png", 0)),
    ("50 MP JPEG photo", measure_upload, ("photo", 0)),
    ("full booking: 7740×7740 PNG", measure_upload, ("large_png", 10)),
    ("full booking: 10 MiB PDF", measure_upload, ("big_pdf", 10)),
    ("unbounded decode (reference)", measure_unbounded_decode, ()),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--skip-reference", action="store_true", help="skip the slow reference")
    options = parser.parse_args()
    rounds, skip_reference = options.rounds, options.skip_reference
    results = {}
    for label, target, args in CASES:
        if skip_reference and target is measure_unbounded_decode:
            continue
        runs = [
            run(target, *args) for _ in range(1 if target is measure_unbounded_decode else rounds)
        ]
        results[label] = runs
    baseline = statistics.median(r[0] for r in results["plain PNG (baseline)"])
    print(f"{'case':32} {'median ms':>10} {'max ms':>8} {'× plain':>8} {'peak +MiB':>10} status")
    for label, runs in results.items():
        times = [r[0] * 1000 for r in runs]
        memory = max(r[1] for r in runs)
        status = runs[0][2] if runs[0][2] is not None else "-"
        print(
            f"{label:32} {statistics.median(times):10.1f} {max(times):8.1f} "
            f"{statistics.median(times) / (baseline * 1000):8.1f} {memory:10.1f} {status}"
        )


if __name__ == "__main__":
    main()
