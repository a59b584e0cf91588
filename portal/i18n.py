"""Language choice and locale-aware formatting.

Portuguese (Portugal) is the default. ``?lang=en`` or ``?lang=pt`` on any URL
switches language and a cookie remembers it.
"""

from datetime import datetime
from functools import cache
from urllib.parse import urlencode

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from flask import current_app, g, request
from flask_babel import get_locale

from portal.scheduling.calendar import to_lisbon

# What ?lang= accepts → catalog locale.
LANGUAGE_PARAMETERS = {"pt": "pt_PT", "pt_PT": "pt_PT", "pt-PT": "pt_PT", "en": "en"}
SWITCH_TO = {"pt_PT": ("en", "English"), "en": ("pt", "Português")}
# How long the language cookie remembers a choice (the privacy notice says so).
LANGUAGE_COOKIE_DAYS = 365


def select_locale() -> str:
    chosen = LANGUAGE_PARAMETERS.get(request.args.get("lang", ""))
    if chosen:
        g.language_chosen = chosen
        return chosen
    cookie = request.cookies.get(current_app.config["LANGUAGE_COOKIE"], "")
    return cookie if cookie in current_app.config["LANGUAGES"] else "pt_PT"


def current_language() -> str:
    return str(get_locale())


def remember_language(response):
    chosen = g.get("language_chosen")
    if chosen:
        response.set_cookie(
            current_app.config["LANGUAGE_COOKIE"],
            chosen,
            max_age=LANGUAGE_COOKIE_DAYS * 24 * 3600,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
    return response


def language_switch() -> dict:
    """The link to the other language: same page, same query, other ?lang."""
    parameter, label = SWITCH_TO[current_language()]
    query = (
        {k: v for k, v in request.args.items() if k != "lang"} if request.method == "GET" else {}
    )
    query["lang"] = parameter
    hreflang = "en" if parameter == "en" else "pt-PT"
    return {"url": f"{request.path}?{urlencode(query)}", "label": label, "hreflang": hreflang}


def html_lang(language: str | None = None) -> str:
    return (language or current_language()).replace("_", "-")


# English follows British conventions (en-GB): "Thursday 3 December 2026", 24-hour
# times. The catalog stays "en"; only dates and times are formatted as en_GB.
FORMATTING_LOCALES = {"en": "en_GB"}
# GOV.UK style: no comma after the weekday (CLDR's en_GB "full" has one).
FULL_DATE_PATTERNS = {"en": "EEEE d MMMM y"}


@cache
def _locale(language: str) -> Locale:
    # Parsed once per language: the time page formats a few dozen dates and times.
    return Locale.parse(FORMATTING_LOCALES.get(language, language))


def _formatting(language: str | None) -> tuple[str, Locale]:
    language = language or current_language()
    return language, _locale(language)


def _full_date(day, language: str | None) -> str:
    language, locale = _formatting(language)
    return format_date(day, FULL_DATE_PATTERNS.get(language, "full"), locale=locale)


def long_date(moment: datetime, language: str | None = None) -> str:
    """'segunda-feira, 7 de dezembro de 2026' / 'Monday 7 December 2026', in Lisbon."""
    return _full_date(to_lisbon(moment).date(), language)


def day_heading(day, language: str | None = None) -> str:
    return _full_date(day, language)


def short_date(day, language: str | None = None) -> str:
    """'7 de dezembro de 2026' / '7 December 2026' (no weekday)."""
    _language, locale = _formatting(language)
    return format_date(day, format="long", locale=locale)


def nav_day(day, language: str | None = None) -> str:
    """'qui., 3/12' / 'Thu 3 Dec': a day in the time page's compact day list."""
    language, locale = _formatting(language)
    return format_date(day, "EEE d/MM" if language.startswith("pt") else "EEE d MMM", locale=locale)


def clock_time(moment: datetime, language: str | None = None) -> str:
    """'09:30' in Lisbon (24-hour in both languages).

    Both languages write hours and minutes alike (Babel's "HH:mm" in pt_PT and en_GB),
    so no locale is needed: the time page writes a few dozen of them.
    """
    return to_lisbon(moment).strftime("%H:%M")


def megabits(kbps: int, language: str | None = None) -> str:
    """A measured speed in Mbit/s with one decimal: '2,5' / '2.5' (from kbit/s)."""
    _language, locale = _formatting(language)
    return format_decimal(kbps / 1000, "#,##0.0", locale=locale)


def init_app(app) -> None:
    app.after_request(remember_language)
    app.jinja_env.filters.update(
        long_date=long_date,
        clock_time=clock_time,
        day_heading=day_heading,
        short_date=short_date,
        megabits=megabits,
        nav_day=nav_day,
    )
    app.context_processor(
        lambda: {
            "language_switch": language_switch,
            "html_lang": html_lang,
            "current_language": current_language,
        }
    )
