"""Every interface text is translated, in European Portuguese and in English."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo

from tests.catalogs import CATALOGS, PLACEHOLDER, catalog

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["pt_PT", "en"]
# Brazilian forms that must never appear in pt_PT text (whole words, any case), with the
# European word to use instead.
BRAZILIAN = {
    r"registros?|registrar": "registo, registar",
    r"contatos?|contatar": "contacto, contactar",
    r"telas?": "ecrã",
    r"celular(es)?": "telemóvel",
    r"usuári[oa]s?": "utilizador",
    r"times?|equipes?": "equipa",
    r"arquivos?": "ficheiro",
    r"cadastr\w*": "registo, inscrição",
    r"senhas?": "palavra-passe",
    r"câmeras?": "câmara",
    r"aplicativos?": "aplicação",
    r"baixar|deletar": "transferir, eliminar",
    r"mouse": "rato",
    r"planilhas?": "folha de cálculo",
    r"vocês?": "o senhor / a forma impessoal",
    r"ônibus|trem": "autocarro, comboio",
    # Brazilian spelling: circumflex where Portugal writes an acute accent.
    r"eletrônic\w*|econômic\w*|gêneros?|acadêmic\w*|telefônic\w*": "eletrónico, económico…",
    r"recepção|fato": "receção, facto",
}
# "estamos processando": Brazil's progressive; Portugal says "estamos a processar".
BRAZILIAN_GERUND = re.compile(r"\b(estou|está|estamos|estão|estava|estavam)\s+\w+ndo\b", re.I)


def singular(text):
    """A plural message (ngettext) holds its forms as a tuple: key it by the first."""
    return text[0] if isinstance(text, (tuple, list)) else text


def forms(text):
    return list(text) if isinstance(text, (tuple, list)) else [text]


def source_messages() -> set[str]:
    method_map = [("portal/**.py", "python"), ("portal/**/templates/**.html", "jinja2")]
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    messages = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=keywords
    ):
        messages.add(message if isinstance(message, str) else message[0])
    return messages


@pytest.fixture(scope="module")
def messages():
    return source_messages()


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_has_every_message_translated(messages, language):
    entries = {singular(m.id): m for m in catalog(language) if m.id}
    missing = sorted(messages - entries.keys())
    untranslated = sorted(
        i for i, m in entries.items() if i in messages and not all(forms(m.string))
    )
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
        and set(PLACEHOLDER.findall(singular(m.id)))
        != {p for form in forms(m.string) for p in PLACEHOLDER.findall(form)}
    ]
    assert not wrong, f"{language}: placeholders differ in {wrong}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_the_source_catalog(language):
    folder = CATALOGS / language / "LC_MESSAGES"
    with open(folder / "messages.mo", "rb") as handle:
        compiled = {singular(m.id): forms(m.string) for m in read_mo(handle) if m.id}
    source = {
        singular(m.id): forms(m.string)
        for m in catalog(language)
        if m.id and all(forms(m.string)) and not m.fuzzy
    }
    assert compiled == source, "run: pybabel compile -d translations"


def brazilian_forms(text: str) -> list[str]:
    text = PLACEHOLDER.sub("", text)
    found = [
        f"{match.group(0)} (use {european})"
        for pattern, european in BRAZILIAN.items()
        for match in re.finditer(rf"\b(?:{pattern})\b", text, re.IGNORECASE)
    ]
    return found + [
        f"{m.group(0)} (use estar a + infinitive)" for m in BRAZILIAN_GERUND.finditer(text)
    ]


def test_portuguese_uses_european_forms():
    found = [
        (form, text)
        for m in catalog("pt_PT")
        for text in forms(m.string)
        if text
        for form in brazilian_forms(text)
    ]
    assert not found, f"Brazilian Portuguese forms: {found}"


@pytest.mark.parametrize(
    "text",
    [
        "Introduza o número de celular",
        "Guarde o arquivo no ecrã",
        "Contate a equipe",  # "equipe"
        "O usuário não tem senha",
        "Estamos processando o seu pedido",
        "Documento eletrônico",
        "O Registro Central",
    ],
)
def test_brazilian_forms_are_recognised(text):
    assert brazilian_forms(text)


@pytest.mark.parametrize(
    "text",
    [
        "Introduza o número de telemóvel",
        "Guarde o ficheiro; veja no ecrã",
        "Contacte a equipa até às %(time)s",
        "Estamos a processar o seu pedido",
        "Documento eletrónico com registo",
    ],
)
def test_european_forms_pass(text):
    assert not brazilian_forms(text)
