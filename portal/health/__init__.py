"""Health: is the process up (``/healthz``), can it serve (``/readyz``), and is a new
installation ready for go-live (``flask doctor``).

The checks are plain functions in ``checks``; the endpoints and the command only
choose which to run and how to answer.
"""

from flask import Blueprint

bp = Blueprint("health", __name__)

from portal.health import views  # noqa: E402,F401  (routes register on bp)
