"""Managers: the pilot's evaluation page and its CSV export."""

from datetime import date, timedelta

from flask import Response, render_template, request, stream_with_context
from flask_babel import format_decimal, format_number, format_percent, ngettext
from flask_babel import gettext as _

from portal.accounts.models import Role
from portal.audit.models import AuditAction
from portal.clock import now
from portal.evaluation import figures
from portal.evaluation.charts import bar_chart
from portal.evaluation.export import csv_lines, tidy_rows
from portal.i18n import current_language
from portal.scheduling.calendar import lisbon_today, reasonable_date
from portal.staff import bp
from portal.staff.access import audit, roles_required
from portal.waiting_list.figures import offer_figures

CHARTED = ("centre", "desk", "subject")  # weeks: a table only (up to 105 rows)


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
    return _("%(days)s days", days=format_decimal(value, format="#,##0.0"))


def percent_text(value) -> str:
    return format_percent(value / 100)


def codes_text(value) -> str:
    return ngettext("%(count)s code", "%(count)s codes", value, count=format_number(value))


@bp.route("/evaluation")
@roles_required(Role.MANAGER)
def evaluation():
    period = _period()
    waits = figures.waits_tables(period)
    usage = figures.utilisation(period)
    funnels = figures.funnel_tables(period)
    reference = _("National average: %(days)s days", days=figures.NATIONAL_AVERAGE_DAYS)
    charts = {
        group: bar_chart(
            [(w.label, w.mean) for w in waits[group]],
            figures.NATIONAL_AVERAGE_DAYS,
            days_text,
            reference,
        )
        for group in CHARTED
    }
    charts["utilisation"] = bar_chart(
        [(u.desk, u.share * 100 if u.share is not None else None) for u in usage],
        None,
        percent_text,
    )
    (everyone,) = funnels["all"]
    charts["funnel"] = bar_chart(
        [(stage.name, everyone.stages[stage.key]) for stage in figures.FUNNEL], None, codes_text
    )
    return render_template(
        "staff/evaluation/page.html",
        period=period,
        counts=figures.counts(period),
        overall=waits["all"][0] if waits["all"] else figures.no_waits(),
        waits=waits,
        usage=usage,
        funnels=funnels,
        stages=figures.FUNNEL,
        charts=charts,
        charted=CHARTED,
        national=figures.NATIONAL_AVERAGE_DAYS,
        waiting_list=offer_figures(period),
    )


@bp.route("/evaluation.csv")
@roles_required(Role.MANAGER)
def evaluation_csv():
    """Streamed a line at a time; the figures themselves are a few hundred aggregate rows."""
    period = _period()
    language = current_language()
    rows = list(tidy_rows(period))  # every query runs inside the request's transaction
    audit(
        AuditAction.DOWNLOADED,
        "evaluation",
        None,
        "period",
        first=period.first.isoformat(),
        last=period.last.isoformat(),
    )
    filename = f"evaluation-{period.first}-{period.last}-{language}.csv"
    return Response(
        stream_with_context(line.encode() for line in csv_lines(rows, language)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
