"""The translation catalogs, read as a test reads them; and text that belongs to one language.

``foreign_phrases(html, language)`` lists the interface phrases of the *other*
language found on a page: a Portuguese translation on an English page, or an
English source text (one whose translation differs) on a Portuguese page. That is
how an untranslated or half-translated page shows.
"""

import re
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

CATALOGS = Path(__file__).resolve().parent.parent / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
# Shorter pieces ("Das", "NIPC", "Microsoft Teams") prove nothing on their own.
MIN_WORDS = 2
# Proper names read the same in both languages; they never count as foreign.
PROPER_NAMES = [
    "Linha da Segurança Social",
    "Segurança Social",
    "Instituto da Segurança Social, I.P.",
    "Instituto Nacional para a Reabilitação",
    "Agência para a Modernização Administrativa",
    "Centro Distrital",
    "Cartão Europeu de Seguro de Doença",
]
# Attributes whose text people meet (read aloud, shown on hover, or shown later by script).
TEXT_ATTRIBUTES = ["title", "aria-label", "alt", "placeholder", "value"]
TEXT_ATTRIBUTES += ["data-hold-warning", "data-hold-expired"]
TEXT_ATTRIBUTES += ["data-session-kept", "data-session-ended"]


def catalog(language):
    with open(CATALOGS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=language)


def _pieces(text: str) -> list[str]:
    """The literal runs of a message between its placeholders, long enough to tell."""
    pieces = []
    for piece in PLACEHOLDER.split(text)[::2]:  # split() interleaves placeholder names
        piece = " ".join(piece.split()).strip(" ,.:;()")
        for name in PROPER_NAMES:
            piece = piece.replace(name, " ")
        if len(piece.split()) >= MIN_WORDS:
            pieces.append(" ".join(piece.split()))
    return pieces


@cache
def phrases_of(language: str) -> frozenset[str]:
    """Interface phrases that only ``language`` uses ("pt_PT" or "en")."""
    found = set()
    for message in catalog("pt_PT"):
        # A plural message holds its forms as tuples (ngettext): each form counts.
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        translations = message.string if isinstance(message.string, tuple) else (message.string,)
        if not message.id or not all(translations) or set(translations) <= set(sources):
            continue
        for text in translations if language == "pt_PT" else sources:
            found.update(_pieces(text))
    return frozenset(found)


def page_text(html: str, language: str) -> str:
    """What a person meets on the page, leaving out parts marked as another language."""
    soup = BeautifulSoup(html, "html.parser")
    page_lang = language.replace("_", "-")
    for element in soup.select("script, style, [lang]"):
        foreign = element.name in ("script", "style") or element.get("lang") != page_lang
        if foreign and element.name != "html":
            element.decompose()
    texts = list(soup.stripped_strings)
    for element in soup.find_all(True):
        texts += [element[name] for name in TEXT_ATTRIBUTES if element.get(name)]
    return " ".join(" ".join(texts).split())


def foreign_phrases(html: str, language: str) -> list[str]:
    other = "en" if language == "pt_PT" else "pt_PT"
    text = page_text(html, language)
    return sorted(phrase for phrase in phrases_of(other) if phrase in text)
