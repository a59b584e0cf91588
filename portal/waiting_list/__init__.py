"""The waiting list: people told by e-mail when a seat frees up (see services)."""

from flask import Blueprint

bp = Blueprint("waiting_list", __name__, template_folder="templates", url_prefix="/lista-de-espera")

from portal.waiting_list import views  # noqa: E402,F401
