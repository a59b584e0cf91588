"""The evaluation page and its CSV over two years of pilot data, on PostgreSQL.

Builds (bulk inserts) 4 district centres, 12 desks, 6 subjects, a slot every half
hour on working days for two years, about 50,000 bookings in every state (with
their codes, device checks and cancellation reasons) plus codes never booked,
then times, through the whole request (test client, a signed-in manager):

- the bare baseline: the manager's subjects page (same layout, one small query);
- the evaluation page for one month and for the two years;
- the CSV for one month and for the two years, with the peak of Python memory
  allocated while it is produced and read (tracemalloc): flat means the two
  years' file costs about what a month's does.

Targets: the two years' page in ≤ 300 ms; the CSV in flat memory. Prints the
median of several rounds after a warm-up, and the ratio to the baseline.
A measurement, not a test. THE DATABASE GIVEN IS EMPTIED (its public schema is
dropped), so give one of your own:

    .venv/bin/python benchmarks/evaluation.py --database postgresql+psycopg://HOST:5432/NAME \
        [--bookings 50000] [--rounds 7]
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FIRST, LAST = date(2025, 1, 1), date(2026, 12, 31)
MONTH = ("2026-10-01", "2026-10-31")
CHUNK = 5000


def build(bookings: int, chance: random.Random) -> None:
    from sqlalchemy import select

    from portal.booking.models import Booking
    from portal.device_check.models import DeviceCheck
    from portal.extensions import db
    from portal.referrals.models import Referral
    from portal.scheduling.models import Slot
    from tests.factories import create_centre, create_desk, create_subject

    subjects = [create_subject(name_pt=f"Assunto {n}") for n in range(6)]
    desks = [
        create_desk(
            centre=create_centre(name=f"Centro Distrital {c}"),
            name=f"Serviço de Atendimento {c}.{d}",
            subjects=subjects,
        )
        for c in range(4)
        for d in range(3)
    ]
    db.session.commit()

    slots = []
    day = FIRST
    while day <= LAST:
        if day.weekday() < 5:
            for desk in desks:
                for half_hour in range(16):  # 09:00 to 17:00, Lisbon ≈ UTC for this purpose
                    starts = datetime.combine(day, datetime.min.time(), UTC) + timedelta(
                        hours=9, minutes=30 * half_hour
                    )
                    slots.append(
                        {
                            "desk_id": desk.id,
                            "starts_at": starts,
                            "ends_at": starts + timedelta(minutes=30),
                            "capacity": 1,
                        }
                    )
        day += timedelta(days=1)
    insert_all(Slot, slots)
    slot_rows = db.session.execute(select(Slot.id, Slot.starts_at).order_by(Slot.id)).all()
    taken = chance.sample(slot_rows, bookings)

    referrals, bookings_rows, checks = [], [], []
    statuses = ["attended"] * 60 + ["no_show"] * 8 + ["confirmed"] * 12 + ["cancelled"] * 20
    reasons = ["person", "phone_line", "closure", "rebooked_by_phone"]
    for number, (slot_id, starts) in enumerate(taken, start=1):
        issued = starts - timedelta(days=chance.choice([1, 2, 3, 4, 6, 8, 10, 14, 20, 30]))
        referrals.append(referral_row(number, issued, chance, subjects))
        status = chance.choice(statuses)
        bookings_rows.append(
            {
                "referral_id": number,
                "slot_id": slot_id,
                "seat": 1,
                "status": status,
                "created_at": issued,
                "confirmed_at": issued,
                "cancelled_reason": chance.choice(reasons) if status == "cancelled" else None,
                "invite_uid": str(uuid.UUID(int=chance.getrandbits(128))),
            }
        )
        if chance.random() < 0.6:
            checks.append(check_row(number, issued))
    for number in range(bookings + 1, bookings + bookings // 10 + 1):  # codes never booked
        issued = datetime.combine(FIRST, datetime.min.time(), UTC) + timedelta(
            days=chance.randrange((LAST - FIRST).days)
        )
        referrals.append(referral_row(number, issued, chance, subjects))
    insert_all(Referral, referrals)
    insert_all(Booking, bookings_rows)
    insert_all(DeviceCheck, checks)
    db.session.execute(db.text("ANALYZE"))
    db.session.commit()


def referral_row(number, issued, chance, subjects) -> dict:
    return {
        "id": number,
        "code": f"B{number:09d}",
        "subject_id": chance.choice(subjects).id,
        "audience": "citizen",
        "niss": "12345678901",
        "email": f"pessoa{number}@example.pt",
        "language": "pt_PT",
        "created_at": issued,
        "expires_at": issued + timedelta(days=30),
        "in_person_date": (issued + timedelta(days=chance.randrange(5, 40))).date()
        if chance.random() < 0.3
        else None,
    }


def check_row(number, issued) -> dict:
    return {
        "referral_id": number,
        "checked_at": issued,
        "browser_family": "firefox",
        "platform": "linux",
        **dict.fromkeys(("camera", "microphone", "speakers", "network", "browser"), "passed"),
    }


def insert_all(model, rows) -> None:
    from sqlalchemy import insert

    from portal.extensions import db

    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start : start + CHUNK])
    db.session.commit()


def timed(client, url, rounds) -> tuple[float, float]:
    """Median milliseconds of ``rounds`` full requests, and the peak MiB allocated in one."""
    client.get(url).get_data()  # warm-up
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        size = len(response.get_data())
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and size, url
    tracemalloc.start()
    client.get(url).get_data()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=os.environ.get("PORTAL_TEST_POSTGRESQL_URL"))
    parser.add_argument("--bookings", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=7)
    arguments = parser.parse_args()
    if not arguments.database or not arguments.database.startswith("postgresql"):
        sys.exit("Give a PostgreSQL database of your own with --database (it is emptied).")

    from flask import g

    from portal.extensions import db
    from tests.conftest import make_app, reset_postgresql
    from tests.factories import create_account
    from tests.pages import PageClient
    from tests.staff.helpers import staff_sign_in

    with tempfile.TemporaryDirectory() as folder:
        app = make_app(arguments.database, Path(folder))
        reset_postgresql(app)
        app.before_request_funcs.setdefault(None, []).insert(0, lambda: g.__dict__.clear())
        started = time.perf_counter()
        with app.app_context():
            db.create_all()
            build(arguments.bookings, random.Random(12))
            account = create_account("manager")
            db.session.commit()
            client = PageClient(app.test_client())
            staff_sign_in(client, account)
        print(f"built {arguments.bookings} bookings in {time.perf_counter() - started:.0f} s")

        raw = client.client
        two_years = f"from={FIRST}&to={LAST}"
        month = f"from={MONTH[0]}&to={MONTH[1]}"
        cases = [
            ("baseline: subjects page", "/staff/subjects"),
            ("evaluation page, one month", f"/staff/evaluation?{month}"),
            ("evaluation page, two years", f"/staff/evaluation?{two_years}"),
            ("CSV (pt), one month", f"/staff/evaluation.csv?{month}&lang=pt"),
            ("CSV (pt), two years", f"/staff/evaluation.csv?{two_years}&lang=pt"),
        ]
        results = {name: timed(raw, url, arguments.rounds) for name, url in cases}
        size = len(raw.get(cases[-1][1]).get_data())

    base_ms, base_mib = results["baseline: subjects page"]
    print(f"{'request':30} {'median ms':>10} {'× baseline':>11} {'peak MiB':>9}")
    for name, (ms, mib) in results.items():
        print(f"{name:30} {ms:10.1f} {ms / base_ms:11.1f} {mib:9.2f}")
    page_ms = results["evaluation page, two years"][0]
    month_mib, years_mib = results["CSV (pt), one month"][1], results["CSV (pt), two years"][1]
    print(f"two years' CSV: {size / 1024:.1f} KiB")
    print(f"target page ≤ 300 ms: {'met' if page_ms <= 300 else 'NOT met'} ({page_ms:.0f} ms)")
    print(
        f"CSV memory two years / one month: {years_mib:.2f} / {month_mib:.2f} MiB "
        f"(baseline page {base_mib:.2f} MiB)"
    )


if __name__ == "__main__":
    main()
