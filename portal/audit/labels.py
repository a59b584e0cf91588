"""How audit-log entries read: their codes rendered through the catalog, in the
language of whoever opens the log.

An entry says what was touched (``object_type`` and ``object_id``) and what happened
(``detail`` and its ``detail_values``). Adding a kind of entry means a code here and
its text in the catalogs; an unknown code (an entry written before codes, or by a
newer version) is shown as it was stored.
"""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.booking.models import Outcome

OBJECT_TYPES = {
    "account": _l("Staff account"),
    "agenda": _l("Agenda of desk"),
    "booking": _l("Booking"),
    "desk": _l("Desk"),
    "document": _l("Document"),
    "evaluation": _l("Evaluation of the pilot"),
    "referral": _l("Reference code"),
    "referral-list": _l("Recent codes"),
}
OUTCOMES = {
    Outcome.ATTENDED.value: _l("attended"),
    Outcome.NO_SHOW.value: _l("did not attend (no-show)"),
    Outcome.REBOOKED_BY_PHONE.value: _l("rebooked by phone"),
}
# I18N: each text may use the values named in it; numbers are the records' own numbers.
DETAILS = {
    "created": _l("Created"),
    "enabled": _l("Enabled"),
    "disabled": _l("Disabled"),
    "issued": _l("Issued"),
    "issued-by-api": _l("Issued through the integration API"),
    "voided": _l("Withdrawn"),
    "reissued": _l("Re-issued as reference code no. %(replacement)s"),
    "code-resent": _l("E-mail with the code sent again"),
    "listed": _l("Listed the recent codes"),
    "searched": _l("Searched for “%(query)s”"),
    "period": _l("%(first)s to %(last)s"),
    "outcome": _l("Outcome recorded: %(outcome)s"),
    "of-booking": _l("Of booking no. %(booking)s"),
    "closure": _l("Closure no. %(closure)s added"),
    "closure-removed": _l("Closure no. %(closure)s removed"),
    "malware": _l("Upload refused: the malware scanner found %(signature)s"),
}


def _day(value: str) -> str:
    from portal.i18n import short_date

    return short_date(date.fromisoformat(value))


def _shown_values(detail: str, values: dict) -> dict:
    shown = dict(values)
    if detail == "period":
        shown.update(first=_day(values["first"]), last=_day(values["last"]))
    if detail == "outcome":
        shown["outcome"] = str(OUTCOMES.get(values["outcome"], values["outcome"]))
    return shown


def object_label(object_type: str, object_id: int | None) -> str:
    """'Booking no. 4' ('Marcação n.º 4'); the code itself if unknown."""
    what = str(OBJECT_TYPES.get(object_type, object_type))
    if object_id is None:
        return what
    return _("%(what)s no. %(number)s", what=what, number=object_id)


def detail_label(detail: str, values: dict) -> str:
    """What happened, in the current language ("" when the entry says nothing more)."""
    if not detail:
        return ""
    if detail == "searched" and "query" not in values:
        return _("Searched (the text typed was removed after the retention period)")
    text = DETAILS.get(detail)
    if text is None:
        return detail  # written before entries were codes
    try:
        return str(text) % _shown_values(detail, values)
    except (KeyError, ValueError, TypeError):
        return str(text)
