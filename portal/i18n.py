"""Language choice and locale-aware formatting.

Portuguese (Portugal) is the default. ``?lang=en`` or ``?lang=pt`` on any URL
switches language and a cookie remembers it.
"""

from datetime import datetime
from urllib.parse import urlencode

from babel import Locale
from babel.dates import format_date, format_time
from flask import current_app, g, request
from flask_babel import get_locale

from portal.scheduling.calendar import to_lisbon

# What ?lang= accepts → catalog locale.
LANGUAGE_PARAMETERS = {"pt": "pt_PT", "pt_PT": "pt_PT", "pt-PT": "pt_PT", "en": "en"}
SWITCH_TO = {"pt_PT": ("en", "English"), "en": ("pt", "Português")}


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
            max_age=365 * 24 * 3600,
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


def long_date(moment: datetime, language: str | None = None) -> str:
    """'segunda-feira, 7 de dezembro de 2026' in Lisbon."""
    locale = Locale.parse(language or current_language())
    return format_date(to_lisbon(moment).date(), format="full", locale=locale)


def day_heading(day, language: str | None = None) -> str:
    locale = Locale.parse(language or current_language())
    return format_date(day, format="full", locale=locale)


def clock_time(moment: datetime, language: str | None = None) -> str:
    """'09:30' in Lisbon."""
    locale = Locale.parse(language or current_language())
    return format_time(to_lisbon(moment), format="HH:mm", locale=locale)


def init_app(app) -> None:
    app.after_request(remember_language)
    app.jinja_env.filters.update(
        long_date=long_date, clock_time=clock_time, day_heading=day_heading
    )
    app.context_processor(
        lambda: {
            "language_switch": language_switch,
            "html_lang": html_lang,
            "current_language": current_language,
        }
    )
