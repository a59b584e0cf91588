"""Reading the results a browser posts, strictly, and keeping them with the booking.

The browser measures; the server decides what the figures mean (network
thresholds) and trusts nothing it cannot check: unknown checks, outcomes or
fields, and numbers out of range are refused as a whole.
"""

from datetime import datetime

from sqlalchemy import func, select

from portal.device_check.browsers import Browser, support
from portal.device_check.models import CHECKS, DeviceCheck, Outcome, worst
from portal.extensions import db

# Good at ≥ 1.5 Mbit/s each way and ≤ 300 ms; failing under 0.5 Mbit/s either way.
GOOD_KBPS, FAILING_KBPS, GOOD_LATENCY_MS = 1500, 500, 300
MAX_KBPS, MAX_LATENCY_MS = 10_000_000, 60_000
PROBLEMS = {"denied", "not_found", "in_use", "not_seen", "no_sound", "unsupported", "error"}
FIELDS = {
    "camera": {"outcome", "problem"},
    "microphone": {"outcome", "problem", "level"},
    "speakers": {"outcome"},
    "network": {"download_kbps", "upload_kbps", "latency_ms"},
    "browser": {"outcome"},
}
# Self-declaration: the questions, and what each answer means.
DECLARED = ("camera", "microphone", "speakers", "connection")
ANSWERS = {"yes": Outcome.PASSED, "unsure": Outcome.WARNING, "no": Outcome.FAILED}


class InvalidResult(ValueError):
    """The posted results are not what our page sends."""


def _number(value, upper: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidResult("not a number")
    if not 0 <= value <= upper:
        raise InvalidResult("out of range")
    return round(value)


def _outcome(part: dict) -> Outcome:
    try:
        return Outcome(part["outcome"])
    except (KeyError, ValueError, TypeError):
        raise InvalidResult("unknown outcome") from None


def _problem(part: dict, outcome: Outcome) -> str | None:
    problem = part.get("problem")
    if problem is None:
        return None
    if problem not in PROBLEMS or outcome == Outcome.PASSED:
        raise InvalidResult("unknown problem")
    return problem


def network_outcome(download_kbps, upload_kbps, latency_ms) -> Outcome:
    if None in (download_kbps, upload_kbps, latency_ms):
        return Outcome.FAILED  # the measurement itself did not get through
    slowest = min(download_kbps, upload_kbps)
    if slowest < FAILING_KBPS:
        return Outcome.FAILED
    if slowest >= GOOD_KBPS and latency_ms <= GOOD_LATENCY_MS:
        return Outcome.PASSED
    return Outcome.WARNING


def parse_results(payload) -> dict:
    """Validate posted JSON into DeviceCheck column values (InvalidResult if anything is off)."""
    if not isinstance(payload, dict) or set(payload) != set(CHECKS):
        raise InvalidResult("unknown or missing checks")
    for name, part in payload.items():
        if not isinstance(part, dict) or not set(part) <= FIELDS[name]:
            raise InvalidResult(f"unexpected fields in {name}")
    values = {name: _outcome(payload[name]) for name in ("camera", "microphone", "speakers")}
    values["browser"] = _outcome(payload["browser"])
    values["camera_problem"] = _problem(payload["camera"], values["camera"])
    values["microphone_problem"] = _problem(payload["microphone"], values["microphone"])
    values["microphone_level"] = _number(payload["microphone"].get("level"), 100)
    network = payload["network"]
    values["download_kbps"] = _number(network.get("download_kbps"), MAX_KBPS)
    values["upload_kbps"] = _number(network.get("upload_kbps"), MAX_KBPS)
    values["latency_ms"] = _number(network.get("latency_ms"), MAX_LATENCY_MS)
    values["network"] = network_outcome(
        values["download_kbps"], values["upload_kbps"], values["latency_ms"]
    )
    return values


def record_check(referral, booking, values: dict, browser: Browser, now: datetime) -> DeviceCheck:
    """Keep a completed check. The browser verdict is never better than its User-Agent's."""
    values = dict(values, browser=worst([values["browser"], support(browser)]))
    return _add(referral, booking, browser, now, self_declared=False, **values)


def record_declaration(referral, booking, answers: dict, browser: Browser, now) -> DeviceCheck:
    """Keep what a person without JavaScript tells us about their equipment."""
    outcomes = {name: ANSWERS[answers[name]] for name in ("camera", "microphone", "speakers")}
    outcomes["network"] = ANSWERS[answers["connection"]]
    return _add(referral, booking, browser, now, self_declared=True, browser=None, **outcomes)


def _add(referral, booking, agent: Browser, now, **values) -> DeviceCheck:
    check = DeviceCheck(
        referral_id=referral.id,
        booking_id=booking.id,
        checked_at=now,
        browser_family=agent.family,
        browser_version=agent.version,
        platform=agent.platform,
        **values,
    )
    db.session.add(check)
    db.session.flush()
    return check


def latest_checks(referral_ids) -> dict[int, DeviceCheck]:
    """``latest_check`` for many people at once, in one query: {referral id: check}."""
    referral_ids = list(referral_ids)
    if not referral_ids:
        return {}
    rank = (
        func.row_number()
        .over(
            partition_by=DeviceCheck.referral_id,
            order_by=(DeviceCheck.checked_at.desc(), DeviceCheck.id.desc()),
        )
        .label("rank")
    )
    ranked = (
        select(DeviceCheck.id, rank).where(DeviceCheck.referral_id.in_(referral_ids)).subquery()
    )
    checks = db.session.scalars(
        select(DeviceCheck).join(ranked, ranked.c.id == DeviceCheck.id).where(ranked.c.rank == 1)
    )
    return {check.referral_id: check for check in checks}


def latest_check(referral) -> DeviceCheck | None:
    """The most recent check (or declaration) of this person's case."""
    return db.session.scalar(
        select(DeviceCheck)
        .where(DeviceCheck.referral_id == referral.id)
        .order_by(DeviceCheck.checked_at.desc(), DeviceCheck.id.desc())
        .limit(1)
    )
