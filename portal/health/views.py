"""``/healthz`` and ``/readyz``, for load balancers, systemd and monitoring (JSON)."""

from flask import jsonify

from portal.health import bp, checks


def _answer(payload: dict, status: int):
    response = jsonify(payload)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    """The process answers: nothing else is touched (no database), so a restart is
    the only cure for a failure here."""
    return _answer({"status": "ok"}, 200)


@bp.get("/readyz")
def readyz():
    """Whether this instance can serve now; 503 naming what fails (a load balancer
    takes it out of rotation, nothing restarts it)."""
    results = checks.readiness()
    failing = [check.name for check in results if not check.ok]
    payload = {
        "status": "not ready" if failing else "ready",
        "failing": failing,
        "checks": {
            check.name: {"ok": check.ok, "detail": check.detail}
            for check in results
            if check.applies
        },
    }
    return _answer(payload, 503 if failing else 200)
