"""What a PDF may contain to be accepted: pages, and nothing that acts by itself.

Desk staff open these files on their work computers, so a PDF is refused when it
holds anything a viewer could run or follow without the reader choosing to:

- scripts: JavaScript actions, document-level JavaScript, XFA forms (``SCRIPT``);
- launch actions, which start programs (``LAUNCH``);
- any action that reaches outside the file: ``/URI`` (web pages), ``/SubmitForm``
  (sends data), ``/GoToR`` and ``/GoToE`` (other files, UNC paths included),
  ``/ImportData``, and media (``/Rendition``, ``/Movie``, ``/Sound``); and any
  additional-actions dictionary (``/AA``) on the document, a page, an annotation
  or a form field, whatever it runs (``ACTION``);
- an ``/OpenAction`` that is an action, except a plain jump to a page of the same
  file (``/GoTo``, or a destination array, which sets the first view and is written
  by common office suites);
- embedded or associated files (``/EmbeddedFiles``, ``/EF``, ``/AF``, file
  attachment annotations, rich media) (``ATTACHMENT``).

Every object is looked at: those reachable from the trailer, and every object the
cross-reference tables list (including those inside object streams, and those an
incremental update left behind), so nothing hides in an unreferenced object.
Names are compared after decoding, so ``/J#61vaScript`` is ``/JavaScript``.
When a file has several of these, the most serious reason is given.
"""

import io

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from portal.documents.refusals import FileRefused, Refusal

# A PDF walk that visits more objects than this is refused rather than
# letting one upload keep a worker busy.
MAX_PDF_OBJECTS = 200_000
ACTION_TYPES = {
    "/JavaScript": Refusal.SCRIPT,
    "/Launch": Refusal.LAUNCH,
    "/URI": Refusal.ACTION,
    "/SubmitForm": Refusal.ACTION,
    "/GoToR": Refusal.ACTION,
    "/GoToE": Refusal.ACTION,
    "/ImportData": Refusal.ACTION,
    "/Rendition": Refusal.ACTION,
    "/Movie": Refusal.ACTION,
    "/Sound": Refusal.ACTION,
}
SCRIPT_KEYS = {"/JS", "/JavaScript", "/XFA"}
ATTACHMENT_KEYS = {"/EmbeddedFiles", "/EF", "/AF"}
ATTACHMENT_SUBTYPES = {"/FileAttachment", "/RichMedia"}
# Most serious first: the reason given when a file has several.
SEVERITY = [Refusal.SCRIPT, Refusal.LAUNCH, Refusal.ACTION, Refusal.ATTACHMENT]


def check_pdf(data: bytes) -> None:
    """Raise FileRefused unless the PDF is readable, unencrypted and inert."""
    if _has_data_after_end(data):
        raise FileRefused(Refusal.TRAILING)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise FileRefused(Refusal.ENCRYPTED)
        found = _active_content(reader)
        if found:
            raise FileRefused(min(found, key=SEVERITY.index))
        if len(reader.pages) == 0:
            raise FileRefused(Refusal.DAMAGED)
    except FileRefused:
        raise
    except Exception:  # noqa: BLE001 - hostile input makes pypdf fail in many ways
        raise FileRefused(Refusal.DAMAGED) from None


def _has_data_after_end(data: bytes) -> bool:
    """True when something (a ZIP, HTML…) follows the PDF's last %%EOF marker."""
    end = data.rfind(b"%%EOF")
    if end < 0:
        return False  # pypdf decides whether such a file is readable at all
    return bool(data[end + 5 :].strip(b"\r\n\t\f \x00"))


def _every_object(reader: PdfReader) -> list:
    """The trailer, and a reference to every object the cross-reference tables list."""
    objects: list = [reader.trailer]
    for generation, entries in reader.xref.items():
        objects += [IndirectObject(idnum, generation, reader) for idnum in entries]
    objects += [IndirectObject(idnum, 0, reader) for idnum in reader.xref_objStm]
    return objects


def _active_content(reader: PdfReader) -> set[Refusal]:
    """Walk every object once, collecting what would make the file unacceptable."""
    found: set[Refusal] = set()
    seen: set[tuple[int, int]] = set()
    stack = _every_object(reader)
    visited = 0
    while stack and Refusal.SCRIPT not in found:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise FileRefused(Refusal.DAMAGED)
        if isinstance(obj, DictionaryObject):
            found |= _dictionary_refusals(obj)
            stack.extend(dict.values(obj))  # raw values: references are followed above
        elif isinstance(obj, ArrayObject):
            stack.extend(list.__iter__(obj))
    return found


def _dictionary_refusals(dictionary: DictionaryObject) -> set[Refusal]:
    keys = set(dictionary.keys())
    found = set()
    if keys & SCRIPT_KEYS:
        found.add(Refusal.SCRIPT)
    action = dictionary.get("/S")
    if action in ACTION_TYPES:
        found.add(ACTION_TYPES[action])
    if "/AA" in keys:
        found.add(Refusal.ACTION)
    if "/OpenAction" in keys and not _only_opens_a_page(dictionary["/OpenAction"]):
        found.add(Refusal.ACTION)
    if (
        keys & ATTACHMENT_KEYS
        or dictionary.get("/Type") == "/EmbeddedFile"
        or dictionary.get("/Subtype") in ATTACHMENT_SUBTYPES
    ):
        found.add(Refusal.ATTACHMENT)
    return found


def _only_opens_a_page(open_action) -> bool:
    """A destination (array) or a /GoTo within the file: it sets the first view only."""
    open_action = open_action.get_object()
    if isinstance(open_action, ArrayObject):
        return True
    return isinstance(open_action, DictionaryObject) and open_action.get("/S") == "/GoTo"
