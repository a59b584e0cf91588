"""The time page, one day at a time, shared by booking and rescheduling.

The page offers start times, not desks (portal.scheduling.offers): the desk is
chosen when the person holds the time. Every part of it is a plain link or a
plain form, so it works without JavaScript.
"""

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app, render_template, request, session

from portal.clock import now
from portal.scheduling.calendar import reasonable_date
from portal.scheduling.offers import (
    candidate_slots,
    current_offer,
    offer_window,
    offered_centres,
    times_on,
)

# The district centre the person prefers, for the rest of their session.
CENTRE_KEY = "preferred_centre"


@dataclass(frozen=True)
class Navigator:
    """The days listed above the times: a page of days around the one shown."""

    days: list[tuple[date, int]]
    earlier: date | None
    later: date | None


def preferred_centre(centres) -> tuple[int | None, str | None]:
    """The preferred centre (id, name): changed by ``?centro=``, else the session's."""
    names = dict(centres)
    if "centro" in request.args:
        wanted = request.args.get("centro", type=int)
        if wanted in names:
            session[CENTRE_KEY] = wanted
        else:
            session.pop(CENTRE_KEY, None)  # "any centre", or a centre no longer offered
    centre_id = session.get(CENTRE_KEY)
    if centre_id not in names:
        return None, None
    return centre_id, names[centre_id]


def times_for(referral, starts_at: datetime, booking=None) -> list[int]:
    """The slots to try for a chosen time, in the order of the desk rule."""
    return candidate_slots(
        referral.subject,
        referral.audience,
        starts_at,
        now(),
        offer_window(),
        centre_id=session.get(CENTRE_KEY),
        exclude_slot_id=booking.slot_id if booking else None,
    )


def slot_page(referral, form, template, booking=None):
    subject, audience, moment, window = referral.subject, referral.audience, now(), offer_window()
    centres = offered_centres(subject, audience)
    centre_id, centre_name = preferred_centre(centres)
    # Rescheduling: the time the person has is not offered again (at another desk).
    narrowing = {
        "centre_id": centre_id,
        "exclude_time": booking.slot.starts_at if booking else None,
    }
    # One answer (kept a moment: portal.scheduling.offer_cache) gives the days, the
    # shown day's times and the earliest time.
    offer = current_offer(subject, audience, moment, window, **narrowing)
    days = list(offer.days)
    shown = _shown_day(days, request.args.get("dia"))
    times = times_on(offer.times, shown) if shown else []
    earliest = offer.times[0] if offer.times else None
    return render_template(
        template,
        referral=referral,
        booking=booking,
        form=form,
        centres=centres,
        centre_id=centre_id,
        centre_name=centre_name,
        earliest=earliest,
        shown=shown,
        times=times,
        navigator=_navigator(days, shown),
        page_errors=form.errors,
    )


def _shown_day(days: list[tuple[date, int]], requested: str | None) -> date | None:
    """The day asked for, or the first with times after it; by default the earliest."""
    if not days:
        return None
    try:
        wanted = date.fromisoformat(requested) if requested else None
    except ValueError:
        wanted = None
    if wanted is None or not reasonable_date(wanted):
        return days[0][0]
    return next((day for day, _count in days if day >= wanted), days[-1][0])


def _navigator(days: list[tuple[date, int]], shown: date | None) -> Navigator:
    size = current_app.config["BOOKING_DAYS_PER_PAGE"]
    if not days:
        return Navigator([], None, None)
    index = next(i for i, (day, _count) in enumerate(days) if day == shown)
    start = index // size * size
    earlier = days[start - size][0] if start else None
    later = days[start + size][0] if start + size < len(days) else None
    return Navigator(days[start : start + size], earlier, later)
