"""Every interface text is translated, in European Portuguese and in English."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "translations"
LANGUAGES = ["pt_PT", "en"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
# Brazilian forms that must never appear in pt_PT text (word boundaries).
BRAZILIAN = ["registro", "contato", "tela", "celular", "usuário", "time", "arquivo", "ônibus"]


def source_messages() -> set[str]:
    method_map = [("portal/**.py", "python"), ("portal/**/templates/**.html", "jinja2")]
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    messages = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=keywords
    ):
        messages.add(message if isinstance(message, str) else message[0])
    return messages


def catalog(language):
    with open(CATALOGS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=language)


@pytest.fixture(scope="module")
def messages():
    return source_messages()


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_has_every_message_translated(messages, language):
    entries = {m.id: m for m in catalog(language) if m.id}
    missing = sorted(messages - entries.keys())
    untranslated = sorted(i for i, m in entries.items() if i in messages and not m.string)
    fuzzy = sorted(i for i, m in entries.items() if m.fuzzy)
    assert not missing, f"{language}: not in the catalog: {missing[:10]}"
    assert not untranslated, f"{language}: untranslated: {untranslated[:10]}"
    assert not fuzzy, f"{language}: fuzzy: {fuzzy[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match_the_source(language):
    wrong = [
        m.id
        for m in catalog(language)
        if m.id
        and m.string
        and set(PLACEHOLDER.findall(m.id)) != set(PLACEHOLDER.findall(m.string))
    ]
    assert not wrong, f"{language}: placeholders differ in {wrong}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_the_source_catalog(language):
    folder = CATALOGS / language / "LC_MESSAGES"
    with open(folder / "messages.mo", "rb") as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if m.id}
    source = {m.id: m.string for m in catalog(language) if m.id and m.string and not m.fuzzy}
    assert compiled == source, "run: pybabel compile -d translations"


def test_portuguese_uses_european_forms():
    found = [
        (word, m.string)
        for m in catalog("pt_PT")
        if m.string
        for word in BRAZILIAN
        if re.search(rf"\b{word}\b", PLACEHOLDER.sub("", m.string), re.IGNORECASE)
    ]
    assert not found, f"Brazilian Portuguese forms: {found}"
