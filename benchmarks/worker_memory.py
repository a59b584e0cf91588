"""Worker memory: RSS of the outbox worker after 100 and after 1,000 rendered e-mails.

The target: within 30 MiB. Each mode runs in a fresh Python process, on a
throw-away SQLite database with N confirmed bookings (local meeting provider,
the development mailbox in a temporary folder), doing what `flask outbox
deliver --loop` does: passes of 100 messages, the session removed after each.

- ``child``: PDFs rendered in the child process the worker uses in production
  (replaced every OUTBOX_RENDERS_PER_CHILD renders);
- ``in-process``: the baseline, rendered in the worker itself
  (OUTBOX_RENDERS_PER_CHILD=0), as the worker did before.

It prints, per mode, the worker's RSS after 100 and after N messages and the
growth, and the renderer child's RSS. A measurement, not a test.

    .venv/bin/python benchmarks/worker_memory.py [--messages 1000] [--modes child,in-process]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
PER_PASS = 100


def rss_mib(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def descendants(pid: int) -> list[int]:
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            ppid = next(int(x.split()[1]) for x in status.splitlines() if x.startswith("PPid:"))
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def create_bookings(count: int) -> None:
    from portal.booking import transitions
    from portal.extensions import db
    from portal.scheduling.calendar import lisbon_today
    from portal.scheduling.slots import booking_window, publish_slots
    from tests.factories import create_desk, create_referral, create_subject

    subject = create_subject()
    desk = create_desk(subjects=[subject], parallel_attendants=50)
    publish_slots(desk, lisbon_today(NOW), lisbon_today(NOW) + timedelta(weeks=3))
    db.session.commit()
    window = booking_window(NOW, 1, 15)
    from sqlalchemy import select

    from portal.scheduling.models import Slot

    slots = db.session.scalars(
        select(Slot).where(Slot.starts_at >= window[0]).order_by(Slot.starts_at)
    ).all()
    for number in range(count):
        referral = create_referral(subject, NOW, email=f"pessoa{number}@example.pt")
        slot = slots[number // 50]
        booking = transitions.hold(referral, [slot.id], NOW, 15, window)
        transitions.confirm(booking, NOW)
        if number % 100 == 99:
            db.session.commit()
    db.session.commit()


def measure(mode: str, messages: int) -> dict:
    """Run in a fresh process: build the data, then deliver as the worker does."""
    sys.path.insert(0, str(ROOT))
    from portal import create_app
    from portal.extensions import db
    from portal.outbox.worker import run_once
    from portal.pdf.isolated import shutdown

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "ENVIRONMENT": "development",
                "SECRET_KEY": "benchmark-secret-key-long-enough-to-pass",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/worker.sqlite3",
                "MEETING_PROVIDER": "local",
                "OUTBOX_RENDERS_PER_CHILD": 100 if mode == "child" else 0,
            }
        )
        app.instance_path = folder
        app.extensions["clock"] = lambda: NOW
        with app.app_context():
            db.create_all()
            create_bookings(messages)
            db.session.remove()
        sent, marks, started = 0, {}, time.perf_counter()
        while sent < messages:
            with app.app_context():
                report = run_once()
                db.session.remove()
            if report.sent == 0:
                raise SystemExit(f"nothing sent: {report} {report.errors[:3]}")
            sent += report.sent
            if sent in (PER_PASS, messages):
                renderer = [rss_mib(pid) for pid in descendants(os.getpid())]
                marks[sent] = {"worker": rss_mib(), "children": renderer}
        elapsed = time.perf_counter() - started
        shutdown()
    return {"mode": mode, "marks": marks, "seconds": elapsed, "messages": messages}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--modes", default="child,in-process")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # internal: one mode, in this process
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.messages)))
        return
    results = []
    for mode in args.modes.split(","):
        output = subprocess.run(
            [sys.executable, __file__, "--measure", mode, "--messages", str(args.messages)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    for result in results:
        first, last = result["marks"][str(PER_PASS)], result["marks"][str(result["messages"])]
        growth = last["worker"] - first["worker"]
        children = ", ".join(f"{rss:.0f}" for rss in last["children"]) or "none"
        print(
            f"{result['mode']:>10}: worker RSS {first['worker']:.1f} MiB after {PER_PASS}, "
            f"{last['worker']:.1f} MiB after {result['messages']} → growth {growth:+.1f} MiB "
            f"(target within 30); child processes now {children} MiB; "
            f"{result['seconds'] / result['messages'] * 1000:.0f} ms per message"
        )


if __name__ == "__main__":
    main()
