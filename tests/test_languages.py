"""Each page speaks one language: no Portuguese on English pages, no English on Portuguese ones.

Every page of tests/visits.py PAGES, through the test client, in both languages.
"""

import pytest

from portal.extensions import db
from tests.catalogs import foreign_phrases, page_text, phrases_of
from tests.conftest import Clock, make_app
from tests.visits import PAGES, ClientVisitor, create_site

LANGUAGES = ["pt_PT", "en"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("languages")
    app = make_app(f"sqlite:///{folder / 'site.sqlite3'}", folder)
    clock = Clock()
    app.extensions["clock"] = clock
    with app.app_context():
        db.create_all()
    yield create_site(app, clock)
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("visit", PAGES, ids=str)
def test_page_shows_no_text_of_the_other_language(site, visit, language):
    visitor = visit.steps(ClientVisitor(site, language, site.app.test_client()))

    assert visitor.status == visit.status
    assert visitor.page.lang == language.replace("_", "-")
    html = visitor.page.response.get_data(as_text=True)
    assert not foreign_phrases(html, language), f"{visit} in {language}: other language shows"


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
