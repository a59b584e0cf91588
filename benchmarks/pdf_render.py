"""How long the confirmation PDF takes, against a bare WeasyPrint page, in one run.

    .venv/bin/python benchmarks/pdf_render.py [--rounds 15]

Builds a throw-away SQLite database with one confirmed booking (local meeting
provider), then renders, alternately, a bare one-paragraph page and the real
confirmation (QR code, stylesheet through the portal's URL fetcher, PDF/UA-1).
Prints median and spread of each and the ratio of medians (aim: ≤ 1.5×).
The first render of each kind is a warm-up (fontconfig, caches) and not counted.
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402
from weasyprint import HTML  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
BARE = "<!doctype html><html lang=en><title>Bare</title><p>One paragraph of text.</p></html>"


def confirmed_booking_facts(folder: Path):
    from portal.booking import transitions
    from portal.meetings.worker import sync_meetings
    from portal.notifications.facts import booking_facts
    from portal.scheduling.models import Slot
    from portal.scheduling.slots import booking_window
    from tests.factories import create_world

    world = create_world(NOW)
    slot = db.session.scalars(
        select(Slot).where(Slot.starts_at > NOW + timedelta(days=2)).order_by(Slot.starts_at)
    ).first()
    booking = transitions.hold(world.referral, [slot.id], NOW, 15, booking_window(NOW, 1, 15))
    transitions.confirm(booking, NOW)
    db.session.commit()
    sync_meetings()  # the local provider: the placeholder link, at once
    return booking_facts(booking)


def timed(render) -> float:
    started = time.perf_counter()
    render()
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    from portal.notifications.document import confirmation_pdf

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "ENVIRONMENT": "testing",
                "SECRET_KEY": "benchmark-secret-key-long-enough-to-pass",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/benchmark.sqlite3",
            }
        )
        app.extensions["clock"] = lambda: NOW
        with app.app_context():
            db.create_all()
            facts = confirmed_booking_facts(Path(folder))
            renders = {
                "bare page": lambda: HTML(string=BARE).write_pdf(),
                "confirmation": lambda: confirmation_pdf(facts),
            }
            for render in renders.values():
                render()  # warm-up
            times = {name: [] for name in renders}
            for _ in range(rounds):
                for name, render in renders.items():
                    times[name].append(timed(render))
            db.engine.dispose()
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        print(
            f"{name:>13}: median {medians[name] * 1000:6.1f} ms "
            f"(min {min(values) * 1000:6.1f}, max {max(values) * 1000:6.1f}, n={len(values)})"
        )
    ratio = medians["confirmation"] / medians["bare page"]
    print(f"ratio confirmation / bare page: {ratio:.2f}x (aim <= 1.5x)")


if __name__ == "__main__":
    main()
