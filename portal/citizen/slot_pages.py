"""The list of offered times, a few days per page, shared by booking and rescheduling."""

from datetime import date

from flask import current_app, render_template, request

from portal.citizen.journey import offer_window
from portal.clock import now
from portal.scheduling.calendar import reasonable_date
from portal.scheduling.slots import group_by_day, offered_slots


def slot_page(referral, form, template, booking=None):
    offered = offered_slots(
        referral.subject,
        referral.audience,
        offer_window(),
        now(),
        exclude_slot_id=booking.slot_id if booking else None,
    )
    days = group_by_day(offered)
    per_page = current_app.config["BOOKING_DAYS_PER_PAGE"]
    start = _first_day_index(days, request.args.get("desde"))
    page = days[start : start + per_page]
    later = days[start + per_page][0] if start + per_page < len(days) else None
    earlier = days[max(start - per_page, 0)][0] if start > 0 else None
    return render_template(
        template,
        referral=referral,
        booking=booking,
        form=form,
        days=page,
        later=later,
        earlier=earlier,
        page_errors=form.errors,
    )


def _first_day_index(days, requested: str | None) -> int:
    try:
        wanted = date.fromisoformat(requested) if requested else None
    except ValueError:
        wanted = None
    if wanted is None or not reasonable_date(wanted):
        return 0
    return next((i for i, (day, _slots) in enumerate(days) if day >= wanted), 0)
