"""Each page speaks one language: no Portuguese on English pages, no English on Portuguese ones.

Every page of tests/visits.py PAGES, through the test client, in both languages
(visited once per run: tests/rendered.py).
"""

from datetime import UTC, datetime

import pytest

from portal.i18n import clock_time, long_date, short_date
from tests.catalogs import foreign_phrases, page_text, phrases_of
from tests.visits import PAGES

LANGUAGES = ["pt_PT", "en"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("visit", PAGES, ids=str)
def test_page_shows_no_text_of_the_other_language(rendered_pages, visit, language):
    page = rendered_pages.get(visit, language)

    assert page.status == visit.status
    assert page.lang == language.replace("_", "-")
    assert not foreign_phrases(page.html, language), f"{visit} in {language}: other language shows"


def test_the_check_finds_a_half_translated_page():
    english_phrase = sorted(phrases_of("en"))[0]
    portuguese_phrase = sorted(phrases_of("pt_PT"))[0]
    page = (
        '<html lang="{lang}"><body><main><p>{text}</p>'
        '<a lang="pt-PT" href="?lang=pt">Português, a ligação para mudar de língua</a>'
        "</main></body></html>"
    )

    assert foreign_phrases(page.format(lang="pt-PT", text=english_phrase), "pt_PT") == [
        english_phrase
    ]
    assert portuguese_phrase in foreign_phrases(
        page.format(lang="en", text=f"Hello. {portuguese_phrase}"), "en"
    )
    assert "Português" not in page_text(page.format(lang="en", text="Hello"), "en")


def test_proper_names_do_not_count_as_portuguese():
    page = (
        '<html lang="en"><body><p>Call the Linha da Segurança Social. Centro Distrital de Braga.'
        "</p></body></html>"
    )

    assert foreign_phrases(page, "en") == []


def test_english_dates_and_times_follow_british_conventions():
    moment = datetime(2026, 12, 3, 15, 5, tzinfo=UTC)  # Lisbon is UTC in winter

    assert long_date(moment, "en") == "Thursday 3 December 2026"
    assert clock_time(moment, "en") == "15:05"
    assert short_date(moment.date(), "en") == "3 December 2026"
    assert long_date(moment, "pt_PT") == "quinta-feira, 3 de dezembro de 2026"
    assert clock_time(moment, "pt_PT") == "15:05"
