"""English follows the glossary (translations/GLOSSARY.md): no English string uses a word
the glossary replaced, where its Portuguese translation uses the term."""

import re
from dataclasses import dataclass
from pathlib import Path

from tests.catalogs import CATALOGS, catalog

GLOSSARY = CATALOGS / "GLOSSARY.md"
LINE = re.compile(r"^- (?P<pt>.+?) → (?P<en>.+?)(?: · not: (?P<replaced>.+))?$")


@dataclass(frozen=True)
class Term:
    pt: str
    en: str
    replaced: tuple[str, ...]


def read_glossary(path: Path = GLOSSARY) -> list[Term]:
    terms = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = LINE.match(line)
        if match:
            replaced = match["replaced"] or ""
            words = tuple(w.strip() for w in replaced.split(",") if w.strip())
            terms.append(Term(match["pt"].strip(), match["en"].strip(), words))
    return terms


def _pattern(words: str) -> re.Pattern:
    """The words at a word start, in any case, plurals and endings included."""
    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words.split())), re.IGNORECASE)


def terms_in(portuguese: str, terms: list[Term]) -> list[Term]:
    """Glossary terms the Portuguese text uses, the longest first, each span once."""
    found, text = [], portuguese
    for term in sorted(terms, key=lambda t: len(t.pt), reverse=True):
        pattern = _pattern(term.pt)
        if pattern.search(text):
            found.append(term)
            text = pattern.sub(lambda m: "\0" * len(m.group()), text)
    return found


def violations(pairs, terms: list[Term]) -> list[str]:
    """(portuguese, english) pairs whose English uses a replaced word for a term used."""
    found = []
    for portuguese, english in pairs:
        for term in terms_in(portuguese, terms):
            for word in term.replaced:
                if _pattern(word).search(english):
                    found.append(f"{english!r}: “{word}” for “{term.pt}” (use “{term.en}”)")
    return found


def translations():
    """(Portuguese, English) for every message, each plural form apart."""
    english = {(m.context, m.id): m.string for m in catalog("en") if m.id}
    for message in catalog("pt_PT"):
        if not message.id:
            continue
        pt, en = message.string, english.get((message.context, message.id), "")
        if isinstance(pt, tuple):
            yield from zip(pt, en or ("",) * len(pt), strict=False)
        else:
            yield pt, en


def test_english_uses_the_glossary():
    terms = read_glossary()
    assert len(terms) >= 10 and all(t.pt and t.en for t in terms)

    found = violations(translations(), terms)

    assert not found, "English strings against translations/GLOSSARY.md:\n" + "\n".join(found)


def test_the_check_flags_a_replaced_word_and_spares_longer_terms(tmp_path):
    glossary = tmp_path / "GLOSSARY.md"
    glossary.write_text(
        "- atendimento → appointment · not: session\n"
        "- local de atendimento → desk · not: counter\n"
        "- videochamada → video call · not: video session\n"
    )
    terms = read_glossary(glossary)

    assert violations([("Antes do atendimento.", "Before the session.")], terms) == [
        "'Before the session.': “session” for “atendimento” (use “appointment”)"
    ]
    assert violations([("Os atendimentos marcados", "Sessions booked")], terms)
    assert violations([("Entrar na videochamada", "Join the video session")], terms)
    assert not violations([("Entrar na videochamada", "Join the video call")], terms)
    # "sessão" is a signed-in session: not the glossary's "atendimento".
    assert not violations([("A sua sessão terminou.", "Your session ended.")], terms)
    # The desk's name holds "atendimento", but it is another term.
    assert not violations([("O local de atendimento verá", "The desk's session will")], terms)
