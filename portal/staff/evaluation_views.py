"""Managers: the pilot's evaluation page and its CSV export."""

import csv
import io
from datetime import date, timedelta

from flask import Response, render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _

from portal.accounts.models import Role
from portal.audit.models import AuditAction
from portal.clock import now
from portal.evaluation import figures
from portal.evaluation.charts import bar_chart
from portal.scheduling.calendar import lisbon_today, reasonable_date
from portal.staff import bp
from portal.staff.access import audit, roles_required
from portal.waiting_list.figures import offer_figures

GROUPS = ("centre", "desk", "subject")


def _period() -> figures.Period:
    """?from=&to= (ISO dates); by default four weeks back and four weeks ahead."""
    today = lisbon_today(now())
    first = _date_arg("from") or today - timedelta(days=28)
    last = _date_arg("to") or today + timedelta(days=28)
    return figures.Period(first, max(first, last))


def _date_arg(name: str) -> date | None:
    try:
        day = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
    return day if reasonable_date(day) else None


def days_text(value) -> str:
    return _("%(days)s days", days=format_decimal(round(value, 1), format="#,##0.0"))


@bp.route("/evaluation")
@roles_required(Role.MANAGER)
def evaluation():
    period = _period()
    waits = {group: figures.waits_by(period, group) for group in GROUPS}
    usage = figures.utilisation(period)
    reference = _("National average: %(days)s days", days=figures.NATIONAL_AVERAGE_DAYS)
    charts = {
        group: bar_chart(
            [(w.label, w.mean) for w in rows], figures.NATIONAL_AVERAGE_DAYS, days_text, reference
        )
        for group, rows in waits.items()
    }
    charts["utilisation"] = bar_chart(
        [(u.desk, u.share * 100 if u.share is not None else None) for u in usage],
        None,
        lambda value: format_decimal(round(value), format="#,##0") + " %",
    )
    return render_template(
        "staff/evaluation.html",
        period=period,
        counts=figures.counts(period),
        overall=figures.overall(period),
        waits=waits,
        usage=usage,
        charts=charts,
        national=figures.NATIONAL_AVERAGE_DAYS,
        waiting_list=offer_figures(period),
    )


def _number(value) -> str:
    return "" if value is None else f"{value:.1f}"


@bp.route("/evaluation.csv")
@roles_required(Role.MANAGER)
def evaluation_csv():
    period = _period()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["group", "name", "bookings", "mean_days", "median_days", "p90_days"]
        + ["mean_minus_national", "bookings_with_in_person_date", "mean_days_gained"]
    )
    rows = [("all", figures.overall(period))] + [
        (group, waits) for group in GROUPS for waits in figures.waits_by(period, group)
    ]
    for group, w in rows:
        writer.writerow(
            [group, w.label, w.count, _number(w.mean), _number(w.median), _number(w.p90)]
            + [_number(w.against_national), w.gain_count, _number(w.mean_gain)]
        )
    for u in figures.utilisation(period):
        share = "" if u.share is None else f"{u.share:.3f}"
        writer.writerow(["utilisation", u.desk, u.booked, u.offered, share, "", "", "", ""])
    audit(AuditAction.DOWNLOADED, "evaluation", None, f"{period.first} to {period.last}")
    filename = f"evaluation-{period.first}-{period.last}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
