"""The citizen's (and company representative's) pages: the only public blueprint."""

from datetime import UTC

from flask import Blueprint

from portal.clock import now

bp = Blueprint("citizen", __name__, template_folder="templates")


@bp.app_template_global()
def seconds_until(moment) -> int:
    """Seconds from the portal's now to ``moment`` (the browser's clock may be wrong)."""
    return max(0, int((moment - now()).total_seconds()))


@bp.app_template_filter()
def time_value(moment) -> str:
    """A start time as a form sends it: UTC, ISO 8601 with "Z" (nothing to escape in a URL)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


from portal.citizen import (  # noqa: E402,F401
    accessibility,
    device_check,
    documents,
    preparation,
    privacy,
    site,
    views,
)
